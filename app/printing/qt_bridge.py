"""The one place where printed matter meets Qt: preview a PDF and send it to a printer.

Each page is rendered at its own size and orientation, at no more than 300 dpi (a 1200 dpi
printer would otherwise ask for half a gigabyte per A4 page), and drawn into the printer's page
keeping its aspect ratio.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app.services.common.os_errors import os_reason

MAX_DPI = 300


class PrintError(RuntimeError):
    """The document did not reach a printer; nothing is recorded as printed."""


def load_pdf(pdf: bytes, parent=None) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over bytes; keep the buffer alive as long as the document."""
    buffer = QBuffer(parent)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument(parent)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise PrintError("文档无法打开（PDF 内容有误）")
    return document, buffer


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Print every page; returns the number of pages sent."""
    document, buffer = load_pdf(pdf)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("打印机无法开始打印：请检查打印机是否连接、是否有纸")
    try:
        dpi = min(printer.resolution(), MAX_DPI)
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
            image = document.render(page, size)
            if image.isNull():
                raise PrintError(f"第{page + 1}页无法渲染")
            white = QImage(image.size(), QImage.Format.Format_RGB32)
            white.fill(Qt.GlobalColor.white)
            QPainter(white).drawImage(0, 0, image)
            target = painter.viewport()
            scaled = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(QRect(target.x(), target.y(), scaled.width(), scaled.height()))
            painter.setWindow(white.rect())
            painter.drawImage(0, 0, white)
            painter.setViewport(target)
        return document.pageCount()
    finally:
        painter.end()
        buffer.close()


def printers_available() -> bool:
    return bool(QPrinterInfo.availablePrinters())


class PdfPreviewDialog(QDialog):
    """Shows a document; Ctrl+P prints, Ctrl+S saves, Esc closes. Emits ``printed`` or ``saved``
    only when the document really went out, so the caller can audit it."""

    printed = Signal(str)  # printer name
    saved = Signal(str)  # file path

    def __init__(self, title: str, pdf: bytes, *, suggested_name: str = "document.pdf", parent=None):
        super().__init__(parent)
        self.pdf = pdf
        self.suggested_name = suggested_name
        self.setWindowTitle(title)
        self.resize(760, 900)
        self.document, self._buffer = load_pdf(pdf, self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.print_button = QPushButton("打印 (Ctrl+P)")
        self.save_button = QPushButton("另存为PDF (Ctrl+S)")
        self.close_button = QPushButton("关闭 (Esc)")
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_document)
        self.close_button.clicked.connect(self.accept)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.print_document)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save_document)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (self.print_button, self.save_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.print_button.setDefault(True)

    def choose_printer(self) -> QPrinter | None:
        """Ask the person which printer; None when cancelled or when there is none.
        Tests replace this with a printer that writes a PDF file."""
        if not printers_available():
            self.status.setText("没有找到可用的打印机：请检查打印机连接，或先另存为PDF稍后打印。")
            return None
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        return printer if dialog.exec() == QDialog.DialogCode.Accepted else None

    def print_document(self) -> None:
        printer = self.choose_printer()
        if printer is None:
            return
        try:
            print_pdf(self.pdf, printer)
        except PrintError as exc:
            self.status.setText(str(exc))
            return
        name = printer.printerName() or printer.outputFileName()
        self.status.setText(f"已发送到打印机：{name}")
        self.printed.emit(name)

    def save_document(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "另存为", self.suggested_name, "PDF (*.pdf)")
        if not path:
            return
        try:
            with open(path, "wb") as fh:
                fh.write(self.pdf)
        except OSError as exc:
            self.status.setText(f"无法保存：{os_reason(exc)}")
            return
        self.status.setText(f"已保存：{path}")
        self.saved.emit(path)
