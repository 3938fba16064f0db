#!/usr/bin/env bash
# Vendor YASGUI (the query page's editor and result views) into the Python package, at build time.
#
#   npm ci (the version pinned in package.json / package-lock.json, install scripts off), then
#   scripts/vendor_yasgui.py copies its built files into src/perr_graph/serve/static/yasgui/ (git-ignored,
#   package data of the wheel) with every address it would fetch from the web made inert.
#
# Run by scripts/test.sh (so by CI), and before building a wheel. Without npm or without the registry, it says so
# and exits 0: `perr serve` then serves its plain query form, which says that YASGUI is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  echo "vendor-yasgui: npm not found: perr serve will serve its plain query form" >&2
  exit 0
fi
if ! out=$(npm ci --ignore-scripts --no-audit --no-fund --loglevel=error 2>&1 >/dev/null); then
  echo "vendor-yasgui: npm ci failed ($(printf '%s\n' "$out" | grep -m1 'npm error' || true)): perr serve will serve its plain query form" >&2
  exit 0
fi
exec python3 scripts/vendor_yasgui.py
