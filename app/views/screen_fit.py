"""Windows that fit the screen they open on. A counter PC often has a 1366×768 screen: a dialog
made for a larger one hides its buttons (打印, 关闭, 受理) below the edge until someone thinks of
maximising it."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

MARGIN = 0.94  # of the available height and width: the title bar and a little air


def available_size(widget: QWidget | None = None) -> QSize:
    """The room on the screen ``widget`` is on (the primary one before it is shown), less the
    task bar."""
    screen = (widget.screen() if widget is not None else None) or QGuiApplication.primaryScreen()
    return screen.availableGeometry().size()


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width``×``height``, or less where the screen is smaller."""
    room = available_size(widget)
    widget.resize(min(width, int(room.width() * MARGIN)), min(height, int(room.height() * MARGIN)))
