#!/usr/bin/env bash
# Runs before `npm test`: what the integration tests need on this host, installed and started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/host-setup.sh
bash scripts/build-test-guest.sh >/dev/null
node scripts/build.mjs
npx tsc -p tsconfig.json --noEmit
