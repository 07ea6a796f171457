"""Touch-first building blocks of the kiosk: sizes from the screen, one style sheet, big buttons,
tiles, keypads and a paged list.

Every size that a finger or an older eye depends on comes from ``Theme``: point sizes are
multiplied by its ``scale`` (the tests render everything at 1.5x), touch targets are at least
15 mm on the actual screen and never under 90 px at 96 dpi.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

MIN_TOUCH_MM = 15
MIN_TOUCH_PX_AT_96DPI = 90
BACKSPACE = "⌫"
CLEAR = "清空"

RED, RED_DARK, GOLD = "#A31D1D", "#7A1212", "#F5C542"
INK, MUTED, PAPER, LINE = "#1B1B1B", "#4A4A4A", "#F6F3EE", "#CFC6B8"
GLYPH_COLOURS = {"red": RED, "blue": "#1F4E8C", "green": "#22703A", "brown": "#8A5A12", "grey": "#4A4A4A"}


def touch_pixels(screen: QScreen | None) -> int:
    """The smallest touch target in layout pixels: 15 mm on this screen, and at least 90 px at
    96 dpi. A screen that reports a nonsense physical size (no EDID) falls back to the logical dpi."""
    if screen is None:
        return MIN_TOUCH_PX_AT_96DPI
    logical = screen.logicalDotsPerInch() or 96.0
    physical = screen.physicalDotsPerInch()
    if not 50 <= physical <= 400:
        physical = logical
    per_mm = physical / (screen.devicePixelRatio() or 1.0) / 25.4
    return max(round(MIN_TOUCH_MM * per_mm), round(MIN_TOUCH_PX_AT_96DPI * logical / 96))


@dataclass(frozen=True)
class Theme:
    scale: float = 1.0  # type size factor: 1.5 for the large-type check
    touch: int = MIN_TOUCH_PX_AT_96DPI

    def pt(self, base: float) -> int:
        return round(base * self.scale)

    def px(self, base: float) -> int:
        """Spacing that grows with the type."""
        return round(base * self.scale)

    def stylesheet(self) -> str:
        p = self.pt
        return f"""
        QWidget#kioskRoot {{ background: {PAPER}; }}
        QWidget {{ color: {INK}; font-size: {p(24)}pt; }}
        QFrame#header {{ background: {RED}; }}
        QFrame#header QLabel {{ color: white; }}
        QFrame#header QLabel[role="emblem"] {{ color: {GOLD}; font-size: {p(34)}pt; }}
        QLabel[role="centre"] {{ font-size: {p(28)}pt; font-weight: bold; }}
        QLabel[role="terminal"] {{ font-size: {p(20)}pt; }}
        QLabel[role="clock"] {{ font-size: {p(24)}pt; }}
        QLabel[role="title"] {{ font-size: {p(38)}pt; font-weight: bold; }}
        QLabel[role="aside"] {{ font-size: {p(26)}pt; color: {RED}; font-weight: bold; }}
        QLabel[role="hero"] {{ font-size: {p(46)}pt; font-weight: bold; }}
        QLabel[role="lead"] {{ font-size: {p(28)}pt; }}
        QLabel[role="note"] {{ font-size: {p(22)}pt; color: {MUTED}; }}
        QLabel[role="hint"] {{ font-size: {p(20)}pt; color: {MUTED}; }}
        QLabel[role="error"] {{ font-size: {p(26)}pt; color: #B3001B; font-weight: bold; }}
        QLabel[role="number"] {{ font-size: {p(52)}pt; font-weight: bold; color: {RED}; }}
        QLabel[role="notice"] {{ font-size: {p(26)}pt; background: #FFF3D1; color: #4D3600;
            border: 2px solid #E3C36A; border-radius: 16px; padding: 16px 24px; }}
        QLabel[role="entry"], QLabel[role="entryEmpty"] {{ font-size: {round(42 * min(self.scale, 1.2))}pt;
            background: white;
            border: 3px solid {LINE}; border-radius: 14px; padding: {self.px(10)}px {self.px(28)}px; }}
        QLabel[role="entryEmpty"] {{ color: #8A8278; font-size: {round(32 * min(self.scale, 1.2))}pt; }}
        QLabel[role="cardTitle"] {{ font-size: {p(28)}pt; font-weight: bold; }}
        QLabel[role="status"] {{ font-size: {p(24)}pt; font-weight: bold; color: white;
            border-radius: 10px; padding: 4px {self.px(16)}px; background: #1F4E8C; }}
        QLabel[role="tileTitle"] {{ font-size: {p(34)}pt; font-weight: bold; }}
        QLabel[role="tileNote"] {{ font-size: {p(21)}pt; color: {MUTED}; }}
        QLabel[role="glyph"] {{ color: white; font-size: {round(40 * min(self.scale, 1.2))}pt; font-weight: bold; }}
        QFrame[role="card"] {{ background: white; border: 2px solid {LINE}; border-radius: 18px; }}
        QFrame[role="card"] QLabel {{ border: none; }}
        QPushButton {{ font-size: {p(28)}pt; border-radius: 16px; padding: {self.px(8)}px {self.px(30)}px; }}
        QPushButton[role="primary"] {{ background: {RED}; color: white; border: 3px solid {RED};
            font-weight: bold; }}
        QPushButton[role="primary"]:pressed {{ background: {RED_DARK}; }}
        QPushButton[role="primary"]:disabled {{ background: #DDD7CE; color: #5A5A5A; border-color: #DDD7CE; }}
        QPushButton[role="secondary"], QPushButton[role="choice"], QPushButton[role="key"],
        QPushButton[role="tile"] {{ background: white; color: {INK}; border: 3px solid {LINE}; }}
        QPushButton[role="secondary"]:pressed, QPushButton[role="choice"]:pressed,
        QPushButton[role="key"]:pressed, QPushButton[role="tile"]:pressed {{ background: #F1E4DC; }}
        QPushButton[role="choice"]:disabled, QPushButton[role="tile"]:disabled,
        QPushButton[role="secondary"]:disabled {{ background: #ECE8E1; color: #6A6A6A; border-color: #DDD6CC; }}
        QPushButton[role="choice"] {{ font-size: {p(28)}pt; padding: {self.px(8)}px 16px; }}
        QPushButton[role="key"] {{ font-size: {round(34 * min(self.scale, 1.15))}pt; font-weight: bold;
            padding: 0px; }}
        QPushButton[role="tile"] {{ border-radius: 22px; padding: 0px; }}
        QPushButton[role="exit"] {{ background: #333333; color: white; border: 3px solid #333333;
            font-weight: bold; }}
        QPushButton[role="exit"]:pressed {{ background: #111111; }}
        QPushButton[role="danger"] {{ background: white; color: #B3001B; border: 3px solid #B3001B;
            font-weight: bold; }}
        QPlainTextEdit {{ font-size: {p(30)}pt; background: white; border: 3px solid {LINE};
            border-radius: 14px; padding: {self.px(12)}px; }}
        QWidget#overlay {{ background: rgba(20, 20, 20, 170); }}
        QFrame#panel {{ background: white; border-radius: 28px; }}
        """


def repolish(widget: QWidget, role: str) -> None:
    """Give a widget another style role and let the style sheet see it."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def label(
    text: str = "", role: str = "", *, wrap: bool = False, align: Qt.AlignmentFlag | None = None
) -> QLabel:
    widget = QLabel(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)  # resident data is never markup
    if align is not None:
        widget.setAlignment(align)
    return widget


def button(text: str, role: str = "primary", theme: Theme | None = None, *, height: int = 0) -> QPushButton:
    """A touch button: never takes keyboard focus (no focus frame), at least the touch size high."""
    widget = QPushButton(text)
    widget.setProperty("role", role)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    widget.setAutoDefault(False)
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    touch = theme.touch if theme else MIN_TOUCH_PX_AT_96DPI
    widget.setMinimumHeight(max(height, touch))
    return widget


class Tile(QPushButton):
    """A large menu choice: a coloured round glyph, a title and one line that says what it does."""

    def __init__(self, glyph: str, title: str, note: str, theme: Theme, colour: str = "red"):
        super().__init__()
        self.setProperty("role", "tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(title)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        size = max(theme.touch, 104)
        self.glyph = label(glyph, "glyph", align=Qt.AlignmentFlag.AlignCenter)
        self.glyph.setFixedSize(size, size)
        self.glyph.setStyleSheet(
            f"background: {GLYPH_COLOURS.get(colour, colour)}; border-radius: {size // 2}px;"
        )
        self.title = label(title, "tileTitle")
        self.note = label(note, "tileNote", wrap=True)
        for child in (self.glyph, self.title, self.note):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        text = QVBoxLayout()
        text.setSpacing(theme.px(6))
        text.addStretch(1)
        text.addWidget(self.title)
        text.addWidget(self.note)
        text.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(28, 24, 28, 24)
        row.setSpacing(28)
        row.addWidget(self.glyph, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addLayout(text, 1)

    def sizeHint(self):  # noqa: N802 — Qt's name; a button's own hint ignores its children
        return self.layout().sizeHint()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 — the note wraps
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self.layout().totalHeightForWidth(width)

    def minimumSizeHint(self):  # noqa: N802
        return self.layout().minimumSize()


class KeyPad(QWidget):
    """Digits 1-9 and 0 in the telephone layout, with a left key (X for ID numbers, 清空 for
    phone numbers) and a backspace; ``key_pressed`` sends the key's text."""

    key_pressed = Signal(str)

    def __init__(self, theme: Theme, left_key: str = "X", parent: QWidget | None = None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        gap = theme.px(16)
        grid.setSpacing(gap)
        grid.setVerticalSpacing(12)
        # Digits are big at any type scale; the keys grow less than the text so the pad fits a screen.
        width, height = max(theme.touch * 2, theme.px(160)), max(theme.touch, 92)
        self.keys: dict[str, QPushButton] = {}
        rows = ["123", "456", "789", [left_key, "0", BACKSPACE]]
        for r, row in enumerate(rows):
            for c, key in enumerate(row):
                key_button = button(key, "key", theme, height=height)
                key_button.setMinimumWidth(width)
                key_button.setAccessibleName("退格" if key == BACKSPACE else key)
                key_button.clicked.connect(lambda _=False, k=key: self.key_pressed.emit(k))
                grid.addWidget(key_button, r, c)
                self.keys[key] = key_button


def grouped(text: str, groups: Sequence[int]) -> str:
    """``110101199003071234`` as ``110101 19900307 1234`` (easier to check digit by digit)."""
    parts, start = [], 0
    for size in groups:
        if start >= len(text):
            break
        parts.append(text[start : start + size])
        start += size
    if start < len(text):
        parts.append(text[start:])
    return " ".join(parts)


class EntryDisplay(QLabel):
    """What was typed on a keypad, grouped for reading, or a grey prompt while empty."""

    def __init__(self, placeholder: str, groups: Sequence[int], theme: Theme):
        super().__init__()
        self.placeholder = placeholder
        self.groups = tuple(groups)
        self.value = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_value("")

    def set_value(self, value: str) -> None:
        self.value = value
        self.setText(grouped(value, self.groups) if value else self.placeholder)
        repolish(self, "entry" if value else "entryEmpty")


def card(theme: Theme) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    pad = theme.px(26)
    layout.setContentsMargins(pad, theme.px(18), pad, theme.px(18))
    layout.setSpacing(theme.px(10))
    return frame, layout


def clear_layout(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().hide()
            item.widget().deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


class PagedList(QWidget):
    """Items shown a page at a time in a grid, with 上一页 / 下一页: no scrolling, no hidden rows,
    and the same picture every time (good for tests and for people unused to swiping)."""

    def __init__(self, theme: Theme, *, columns: int = 1, rows: int = 3, empty: str = ""):
        super().__init__()
        self.theme = theme
        self.columns, self.rows = columns, rows
        self.items: list[Any] = []
        self.build: Callable[[Any], QWidget] = lambda item: label(str(item))
        self.page = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(theme.px(18))
        self.grid = QGridLayout()
        self.grid.setSpacing(theme.px(20))
        self.empty = label(empty, "lead", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.empty)
        outer.addLayout(self.grid)
        outer.addStretch(1)
        nav = QHBoxLayout()
        self.previous = button("上一页", "secondary", theme)
        self.next = button("下一页", "secondary", theme)
        self.position = label("", "note", align=Qt.AlignmentFlag.AlignCenter)
        for widget in (self.previous, self.next):
            widget.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            widget.setMinimumWidth(max(theme.touch * 3, theme.px(260)))
        nav.addWidget(self.previous)
        nav.addWidget(self.position, 1)
        nav.addWidget(self.next)
        outer.addLayout(nav)
        self.previous.clicked.connect(lambda: self.show_page(self.page - 1))
        self.next.clicked.connect(lambda: self.show_page(self.page + 1))
        self.set_items([], self.build)

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.items) // self.per_page))

    def set_items(self, items: Sequence[Any], build: Callable[[Any], QWidget]) -> None:
        self.items, self.build = list(items), build
        self.show_page(0)

    def show_page(self, page: int) -> None:
        self.page = min(max(page, 0), self.pages - 1)
        clear_layout(self.grid)
        start = self.page * self.per_page
        for index, item in enumerate(self.items[start : start + self.per_page]):
            self.grid.addWidget(self.build(item), index // self.columns, index % self.columns)
        for column in range(self.columns):
            self.grid.setColumnStretch(column, 1)
        self.empty.setVisible(not self.items)
        paged = self.pages > 1
        for widget in (self.previous, self.next, self.position):
            widget.setVisible(paged)
        self.previous.setEnabled(self.page > 0)
        self.next.setEnabled(self.page < self.pages - 1)
        self.position.setText(f"第 {self.page + 1} / {self.pages} 页")
