#!/usr/bin/env bash
# The whole test suite on a fresh Debian/Ubuntu machine, as root: Debian packages, build, every test tier
# (npm run test:unit needs none of that; see CONTRIBUTING.md "Tests").
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/setup.sh
[ -x node_modules/.bin/vitest ] || npm ci
npm run build
# Typecheck everything (tests and scripts too), then every tier (vitest.config.ts: unit first, then local and sandbox
# together); arguments go to vitest, e.g. `npm test -- --project local`.
npx tsc -p tsconfig.json --noEmit
npx vitest run "$@"
