#!/usr/bin/env bash
# Installs the lowest dependency versions pyproject.toml allows (constraints/minimum.txt) into a
# venv of its own and runs the test suite against them: the lower bounds are tested, not guessed.
# Usage: scripts/test-minimum-versions.sh [pytest args]
set -eu
cd "$(dirname "$0")/.."
venv=${MIN_VENV:-.venv-min}
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -c constraints/minimum.txt -e '.[test]'
"$venv/bin/python" -m pip list 2>/dev/null | grep -iE '^(python-docx|reportlab|jinja2|pyyaml|markdown-it-py|fonttools|matplotlib|openpyxl|platformdirs|numpy) '
"$venv/bin/python" -m compileall -q src/shangli_brief
"$venv/bin/python" -m pytest "$@"
