#!/usr/bin/env bash
# Everything the tests, the linter and the type checker need on a fresh Debian machine (idempotent).
# Usage: bash tests/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# Chromium prints the worksheets and drives the self-test page; poppler reads the PDFs back;
# Noto CJK prints the Japanese in the sources; Node and npm install the QTI 3 player the LMS tests use
# (a Node that brings its own npm, as NodeSource's does, is used as it is); strace kills builds at each rename.
packages=(chromium poppler-utils fonts-noto-cjk strace)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test,lint]"
# The QTI 3 player (@citolab/qti-components), at the version package-lock.json fixes.
[ -d tests/qti-player/node_modules ] || (cd tests/qti-player && npm ci --no-audit --no-fund --loglevel=error)
# axe-core checks the self-test page's accessibility.
[ -f tests/node_modules/axe-core/axe.min.js ] || npm install --silent --no-save --no-package-lock --prefix tests axe-core@4
