"""Touch-first building blocks of the kiosk: big buttons, tiles, keypads and a paged list.

Every size that a finger or an older eye depends on comes from the ``Theme`` (``theme``): sizes
follow the screen, type sizes also the type scale, and no button is under 15 mm on the glass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
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

from app.views.fonts import HeavyLabel
from app.views.kiosk.theme import GLYPH_COLOURS, Theme

BACKSPACE = "⌫"
CLEAR = "清空"
BUTTON_HEIGHT = 90  # of the design size; never under the touch size


def repolish(widget: QWidget, role: str) -> None:
    """Give a widget another style role and let the style sheet see it."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def label(
    text: str = "", role: str = "", *, wrap: bool = False, align: Qt.AlignmentFlag | None = None
) -> QLabel:
    widget = HeavyLabel(text)  # titles stay bold at large type in a face without a bold
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)  # resident data is never markup
    if align is not None:
        widget.setAlignment(align)
    return widget


def button(text: str, role: str = "primary", theme: Theme | None = None, *, height: int = 0) -> QPushButton:
    """A touch button: never takes keyboard focus (no focus frame), ``height`` design pixels high
    on this screen (90 unless said), and never under the touch size."""
    widget = QPushButton(text)
    widget.setProperty("role", role)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    widget.setAutoDefault(False)
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    widget.setMinimumHeight((theme or Theme()).target(height or BUTTON_HEIGHT))
    return widget


class Tile(QPushButton):
    """A large menu choice: a coloured round glyph, a title and one line that says what it does."""

    def __init__(self, glyph: str, title: str, note: str, theme: Theme, colour: str = "red"):
        super().__init__()
        self.setProperty("role", "tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(title)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        size = theme.target(104)
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
        row.setContentsMargins(theme.dim(28), theme.dim(24), theme.dim(28), theme.dim(24))
        row.setSpacing(theme.dim(28))
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
        grid.setVerticalSpacing(theme.dim(12))
        # Digits are big at any type scale; the keys grow less than the text so the pad fits a screen.
        width = max(theme.touch * 2, theme.px(160))
        self.keys: dict[str, QPushButton] = {}
        rows = ["123", "456", "789", [left_key, "0", BACKSPACE]]
        for r, row in enumerate(rows):
            for c, key in enumerate(row):
                key_button = button(key, "key", theme, height=92)
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
    layout.setContentsMargins(pad, theme.dim(18), pad, theme.dim(18))  # lines matter more than air
    layout.setSpacing(theme.dim(10))
    return frame, layout


def card_heading(theme: Theme, title: str, status: str, colours: dict[str, str]) -> QHBoxLayout:
    """A card's first line: its title and a status badge in the status's colour (blue otherwise)."""
    top = QHBoxLayout()
    top.setSpacing(theme.px(20))
    top.addWidget(label(title, "cardTitle", wrap=True), 1)
    badge = label(status, "status")
    badge.setStyleSheet(f"background: {colours.get(status, '#1F4E8C')};")
    top.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
    return top


def rate_button(theme: Theme, name: str, on_click: Callable[[], object]) -> QPushButton:
    """The 评价 button at the foot of a card that may be rated (a closed case, a wish come true)."""
    rate = button("评价", "primary", theme)
    rate.setObjectName(name)
    rate.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    rate.setMinimumWidth(max(theme.touch * 2, theme.px(200)))
    rate.clicked.connect(on_click)
    return rate


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
            widget.setMinimumWidth(max(theme.touch * 2, theme.px(220)))
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
