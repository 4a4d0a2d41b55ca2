#!/usr/bin/env bash
# The whole suite: static checks, unit, integration (PGlite and Postgres), end-to-end in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n\033[1m== %s\033[0m\n' "$1"; }

step "type check"; npm run --silent check
step "lint"; npm run --silent lint
step "unit + integration"; npx vitest run
step "build"; npm run --silent build >/dev/null
step "end-to-end (Chromium)"; npx playwright test
printf '\nAll tests passed in %ss\n' "$(( $(date +%s) - start ))"
