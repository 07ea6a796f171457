"""The desk's ID-card reader: which one (a per-machine setting) and polling it off the GUI thread.

Keyboard-wedge readers need none of this: they type into the ID field. A reader with a driver
library (the SDT API) is asked for a card twice a second from a worker thread; a card that is
read is handed to the intake page once, and again only after it has been taken off the reader.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
)

from app.services.cardreaders import CardData, CardReader, CardReadError, SdtReader
from app.views.ops import Op, Runner, ThreadRunner

KIND_KEY, LIBRARY_KEY, PORT_KEY = "reader/kind", "reader/library", "reader/port"
KINDS = {"wedge": "键盘式读卡器（或手工输入）", "sdt": "SDT 接口读卡器（sdtapi 驱动库）"}


def reader_from_settings(settings: QSettings | None = None) -> CardReader | None:
    """The configured reader with a driver library, or None for keyboard-wedge readers."""
    settings = settings or QSettings()
    if settings.value(KIND_KEY, "wedge") != "sdt":
        return None
    return SdtReader(str(settings.value(LIBRARY_KEY, "")), int(settings.value(PORT_KEY, 1001)))


class CardPoller(QObject):
    card_read = Signal(object)  # CardData
    status_changed = Signal(str)  # a sentence for the status bar

    def __init__(
        self,
        reader: CardReader,
        interval_ms: int = 500,
        parent: QObject | None = None,
        *,
        runner: Runner | None = None,
    ):
        super().__init__(parent)
        self.reader = reader
        self.runner = runner or ThreadRunner()
        self.busy = False
        self.last_number: str | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)

    def start(self) -> None:
        self.status_changed.emit(f"读卡器：{self.reader.name}，请放置身份证")
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        with contextlib.suppress(CardReadError):  # closing a reader that is gone is not an error
            self.reader.close()

    def poll(self) -> None:
        if self.busy:
            return
        self.busy = True
        Op(None, self.reader.read_card, runner=self.runner).success(self._read).failure(self._failed).run()

    def _read(self, card: CardData | None) -> None:
        self.busy = False
        if card is None:
            self.last_number = None  # the card was taken off: the same card may be read again
            return
        if card.id_number == self.last_number:
            return
        self.last_number = card.id_number
        self.card_read.emit(card)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        message = str(exc) if isinstance(exc, CardReadError) else f"读卡器出错：{type(exc).__name__}"
        self.status_changed.emit(message)
        if isinstance(exc, CardReadError) and exc.kind in ("no_library", "no_reader"):
            self.timer.stop()  # nothing will change until the settings do


class ReaderSettingsDialog(QDialog):
    """Per-machine reader settings (QSettings): kind, driver library path, port."""

    def __init__(self, parent=None, settings: QSettings | None = None):
        super().__init__(parent)
        self.settings = settings or QSettings()
        self.setWindowTitle("读卡器设置")
        form = QFormLayout(self)
        self.kind = QComboBox()
        for key, label in KINDS.items():
            self.kind.addItem(label, key)
        self.kind.setCurrentIndex(max(0, self.kind.findData(self.settings.value(KIND_KEY, "wedge"))))
        self.library = QLineEdit(str(self.settings.value(LIBRARY_KEY, "")))
        browse = QPushButton("浏览…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.library, 1)
        row.addWidget(browse)
        self.port = QSpinBox()
        self.port.setRange(1, 1016)
        self.port.setValue(int(self.settings.value(PORT_KEY, 1001)))
        self.port.setToolTip("USB 口 1001–1016，串口 1–16")
        detect = QPushButton("自动检测端口")
        detect.clicked.connect(self.detect)
        self.result = QLabel()
        self.result.setWordWrap(True)
        form.addRow("读卡器类型", self.kind)
        form.addRow("驱动库（sdtapi）", row)
        form.addRow("端口", self.port)
        form.addRow(detect, self.result)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "选择 sdtapi 驱动库", self.library.text(), "驱动库 (*.dll *.so *.dylib)"
        )
        if path:
            self.library.setText(path)

    def detect(self) -> None:
        try:
            port = SdtReader.detect_port(self.library.text())
        except CardReadError as exc:
            self.result.setText(str(exc))
            return
        if port is None:
            self.result.setText("未检测到读卡器：请检查连接和驱动")
        else:
            self.port.setValue(port)
            self.result.setText(f"在端口 {port} 找到读卡器")

    def accept(self) -> None:
        self.settings.setValue(KIND_KEY, self.kind.currentData())
        self.settings.setValue(LIBRARY_KEY, self.library.text())
        self.settings.setValue(PORT_KEY, self.port.value())
        super().accept()
