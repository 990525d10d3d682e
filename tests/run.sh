#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian machine (tests/setup.sh), then the suite itself.
# Usage: bash tests/run.sh [pytest arguments]   (e.g. -m "not browser" for the fast tests alone)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/setup.sh
exec .venv/bin/python -m pytest "$@"
