"""The intake page's own widgets: the ID field that tells a card reader's burst from typing, and
the catalogue list's model."""

from __future__ import annotations

import time

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from app.services.cardreaders.wedge import KeystrokeBurst
from app.services.cases.catalogue import CatalogueEntry

_ROOT = QModelIndex()


class IdField(QLineEdit):
    """Takes typed numbers and keyboard-wedge card readers alike; ``submitted`` tells which."""

    submitted = Signal(str, bool)  # text, came from a card reader

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.burst = KeystrokeBurst()
        self.setPlaceholderText("刷身份证，或输入身份证号后按回车")
        font = self.font()
        font.setPointSize(font.pointSize() + 5)
        self.setFont(font)
        self.setMaxLength(24)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 — Qt's name
        now = time.monotonic()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            result = self.burst.enter(now)
            self.submitted.emit(self.text(), result.from_reader)
            return
        if event.text() and event.text().isprintable():
            if self.selectedText() == self.text() and self.text():
                self.burst.reset()  # a new number replaces the last one
            self.burst.feed(event.text(), now)
        super().keyPressEvent(event)


class CatalogueModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.entries: list[CatalogueEntry] = []

    def set_entries(self, entries: list[CatalogueEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            days = "即办" if entry.promised_days == 0 else f"{entry.promised_days}个工作日"
            return f"{entry.name}    〔{entry.category} · {days}〕"
        if role == Qt.ItemDataRole.UserRole:
            return entry
        return None
