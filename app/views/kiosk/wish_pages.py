"""微心愿 at the kiosk: the card holder's own wishes (with the next step in plain words and a
评价 button once one came true), a new wish (a kind with big buttons, then a sentence or two in
the system's input method), and the rating of a fulfilled wish with five big star buttons.

Only a card with a record reaches these pages; every call names the session's resident, never
anything typed. The wisher's name shows masked in the heading, as everywhere at the kiosk.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QHBoxLayout, QPlainTextEdit, QSizePolicy, QVBoxLayout

from app.services.engage.wishes import WISH_KINDS
from app.services.kiosk import service as svc
from app.services.kiosk.wishes import KIOSK_WISH_LIMIT as TEXT_LIMIT
from app.views.kiosk.controller import KioskController
from app.views.kiosk.page import Page
from app.views.kiosk.session import plain_reason
from app.views.kiosk.theme import Theme
from app.views.kiosk.widgets import PagedList, button, card, card_heading, label, rate_button

KIND_NOTES = {"物品": "用品、书本等", "服务": "陪诊、维修等", "其他": "别的小心愿"}
STAR_WORDS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
STATUS_COLOURS = {"已实现": "#22703A", "已撤回": "#5A5A5A", "未能实现": "#5A5A5A", "待审核": "#B26A00"}


class WishesPage(Page):
    name, needs, title = "wishes", "record", "微心愿"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        top = QHBoxLayout()
        top.setSpacing(theme.px(30))
        self.lead = label("说出您的小心愿，党员、志愿者和共建单位帮您实现", "lead", wrap=True)
        self.new_button = button("许个心愿", "primary", theme, height=110)
        self.new_button.setObjectName("wish-new")
        self.new_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.new_button.setMinimumWidth(max(theme.touch * 3, theme.px(300)))
        self.new_button.clicked.connect(lambda: kiosk.go("wish_kind"))
        top.addWidget(self.lead, 1)
        top.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignVCenter)
        rows = (2 if theme.large else 3) if theme.portrait else (1 if theme.large else 2)
        self.list = PagedList(theme, columns=1, rows=rows, empty="您还没有许过心愿")
        self.body.addLayout(top)
        self.body.addWidget(self.list, 1)

    def enter(self, **details: Any) -> None:
        self.show_wishes(self.kiosk.my_wishes())

    def show_wishes(self, wishes: list[svc.KioskWish]) -> None:
        self.aside.setText(f"共 {len(wishes)} 个" if wishes else "")
        self.list.set_items(wishes, self._card)

    def _card(self, wish: svc.KioskWish):
        theme = self.theme
        frame, lines = card(theme)
        lines.addLayout(card_heading(theme, wish.content, wish.status_name, STATUS_COLOURS))
        row = QHBoxLayout()
        row.setSpacing(theme.px(20))
        words = f"编号 {wish.wish_no}　{wish.next_step}"
        row.addWidget(label(words, "note", wrap=True), 1)
        if wish.can_rate:
            rate = rate_button(
                theme, f"rate-wish-{wish.wish_no}", lambda: self.kiosk.go("wish_rating", wish=wish)
            )
            row.addWidget(rate, 0, Qt.AlignmentFlag.AlignBottom)
        lines.addLayout(row)
        return frame

    def reset(self) -> None:
        self.show_wishes([])


class WishKindPage(Page):
    name, needs, title, back_to = "wish_kind", "record", "许个心愿", "wishes"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.lead = label("您的心愿属于哪一类？", "lead")
        self.note = label("社区审核后会在公示栏公示，您的姓名会遮挡处理。", "note", wrap=True)
        columns, rows = theme.choice_grid
        self.list = PagedList(theme, columns=columns, rows=rows)
        self.body.addWidget(self.lead)
        self.body.addWidget(self.note)
        self.body.addWidget(self.list, 1)

    def enter(self, **details: Any) -> None:
        self.list.set_items(list(WISH_KINDS), self._choice)

    def _choice(self, kind: str):
        choice = button(f"{kind}\n{KIND_NOTES[kind]}", "choice", self.theme, height=150)
        choice.setObjectName(f"wish-kind-{kind}")
        choice.clicked.connect(lambda: self.kiosk.go("wish_text", kind=kind))
        return choice


class WishTextPage(Page):
    name, needs, title, back_to = "wish_text", "record", "说说您的心愿", "wish_kind"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.kind = ""
        self.note = label("点一下下面的白框，用屏幕键盘或手写输入，一两句话就好。", "note", wrap=True)
        self.text = QPlainTextEdit()
        self.text.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("例如：想要一个新书包")
        self.text.setFixedHeight(2 * theme.target(110) + theme.dim(20))
        self.text.textChanged.connect(self._limit)
        self.count = label(f"0 / {TEXT_LIMIT} 字", "hint", align=Qt.AlignmentFlag.AlignRight)
        self.error = label("", "error", wrap=True)
        self.submit_button = button("提交心愿", "primary", theme, height=110)
        self.submit_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.submit_button.setMinimumWidth(theme.px(300))
        self.submit_button.setEnabled(False)
        row: QBoxLayout = QVBoxLayout() if theme.portrait else QHBoxLayout()
        row.setSpacing(theme.dim(30))
        row.addWidget(self.text, 1)
        row.addWidget(self.submit_button, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.body.addWidget(self.note)
        self.body.addLayout(row)
        self.body.addWidget(self.count)
        self.body.addWidget(self.error)
        self.body.addStretch(1)
        self.submit_button.clicked.connect(self.submit)

    def enter(self, *, kind: str = "", **details: Any) -> str | None:
        if kind:
            self.kind = kind
        if not self.kind:
            return "wish_kind"
        self.aside.setText(f"类别：{self.kind}")
        self.text.setFocus()
        return None

    def _limit(self) -> None:
        text = self.text.toPlainText()
        if len(text) > TEXT_LIMIT:
            self.text.setPlainText(text[:TEXT_LIMIT])
            self.text.moveCursor(self.text.textCursor().MoveOperation.End)
            return
        self.count.setText(f"{len(text)} / {TEXT_LIMIT} 字")
        self.submit_button.setEnabled(bool(text.strip()))
        self.error.setText("")

    def submit(self) -> None:
        self.text.clearFocus()
        self.kiosk.post_wish(self.kind, self.text.toPlainText(), self._posted, self._not_posted)

    def _posted(self, wish_no: str) -> None:
        self.reset()
        self.kiosk.show_result(
            ok=True,
            headline="心愿已提交",
            number=wish_no,
            caption="心愿编号",
            lines=["社区审核后会公示，有人认领后会联系您。", "可以在“微心愿”里查看进度。"],
            back_to="wishes",
        )

    def _not_posted(self, exc: Exception) -> None:
        self.error.setText(plain_reason(exc, "暂时无法提交，请稍后再试，或到服务窗口登记"))

    def reset(self) -> None:
        self.text.clearFocus()
        self.text.clear()
        self.kind = ""
        self.aside.setText("")
        self.error.setText("")


class WishRatingPage(Page):
    name, needs, title, back_to = "wish_rating", "record", "心愿实现了吗？", "wishes"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.wish: svc.KioskWish | None = None
        self.subject = label("", "lead", wrap=True)
        self.ask = label("心愿实现了，请您评价一下（点一下即可）", "note", wrap=True)
        columns = (2 if theme.large else 3) if theme.portrait else (3 if theme.large else 5)
        grid = QGridLayout()
        grid.setSpacing(theme.dim(22))
        self.buttons = {}
        for index, stars in enumerate(sorted(STAR_WORDS, reverse=True)):
            choice = button(
                f"{'★' * stars}{'☆' * (5 - stars)}\n{STAR_WORDS[stars]}", "choice", theme, height=190
            )
            choice.setObjectName(f"wish-stars-{stars}")
            choice.clicked.connect(lambda _=False, s=stars: self.rate(s))
            grid.addWidget(choice, index // columns, index % columns)
            self.buttons[stars] = choice
        for column in range(columns):
            grid.setColumnStretch(column, 1)
        self.body.addWidget(self.subject)
        self.body.addWidget(self.ask)
        self.body.addSpacing(theme.px(20))
        self.body.addLayout(grid)
        self.body.addStretch(1)

    def enter(self, *, wish: svc.KioskWish | None = None, **details: Any) -> str | None:
        if wish is None or not wish.can_rate:
            return "wishes"
        self.wish = wish
        self.subject.setText(f"{wish.content}（编号 {wish.wish_no}）")
        return None

    def rate(self, stars: int) -> None:
        wish = self.wish
        if wish is None:
            return
        self.kiosk.rate_wish(wish.wish_no, stars, lambda _: self._rated(stars), self._not_rated)

    def _rated(self, stars: int) -> None:
        lines = [f"您的评价：{'★' * stars}（{STAR_WORDS[stars]}）。"]
        self.kiosk.show_result(ok=True, headline="感谢您的评价", lines=lines, back_to="wishes")

    def _not_rated(self, exc: Exception) -> None:
        reason = plain_reason(exc, "系统暂时出了点问题，请稍后再试。")
        self.kiosk.show_result(ok=False, headline="没能记下评价", lines=[reason], back_to="wishes")

    def reset(self) -> None:
        self.wish = None
        self.subject.setText("")
