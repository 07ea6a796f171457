"""Make Chinese text drawable on any machine.

A fresh Linux kiosk or a test machine has no CJK font, and Qt then draws empty boxes; the bundled
font is registered before any window exists and becomes the application font's fallback.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

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
    if bundled:
        font.setFamilies([family, bundled[0]])
    app.setFont(font)
    return family
