#!/usr/bin/env bash
# Quick start: set everything up, create the demo street (first run only) and open the desk.
# Extra arguments go to `yichuang desk` (e.g. --screenshot desk.png).
set -euo pipefail
cd "$(dirname "$0")/.."
YICHUANG_WITH_DISPLAY=1 bash scripts/setup.sh
.venv/bin/yichuang init --demo
exec .venv/bin/yichuang desk "$@"
