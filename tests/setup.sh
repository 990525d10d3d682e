#!/usr/bin/env bash
# Everything the tests, the linter and the type checker need on a fresh Debian machine (idempotent).
# Usage: bash tests/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# Chromium prints the worksheets and drives the self-test page; poppler reads the PDFs back;
# Noto CJK prints the Japanese in the sources.
packages=(chromium poppler-utils fonts-noto-cjk)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test,lint]"
