#!/usr/bin/env bash
# npm run bench: makes sure libvirtd runs, the test guest and dist/ are built, then runs every benchmark in bench/.
# Each benchmark prints its own table and compares against a baseline measured in the same run.
# Usage: bash scripts/bench.sh [name ...]   (names without .ts, e.g. "list-vms"; default: all)
# Env: BENCH_RUNS (create-to-running rounds, default 8), BENCH_TRACE_RUNS (default 3),
#      BENCH_LIST_REQUESTS (default 500), BENCH_IDLE_SECONDS (default 60);
#      to compare builds or settings: BENCH_QX_NODE_BUNDLE (another qx-node .mjs), BENCH_QX_NODE_FLAGS (node options,
#      e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), BENCH_QX_NODE_ENV ("K=V;K2=V2" for the daemon's environment).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-prepare.sh

if (($# > 0)); then
  benches=("$@")
else
  benches=(create-to-running list-vms idle console-startup)
fi

failed=()
for b in "${benches[@]}"; do
  file="bench/${b%.ts}.ts"
  [[ -f $file ]] || { echo "bench: no such benchmark: $file" >&2; exit 2; }
  if ! npx tsx "$file"; then
    failed+=("$b")
  fi
done
if ((${#failed[@]} > 0)); then
  echo "bench: failed to run: ${failed[*]}" >&2
  exit 1
fi
