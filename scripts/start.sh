#!/usr/bin/env bash
# npm start: make this host ready (packages, libvirtd), build, and run qx-node on embedded defaults.
# On a terminal the console (DCUI) takes the screen and qx-node runs behind it; Ctrl-C in the console stops both.
# Without a terminal (or with QX_NO_CONSOLE=1) qx-node runs in the foreground.
# Extra arguments go to qx-node, e.g. `npm start -- --insecure-http --port 8080`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/host-setup.sh

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "start: installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

node scripts/build.mjs

export QX_DATA_DIR=${QX_DATA_DIR:-$PWD/var/node}
cat <<MSG
start: qx-node data lives in $QX_DATA_DIR
start: log in with:  curl -k https://127.0.0.1:${QX_PORT:-8443}/api/v1/auth/login -H 'content-type: application/json' -d '{"password":"..."}'
start: no password yet? stop it and run:  node dist/qx-node.mjs set-password --data-dir "$QX_DATA_DIR"   (or start with QX_ADMIN_PASSWORD=...)
MSG

if [[ -t 0 && -t 1 && -z ${QX_NO_CONSOLE:-} ]]; then
  mkdir -p "$QX_DATA_DIR/logs"
  node dist/qx-node.mjs "$@" >>"$QX_DATA_DIR/logs/qx-node.out" 2>&1 &
  node_pid=$!
  trap 'kill "$node_pid" 2>/dev/null; wait "$node_pid" 2>/dev/null' EXIT
  socket=${QX_SOCKET:-$QX_DATA_DIR/qx-node.sock}
  for _ in $(seq 1 100); do
    [[ -S $socket ]] && break
    kill -0 "$node_pid" 2>/dev/null || { cat "$QX_DATA_DIR/logs/qx-node.out" >&2; exit 1; }
    sleep 0.1
  done
  node dist/qx-console.mjs --allow-exit --node-data-dir "$QX_DATA_DIR"
else
  exec node dist/qx-node.mjs "$@"
fi
