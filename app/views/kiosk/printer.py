"""The kiosk's printer: no dialog, no choice on the screen. The machine's setting
``kiosk/printer`` (QSettings) names a printer; without it the system's default printer is used.

``print(pdf)`` returns when the job was handed to the printer, or raises PrintError with a
reason a resident understands; the caller then registers nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from app.printing.qt_bridge import PrintError, print_pdf

PRINTER_KEY = "kiosk/printer"


class KioskPrinter:
    def __init__(self, printer_name: str | None = None):
        self.printer_name = printer_name

    def _info(self) -> QPrinterInfo:
        name = self.printer_name
        if name is None:
            name = str(QSettings().value(PRINTER_KEY, "") or "")
        if not QPrinterInfo.availablePrinters():
            raise PrintError("没有连接打印机")
        info = QPrinterInfo.printerInfo(name) if name else QPrinterInfo.defaultPrinter()
        if info.isNull():
            raise PrintError("没有找到本机设置的打印机" if name else "本机没有设置默认打印机")
        if info.state() == QPrinter.PrinterState.Error:
            raise PrintError("打印机出现故障，可能缺纸或卡纸")
        return info

    def print(self, pdf: bytes) -> None:
        printer = QPrinter(self._info(), QPrinter.PrinterMode.HighResolution)
        printer.setDocName("自助服务终端")
        if print_pdf(pdf, printer) < 1:
            raise PrintError("打印机没有收到内容")
