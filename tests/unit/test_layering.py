"""Qt stays in the views: everything else imports without PySide6 (DESIGN.md, layers)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import app

ROOT = Path(app.__file__).resolve().parent.parent
QT_FREE = ["app.models", "app.services", "app.street", "app.commands", "app.cli", "app.db", "app.config"]


def _modules(package: str) -> list[str]:
    module = __import__(package, fromlist=["_"])
    if not hasattr(module, "__path__"):
        return [package]
    return [package] + [f"{package}.{m.name}" for m in pkgutil.iter_modules(module.__path__)]


def test_services_models_and_cli_import_without_qt():
    names = [name for package in QT_FREE for name in _modules(package)]
    code = "import sys; sys.modules['PySide6'] = None\n" + "\n".join(f"import {n}" for n in names)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_every_package_is_listed_for_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "app").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found <= listed, f"add to pyproject.toml: {sorted(found - listed)}"
    assert "yichuang_resources" in listed
