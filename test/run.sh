#!/usr/bin/env bash
# The whole test suite on a fresh Debian/Ubuntu machine, as root: Debian packages, build, every test tier.
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/setup.sh
[ -x node_modules/.bin/vitest ] || npm ci
npm run build
# Typecheck everything (tests and scripts too), then run pure, fake-host and sandbox tests together.
npx tsc -p tsconfig.json --noEmit
npx vitest run "$@"
