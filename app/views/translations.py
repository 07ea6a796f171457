"""Qt's own words in Chinese: the OK, Cancel, Yes, No, Save of its dialogs and button boxes, the
context menus of text fields. PySide6 ships Qt's translations; without loading them every standard
button of a Chinese program says English."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

CATALOGUES = ("qtbase", "qt")  # qtbase: widgets and dialogs; qt: the rest, where present


def install_qt_translations(app: QApplication) -> list[QTranslator]:
    """Load Qt's Simplified Chinese catalogues into ``app``; returns the translators installed (kept
    on the application so they live as long as it does)."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed: list[QTranslator] = []
    for name in CATALOGUES:
        translator = QTranslator(app)
        if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), name, "_", folder):
            app.installTranslator(translator)
            installed.append(translator)
    return installed
