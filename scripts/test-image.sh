#!/usr/bin/env bash
# `npm run test:image`: build the appliance images and prove them in QEMU (boot, unattended install, A/B updates).
# Images built: var/image/host (ISO), var/image/host-update (a newer version), var/image/host-broken (a deliberately
# broken qx-node), var/image/vdc (the vDC appliance ISO, and its OVA made by an unattended install in QEMU). The builder caches debootstrap and the package base.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
bash builder/host-deps
node scripts/build.mjs
# The update is the next patch version; the broken image claims to be newer still.
next=$(node -p "const [a, b, c] = require('./package.json').version.split(/[.-]/); [a, b, Number(c) + 1].join('.')")
bash builder/build --profile host --no-bundles
bash builder/build --profile host --no-bundles --no-iso --version "$next" --out var/image/host-update
bash builder/build --profile host --no-bundles --no-iso --version "$next-broken" --out var/image/host-broken \
  --extra-overlay builder/test/fixtures/broken-node
bash builder/build --profile vdc --no-bundles
echo "test-image: images built in $(($(date +%s) - started))s"
npx vitest run --project image "$@"
echo "test-image: done in $(($(date +%s) - started))s"
