"""The one place that knows where data files live.

Fonts, the catalogue, templates and tag definitions must be found the same way from a source
checkout (editable install), an installed wheel and a frozen bundle; every other module asks here
instead of building paths from its own ``__file__``.
"""

from __future__ import annotations

import sys
from importlib import resources as importlib_resources
from pathlib import Path


def resource_root() -> Path:
    """Folder holding the contents of the checkout's ``resources/``."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(str(importlib_resources.files("yichuang_resources")))


def resource_path(*parts: str) -> Path:
    """Path of one data file; raises FileNotFoundError with the relative name if it is missing."""
    path = resource_root().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"data file missing from the installation: {'/'.join(parts)}")
    return path


def migrations_path() -> Path:
    """Alembic's script folder, shipped inside ``app.models``."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "app" / "models" / "migrations"
    return Path(str(importlib_resources.files("app.models"))) / "migrations"
