#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian machine, then the suite itself.
# Usage: bash tests/run.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# Chromium prints the worksheets and drives the self-test page; poppler reads the PDFs back;
# Noto CJK prints the Japanese in the sources; npm brings axe-core, which checks the self-test's accessibility.
packages=(chromium poppler-utils fonts-noto-cjk nodejs npm)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ -f tests/node_modules/axe-core/axe.min.js ] || npm install --silent --no-save --no-package-lock --prefix tests axe-core@4

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
exec .venv/bin/python -m pytest "$@"
