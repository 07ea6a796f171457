#!/usr/bin/env bash
# Sets up everything yichuang needs on a fresh Debian/Ubuntu machine with Python 3.11+:
# the system libraries Qt loads, and a virtual environment in .venv with the project and its
# test tools. Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
"$PYTHON" - <<'PY' || { echo "yichuang needs Python 3.11 or newer" >&2; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

# Libraries Qt's offscreen and X11 platforms load. Installed only when missing (needs root).
QT_LIBS=(libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libxkbcommon0 libdbus-1-3 libx11-6 libxcb1)
if [[ "${YICHUANG_WITH_DISPLAY:-0}" == 1 ]]; then
    QT_LIBS+=(libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
              libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libxcb-xkb1)
fi
# Hanazono Mincho B draws the rare characters of names (CJK Extensions B-F) on screen and in print.
QT_LIBS+=(fonts-hanazono)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for pkg in "${QT_LIBS[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
fi
if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "installing system libraries for Qt: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "warning: Qt may need these packages (install them as root): ${missing[*]}" >&2
    fi
fi

if [[ ! -x .venv/bin/python ]]; then
    "$PYTHON" -m venv .venv
fi
# The project is installed in editable mode, so code changes need no reinstall: only a changed
# pyproject.toml (dependencies, packages) does. Skipping it otherwise keeps a second run quiet and
# quick. The build's own chatter goes to .venv/install.log, shown only when it fails.
stamp=.venv/.installed-pyproject
wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [[ ! -x .venv/bin/yichuang || ! -f $stamp || $(cat "$stamp") != "$wanted" ]]; then
    echo "installing yichuang and its dependencies into .venv (log: .venv/install.log)"
    if ! { .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip &&
           .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"; } \
           >.venv/install.log 2>&1; then
        cat .venv/install.log >&2
        echo "installing into .venv failed (see above)" >&2
        exit 1
    fi
    echo "$wanted" >"$stamp"
fi
