"""Stand-ins shared by the GUI tests: a print preview whose printer writes a PDF file."""

from __future__ import annotations

import shiboken6
from PySide6.QtPrintSupport import QPrinter

from app.printing.qt_bridge import PdfPreviewDialog


class FilePrinterPreview(PdfPreviewDialog):
    """The real preview, except that it does not block and its printer writes a PDF file to
    ``target``; every preview shown is kept in ``shown``. Pass the class as the desk context's
    ``preview``."""

    target = ""
    shown: list[FilePrinterPreview] = []

    def exec(self) -> int:
        self.show()
        return 0

    def show(self) -> None:
        if self not in FilePrinterPreview.shown:
            FilePrinterPreview.shown.append(self)
        super().show()

    def choose_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(self.target)
        return printer

    @classmethod
    def reset(cls, target: str) -> None:
        cls.target = target
        cls.shown = []

    @classmethod
    def close_all(cls) -> None:
        """Close the previews still open (a closed one has deleted itself)."""
        for dialog in cls.shown:
            if shiboken6.isValid(dialog):
                dialog.close()
        cls.shown = []
