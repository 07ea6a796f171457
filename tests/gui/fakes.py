"""Stand-ins shared by the GUI tests: a print preview whose printer writes a PDF file."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrinter

from app.printing.qt_bridge import PdfPreviewDialog


class FilePrinterPreview(PdfPreviewDialog):
    """The real preview, except that it does not block and its printer writes a PDF file to
    ``target``; every preview shown is kept in ``shown``."""

    target = ""
    shown: list[FilePrinterPreview] = []

    def exec(self) -> int:
        FilePrinterPreview.shown.append(self)
        self.show()
        return 0

    def choose_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(self.target)
        return printer
