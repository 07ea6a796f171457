"""Make Chinese text drawable on any machine.

A fresh Linux kiosk or a test machine has no CJK font, and Qt then draws empty boxes; the bundled
font is registered before any window exists and becomes the application font's fallback.
"""

from __future__ import annotations

import logging
from functools import cache

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.printing.fonts import rare_font_file
from app.resources import resource_path

log = logging.getLogger(__name__)

BUNDLED_FONT = ("fonts", "DroidSansFallbackFull.ttf")
PREFERRED_FAMILIES = [
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
]


LATIN_SANS = ["Segoe UI", "Helvetica Neue", "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial"]


def install_chinese_font(app: QApplication, point_size: int = 11) -> str:
    """Register the bundled font and choose the UI font family. Returns the family in use."""
    font_id = QFontDatabase.addApplicationFont(str(resource_path(*BUNDLED_FONT)))
    bundled = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not bundled:
        log.warning("the bundled Chinese font could not be registered")
    available = set(QFontDatabase.families())
    family = next(
        (f for f in PREFERRED_FAMILIES if f in available), bundled[0] if bundled else app.font().family()
    )
    font = QFont(family, point_size)
    # Digits and Latin letters come from a sans face before the rare-character font is tried (the
    # bundled font has none, and a Mincho would set every number in a serif).
    latin = next((f for f in LATIN_SANS if f in available), None)
    families = [family, *bundled[:1], *([latin] if latin else []), *rare_family(frozenset(available))]
    if len(families) > 1:
        font.setFamilies(list(dict.fromkeys(families)))
    app.setFont(font)
    return family


RARE_FAMILIES = ("HanaMinB", "SimSun-ExtB")  # what rare_font_file's candidates are called


@cache
def rare_family(available: frozenset[str] = frozenset()) -> list[str]:
    """The rare-character font (CJK Extensions B–F: 𬀩 in a name) as the last fallback of every
    widget, when the machine has one (app.printing.fonts.rare_font_file). A system font is used
    as it is; only a file the system does not know is registered (30 MB: once, not at every
    start when it need not be)."""
    known = next((f for f in RARE_FAMILIES if f in available), None)
    if known is not None:
        return [known]
    path = rare_font_file()
    if path is None:
        return []
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return families[:1]
