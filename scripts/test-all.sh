#!/usr/bin/env bash
# The whole suite: static checks, unit, integration (PGlite and Postgres), end-to-end in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n\033[1m== %s\033[0m\n' "$1"; }
rm -rf test-reports

if [ ! -x /usr/bin/chromium ]; then
	echo "The end-to-end tests need Debian's Chromium at /usr/bin/chromium: apt-get install -y chromium" >&2
	exit 1
fi

step "type check"; npm run --silent check
step "lint"; npm run --silent lint
step "unit + integration"; npx vitest run --reporter=default --reporter=json --outputFile=test-reports/vitest.json
step "build"; npm run --silent build >/dev/null
step "end-to-end (Chromium)"; npx playwright test
step "summary"
node scripts/summarise-tests.js
printf 'Whole suite in %ss\n' "$(( $(date +%s) - start ))"
