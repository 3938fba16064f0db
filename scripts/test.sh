#!/usr/bin/env bash
# Set everything up on a fresh machine and run the tests (what `.ci/run` runs).
#   - a virtual environment in .venv with the project and its test extras (from PyPI)
#   - headless Chromium for the browser tests (Debian package), when missing and we are root
#   - YASGUI copied from npm into the package (scripts/vendor-npm.sh)
#   - ruff's lint and format check and mypy's type check (the dev extra), then pytest
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (Debian package) for the browser tests" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium not found and cannot be installed here: browser tests will be skipped" >&2
  fi
fi

# YASGUI for perr serve's query page, from npm (package-lock.json) into the package; the plain form without it
bash scripts/vendor-npm.sh

python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e '.[test,dev]'
# the code's lint and format rules ([tool.ruff] in pyproject.toml), then the tests
.venv/bin/ruff check --quiet src tests benchmarks scripts
.venv/bin/ruff format --check --quiet src tests benchmarks scripts
.venv/bin/mypy src
exec .venv/bin/python -m pytest "$@"
