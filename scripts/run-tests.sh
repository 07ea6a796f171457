#!/usr/bin/env bash
# Quick start: set everything up and run every test. Extra arguments go to pytest.
# pytest exits non-zero when no test ran (exit code 5), so an empty run never passes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check app tests bench installer
.venv/bin/ruff format --check app tests bench installer
exec .venv/bin/python -m pytest "$@"
