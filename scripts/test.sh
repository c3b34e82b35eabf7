#!/usr/bin/env bash
# The one test command (npm test): installs what the tests need when missing (npm packages,
# Debian's Chromium and ClickHouse), type-checks, lints, builds the web app, runs every test, and
# ends with a plain "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm packages"
  npm ci --no-audit --no-fund
fi

if [ ! -x /usr/bin/chromium ]; then
  step "installing Debian's chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

bash scripts/ensure-clickhouse.sh

step "type-check (tsc)"
npx tsc --noEmit

step "lint (biome)"
npx biome check .

step "build web app"
npm run --silent build:web

step "tests (vitest)"
mkdir -p .tmp
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(".tmp/vitest.json", "utf8"));
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
exit $status
