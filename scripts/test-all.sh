#!/usr/bin/env bash
# The whole test suite: static checks, the docs' references, contract tests (mocha + Solidity
# fuzz/invariant), package tests (node:test) and end-to-end tests. `npm test` runs this with Node 22 on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$1"; }

step "typecheck"
npx tsc --noEmit -p tsconfig.json
step "lint"
npx eslint .
npx solhint --disc "contracts/**/*.sol"
npx prettier --check "contracts/**/*.sol" "**/*.{ts,json,md}" > /dev/null
step "docs (references)"
node --import tsx --test test/docs/references.test.ts
step "contracts (mocha)"
npx hardhat test mocha
step "contracts (Solidity fuzz and invariant)"
npx hardhat test solidity
step "packages"
shopt -s globstar nullglob
pkg_tests=(packages/*/test/**/*.test.ts)
if (( ${#pkg_tests[@]} )); then
  node --import tsx --test --test-concurrency=1 "${pkg_tests[@]}"
fi
step "packages as installed"
# npm pack of the public packages, installed alone into an empty project and used from there.
node --import tsx --test test/packages/consumer.test.ts
step "server from built output"
# npm run build, the Dockerfile's runtime stage without Docker, `node packages/server/dist/main.js` (docs/deployment.md).
node --import tsx --test test/e2e/production.test.ts
step "end to end"
# The demo story, `npm start` (API and pages in Chromium), docs/deployment.md on local nodes, and the web pages in Chromium.
node --import tsx --test --test-concurrency=1 test/e2e/demo.test.ts test/e2e/start.test.ts test/e2e/deployment.test.ts test/e2e/web.test.ts
