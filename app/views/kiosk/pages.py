"""The kiosk's general pages: home (place your ID card), the ID keypad, the menu after
identification, and the shared confirm and result pages.

On a portrait screen the keypad's 确定 and 全部清除 go under the keys and the menu's tiles stand
one above another."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from app.views.kiosk.controller import KioskController
from app.views.kiosk.page import Page
from app.views.kiosk.theme import RED, Theme
from app.views.kiosk.widgets import BACKSPACE, EntryDisplay, KeyPad, Tile, button, card, label

NO_RECORD = "系统中暂无您的登记信息，您仍可以反映诉求或到窗口登记"
# Shown wherever typing a number is offered or chosen: what it opens, and what needs the card.
CARD_ONLY = "查看办件和打印证明须刷身份证原件"
TYPED_RULE = f"手动输入号码可以反映诉求、预约窗口；{CARD_ONLY}"


class CardArt(QWidget):
    """An ID card above a reader with an arrow: what to do, without words."""

    def __init__(self, theme: Theme):
        super().__init__()
        width = theme.dim(336 if theme.large else 420)  # large type needs the room
        self.setFixedSize(width, round(width * 300 / 420))

    def paintEvent(self, event) -> None:  # noqa: N802 — Qt's name
        s = self.width() / 460
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.scale(s, s)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#3B3B3B"))  # the reader
        p.drawRoundedRect(QRectF(40, 232, 380, 86), 22, 22)
        p.setBrush(QColor("#5E5E5E"))
        p.drawRoundedRect(QRectF(90, 246, 280, 34), 12, 12)
        p.setBrush(QColor("#7BD389"))
        p.drawEllipse(QRectF(380, 262, 18, 18))
        p.setBrush(QColor(RED))  # the arrow
        points = ((214, 174), (246, 174), (246, 194), (268, 194), (230, 228), (192, 194), (214, 194))
        p.drawPolygon(QPolygonF([QPointF(x, y) for x, y in points]))
        card_rect = QRectF(100, 8, 260, 160)  # the card
        path = QPainterPath()
        path.addRoundedRect(card_rect, 16, 16)
        p.fillPath(path, QColor("#E7EFF9"))
        p.setPen(QPen(QColor("#6F93BF"), 3))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#B9CBE2"))
        p.drawRoundedRect(QRectF(268, 34, 70, 88), 8, 8)
        p.setBrush(QColor("#93AACA"))
        for i, width in enumerate((130, 110, 140, 90)):
            p.drawRoundedRect(QRectF(122, 38 + i * 24, width, 10), 5, 5)
        p.drawRoundedRect(QRectF(122, 140, 216, 12), 6, 6)
        p.end()


class HomePage(Page):
    name, needs, back_to = "home", "nobody", None

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        for widget in (self.heading, self.aside, self.back_button, self.exit_button, self.hint):
            widget.hide()
        self.art = CardArt(theme)
        self.invite = label("请将身份证放在读卡器上", "hero", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.offer = label(
            "读卡后可以：打印证明 · 查询办件 · 反映诉求 · 预约窗口",
            "lead",
            wrap=True,
            align=Qt.AlignmentFlag.AlignCenter,
        )
        # The choice to type is offered with what it cannot open (the menu says the whole rule).
        self.or_label = label(
            f"没带身份证或读不出来，可以手动输入；{CARD_ONLY}",
            "note",
            wrap=True,
            align=Qt.AlignmentFlag.AlignCenter,
        )
        self.manual = button("手动输入身份证号", "primary", theme, height=120)
        self.manual.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.manual.setMinimumWidth(theme.px(620))
        self.manual.setMaximumWidth(max(theme.px(620), theme.dim(940)))
        self.message = label("", "error", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.reader_status = label("", "hint", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.body.addStretch(2)
        self.body.addWidget(self.art, 0, Qt.AlignmentFlag.AlignHCenter)
        self.body.addWidget(self.invite)
        self.body.addWidget(self.offer)
        self.body.addStretch(1)
        self.body.addWidget(self.or_label)
        self.body.addWidget(self.manual, 0, Qt.AlignmentFlag.AlignHCenter)
        self.body.addWidget(self.message)
        self.body.addStretch(2)
        self.body.addWidget(self.reader_status)
        self.manual.clicked.connect(lambda: kiosk.go("keypad"))
        self.reset()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def show_reader_status(self, text: str) -> None:
        self.reader_status.setText(text)

    def reset(self) -> None:
        self.show_message("")


class IdKeypadPage(Page):
    name, needs, back_to = "keypad", "nobody", "home"
    title = "请输入身份证号码"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.value = ""
        self.display = EntryDisplay("共18位，最后一位可能是X", (6, 8, 4), theme)
        self.display.setMinimumWidth(theme.dim(900))
        self.rule = self.hint  # nothing personal is shown yet: the footer says what typing opens
        self.rule.setText(f"{TYPED_RULE}。")
        self.error = label("", "error", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.keypad = KeyPad(theme, left_key="X")
        self.keypad.key_pressed.connect(self.press)
        portrait = theme.portrait
        self.confirm = button("确定", "primary", theme, height=120 if portrait else 230)
        self.confirm.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.confirm.setMinimumWidth(max(theme.touch * 3, theme.px(280)))
        self.confirm.clicked.connect(self.submit)
        self.clear = button("全部清除", "secondary", theme, height=120 if portrait else 0)
        self.clear.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.clear.setMinimumWidth(max(theme.touch * 3, theme.px(280)))
        self.clear.clicked.connect(self.reset)
        side = QHBoxLayout() if portrait else QVBoxLayout()
        side.setSpacing(theme.px(16))
        if portrait:  # under the keys: 全部清除 on the left, 确定 on the right, like 返回 and 退出
            side.addStretch(1)
            side.addWidget(self.clear)
            side.addWidget(self.confirm)
            side.addStretch(1)
        else:
            side.addWidget(self.confirm, 1)
            side.addWidget(self.clear)
        pad_row = QVBoxLayout() if portrait else QHBoxLayout()
        pad_row.setSpacing(theme.px(28))
        pad_row.addStretch(1)
        pad_row.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignHCenter)
        pad_row.addLayout(side)
        pad_row.addStretch(1)
        self.body.setSpacing(theme.dim(10))  # the keys need the height on a short screen
        self.body.addWidget(self.display, 0, Qt.AlignmentFlag.AlignHCenter)
        self.body.addWidget(self.error)
        self.body.addLayout(pad_row)
        self.body.addStretch(1)
        self.reset()

    def press(self, key: str) -> None:
        self.show_error("")
        if key == BACKSPACE:
            self.value = self.value[:-1]
        elif key == "X":
            if len(self.value) == 17:
                self.value += "X"
            else:
                self.show_error("X 只能是最后一位（第18位）")
        elif len(self.value) < 18:
            self.value += key
        self.display.set_value(self.value)
        self.confirm.setEnabled(len(self.value) == 18)

    def typed(self, text: str) -> None:
        """A keyboard (or a wedge reader) typing on this page."""
        if text == "\n":
            self.submit()
        elif text == "\b":
            self.press(BACKSPACE)
        elif text.upper() == "X" or text.isdigit():
            self.press(text.upper())

    def submit(self) -> None:
        if len(self.value) != 18:
            self.show_error("身份证号码是18位，请输入完整")
            return
        self.kiosk.identify(self.value, by_card=False, refused=self.show_error)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def reset(self) -> None:
        self.value = ""
        self.display.set_value("")
        self.show_error("")
        self.confirm.setEnabled(False)


class MenuPage(Page):
    name, back_to = "menu", "home"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.lead = label("请选择要办理的事项", "lead")
        self.notice = label(f"{NO_RECORD}。\n到窗口登记时，请带上身份证和户口簿。", "notice", wrap=True)
        self.notice.hide()
        self.tiles = {
            "certificates": Tile("印", "打印证明", "当场打印", theme, "red"),
            "cases": Tile("查", "我的办件", "查看进度，办结后可评价", theme, "blue"),
            "request": Tile("诉", "反映诉求", "环境、报修、纠纷等", theme, "green"),
            "booking": Tile("约", "预约窗口", "约好时间，少排队", theme, "brown"),
            "wishes": Tile("愿", "微心愿", "说出心愿，有人帮您实现", theme, "red"),
            "sign_in": Tile("签", "签到", "志愿服务、党员组织生活", theme, "green"),
        }
        self.grid = QGridLayout()
        self.grid.setSpacing(theme.px(30))
        for target, tile in self.tiles.items():
            tile.clicked.connect(lambda _=False, t=target: kiosk.go(t))
        self._place(list(self.tiles))
        self.body.addWidget(self.lead)
        self.body.addWidget(self.notice)
        self.body.addLayout(self.grid, 1)
        self.body.addStretch(0)  # takes the room instead of the grid when one small tile is left

    def _place(self, shown: list[str]) -> None:
        """The tiles shown, side by side in reading order: three across (two rows for five or six,
        with short titles so that three fit at large type), one column on a portrait screen; there
        six tiles at large type keep to their titles, or they would stand taller than the screen."""
        columns = 1 if self.theme.portrait else 3
        crowded = self.theme.portrait and self.theme.large and len(shown) > 5
        for tile in self.tiles.values():
            tile.note.setVisible(not crowded)
        for tile in self.tiles.values():
            self.grid.removeWidget(tile)
        for index, target in enumerate(shown):
            self.grid.addWidget(self.tiles[target], index // columns, index % columns)

    def enter(self, **details: Any) -> None:
        """A card with a record opens every tile; a card without one, the request; a typed
        number, the request and the booking, with the same words whoever has the number."""
        resident = self.kiosk.resident
        registered = resident is not None
        typed = not self.kiosk.by_card
        self.heading.setText(f"您好，{resident.masked_name}" if registered else "您好")
        if typed:
            self.notice.setText(f"{TYPED_RULE}。")
        else:
            self.notice.setText(f"{NO_RECORD}。\n到窗口登记时，请带上身份证和户口簿。")
        self.notice.setVisible(not registered)
        # At large type five tiles need the lead's room; the greeting above them says enough.
        self.lead.setVisible(typed or (registered and not self.theme.large))
        self.body.setStretch(self.body.indexOf(self.grid), 1 if registered else 0)
        self.body.setStretch(self.body.count() - 1, 0 if registered else 1)
        shown = [t for t in self.tiles if self.kiosk.may_show(self.kiosk.page_needs(t))]
        self._place(shown)
        for target, tile in self.tiles.items():
            tile.setVisible(target in shown)
            # one choice alone is a big button, not a wall
            big = 16_777_215
            tile.setMaximumSize(
                big if registered else self.theme.px(1000), big if registered else self.theme.px(300)
            )
        if registered:
            left = self.kiosk.prints_left()
            note = f"当场打印，今天还可打印{left}份" if left else "今天的自助打印次数已用完"
            self.tiles["certificates"].note.setText(note)
        self.aside.setText(f"所属网格：{resident.grid_name}" if registered and resident.grid_name else "")


class ConfirmPage(Page):
    """Ask once before anything that prints, books or cancels."""

    name = "confirm"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.action: Callable[[], None] | None = None
        self.back_details: dict[str, Any] = {}
        self.box, self.lines = card(theme)
        self.confirm = button("确认", "primary", theme, height=120)
        self.confirm.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.confirm.setMinimumWidth(theme.px(560))
        self.confirm.clicked.connect(self.accept)
        self.body.addWidget(self.box)
        self.body.addStretch(1)
        self.body.addWidget(self.confirm, 0, Qt.AlignmentFlag.AlignHCenter)
        self.body.addStretch(1)

    def enter(
        self,
        *,
        title: str = "请确认",
        lines: list[str] = (),
        confirm_text: str = "确认",
        action: Callable[[], None] | None = None,
        back_to: str = "menu",
        back_details: dict[str, Any] | None = None,
        danger: bool = False,
        **_: Any,
    ) -> None:
        self.heading.setText(title)
        while self.lines.count():
            self.lines.takeAt(0).widget().deleteLater()
        for line in lines:
            self.lines.addWidget(label(line, "lead", wrap=True))
        self.confirm.setText(confirm_text)
        self.confirm.setProperty("role", "danger" if danger else "primary")
        self.confirm.style().unpolish(self.confirm)
        self.confirm.style().polish(self.confirm)
        self.action, self.back_to, self.back_details = action, back_to, back_details or {}

    def go_back(self) -> None:
        self.kiosk.go(self.back_to, **self.back_details)

    def accept(self) -> None:
        action, self.action = self.action, None  # a second tap must not do it twice
        if action is not None:
            action()

    def reset(self) -> None:
        self.action, self.back_details, self.back_to = None, {}, "menu"


class ResultPage(Page):
    """What happened: a tick or a warning sign, one big sentence, an optional number to keep."""

    name = "result"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.heading.hide()
        self.aside.hide()
        size = theme.target(120)
        self.sign = label("✓", "glyph", align=Qt.AlignmentFlag.AlignCenter)
        self.sign.setFixedSize(size, size)
        self.headline = label("", "hero", wrap=True)
        top = QHBoxLayout()
        top.setSpacing(theme.px(34))
        top.addWidget(self.sign)
        top.addWidget(self.headline, 1)
        self.number_caption = label("", "lead")
        self.number = label("", "number")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.box, self.lines = card(theme)
        self.body.addLayout(top)
        self.body.addWidget(self.number_caption)
        self.body.addWidget(self.number)
        self.body.addWidget(self.box)
        self.body.addStretch(1)

    def enter(
        self,
        *,
        ok: bool = True,
        headline: str = "",
        number: str = "",
        caption: str = "",
        lines: list[str] = (),
        back_to: str = "menu",
        **_: Any,
    ) -> None:
        colour = "#22703A" if ok else "#B26A00"
        self.sign.setText("✓" if ok else "!")
        self.sign.setStyleSheet(f"background: {colour}; border-radius: {self.sign.width() // 2}px;")
        self.headline.setText(headline)
        self.number.setText(number)
        self.number_caption.setText(caption or "编号")
        self.number.setVisible(bool(number))
        self.number_caption.setVisible(bool(number))
        while self.lines.count():
            self.lines.takeAt(0).widget().deleteLater()
        for line in lines:
            self.lines.addWidget(label(line, "lead", wrap=True))
        self.box.setVisible(bool(lines))
        self.back_to = back_to

    def reset(self) -> None:
        self.headline.setText("")
        self.number.setText("")
        while self.lines.count():
            self.lines.takeAt(0).widget().deleteLater()
