#!/usr/bin/env bash
# npm start: make this host ready (packages, libvirtd), build, and run qx-node in the foreground.
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
exec node dist/qx-node.mjs "$@"
