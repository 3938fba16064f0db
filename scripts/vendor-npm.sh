#!/usr/bin/env bash
# Vendor the browser code of the package, from npm, at build time: YASGUI (perr serve's query page editor and
# result views) and write-excel-file (perr report's XLSX downloads, made in the browser).
#
#   npm ci (the versions pinned in package.json / package-lock.json, install scripts off), then
#   scripts/vendor_npm.py copies their built files into src/perr_graph/serve/static/yasgui/ and
#   src/perr_graph/report/static/write-excel-file/ (git-ignored, package data of the wheel) with every address
#   they would fetch from the web made inert.
#
# Run by scripts/test.sh (so by CI), and before building a wheel. Without npm or without the registry, it says so
# and exits 0: `perr serve` then serves its plain query form, which says that YASGUI is missing, and `perr report`
# offers CSV downloads only, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  echo "vendor-npm: npm not found: perr serve will serve its plain query form, perr report offers no XLSX" >&2
  exit 0
fi
if ! out=$(npm ci --ignore-scripts --no-audit --no-fund --loglevel=error 2>&1 >/dev/null); then
  echo "vendor-npm: npm ci failed ($(printf '%s\n' "$out" | grep -m1 'npm error' || true)): perr serve will serve its plain query form, perr report offers no XLSX" >&2
  exit 0
fi
exec python3 scripts/vendor_npm.py
