"""我要反映诉求: a category with big buttons, an optional short text (the system's input method),
a mobile number on a keypad; the case number on the screen and on a printed slip.

Anyone identified may file a request: by card, a person without a record too; by a typed number,
whoever typed it (the pages then show nothing of the number's owner). A slip that does not print
does not undo the request: the case exists, and its number stays on the screen to be written down.

On a portrait screen the buttons beside the text box and the keypad go under them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QPlainTextEdit, QSizePolicy, QVBoxLayout

from app.services.kiosk.service import REQUEST_TEXT_LIMIT as TEXT_LIMIT
from app.views.kiosk.controller import KioskController
from app.views.kiosk.page import Page
from app.views.kiosk.session import FiledRequest, plain_reason
from app.views.kiosk.theme import Theme
from app.views.kiosk.widgets import BACKSPACE, CLEAR, EntryDisplay, KeyPad, PagedList, button, label


class CategoryPage(Page):
    name, title = "request", "我要反映诉求"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.lead = label("请选择您要反映的事情属于哪一类", "lead")
        self.note = label("社区网格员会在五个工作日内联系您、答复您。", "note", wrap=True)
        columns, rows = theme.choice_grid
        self.list = PagedList(theme, columns=columns, rows=rows)
        self.body.addWidget(self.lead)
        self.body.addWidget(self.note)
        self.body.addWidget(self.list, 1)

    def enter(self, **details: Any) -> None:
        self.list.set_items(self.kiosk.settings.request_categories, self._choice)

    def _choice(self, category: str):
        choice = button(category, "choice", self.theme, height=150)
        choice.setObjectName(f"category-{category}")
        choice.clicked.connect(lambda: self.choose(category))
        return choice

    def choose(self, category: str) -> None:
        self.kiosk.choose_category(category)


class RequestTextPage(Page):
    name, title, back_to = "request_text", "简单说一说（可以不填）", "request"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.note = label(
            "点一下下面的白框，用屏幕键盘或手写输入；不想写，可以直接点“跳过”。", "note", wrap=True
        )
        self.text = QPlainTextEdit()
        self.text.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("例如：3号楼2单元门口路灯坏了")
        self.text.setFixedHeight(2 * theme.target(110) + theme.dim(20))  # as high as the two buttons
        self.text.textChanged.connect(self._limit)
        self.count = label(f"0 / {TEXT_LIMIT} 字", "hint", align=Qt.AlignmentFlag.AlignRight)
        self.next = button("下一步", "primary", theme, height=110)
        self.skip = button("跳过", "secondary", theme, height=110)
        side: QBoxLayout = QHBoxLayout() if theme.portrait else QVBoxLayout()
        side.setSpacing(theme.dim(20))
        if theme.portrait:  # 跳过 on the left, 下一步 on the right, like 返回 and 退出
            side.addStretch(1)
        for widget in (self.skip, self.next) if theme.portrait else (self.next, self.skip):
            widget.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            widget.setMinimumWidth(theme.px(300))
            side.addWidget(widget)
        if not theme.portrait:
            side.addStretch(1)
        # Everything sits in the upper half: a docked on-screen keyboard covers the lower one.
        row: QBoxLayout = QVBoxLayout() if theme.portrait else QHBoxLayout()
        row.setSpacing(theme.dim(30))
        row.addWidget(self.text, 1)
        row.addLayout(side)
        self.body.addWidget(self.note)
        self.body.addLayout(row)
        self.body.addWidget(self.count)
        self.body.addStretch(1)
        self.skip.clicked.connect(lambda: self.proceed(""))
        self.next.clicked.connect(lambda: self.proceed(self.text.toPlainText()))

    def enter(self, **details: Any) -> str | None:
        if not self.kiosk.category:
            return "request"
        self.aside.setText(f"类别：{self.kiosk.category}")
        self.text.setFocus()
        return None

    def _limit(self) -> None:
        text = self.text.toPlainText()
        if len(text) > TEXT_LIMIT:
            self.text.setPlainText(text[:TEXT_LIMIT])
            self.text.moveCursor(self.text.textCursor().MoveOperation.End)
            return
        self.count.setText(f"{len(text)} / {TEXT_LIMIT} 字")

    def proceed(self, text: str) -> None:
        self.text.clearFocus()
        self.kiosk.describe_request(text)

    def reset(self) -> None:
        self.text.clearFocus()
        self.text.clear()
        self.aside.setText("")


class PhonePage(Page):
    name, title, back_to = "phone", "留下您的手机号码", "request_text"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.value = ""
        self.display = EntryDisplay("11位手机号码，网格员会打这个电话联系您", (3, 4, 4), theme)
        self.display.setMinimumWidth(theme.dim(700))
        self.error = label("", "error", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.keypad = KeyPad(theme, left_key=CLEAR)
        self.keypad.key_pressed.connect(self.press)
        self.submit_button = button("提交诉求", "primary", theme, height=120 if theme.portrait else 230)
        self.submit_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.submit_button.setMinimumWidth(max(theme.touch * 3, theme.px(300)))
        self.submit_button.clicked.connect(self.submit)
        side: QBoxLayout = QHBoxLayout() if theme.portrait else QVBoxLayout()
        side.addWidget(self.submit_button, 1)
        if theme.portrait:  # under the keys
            side.insertStretch(0, 1)
            side.addStretch(1)
        row: QBoxLayout = QVBoxLayout() if theme.portrait else QHBoxLayout()
        row.setSpacing(theme.px(28))
        row.addStretch(1)
        row.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignHCenter)
        row.addLayout(side)
        row.addStretch(1)
        self.body.setSpacing(theme.dim(10))  # the keys need the height on a short screen
        self.body.addWidget(self.display, 0, Qt.AlignmentFlag.AlignHCenter)
        self.body.addWidget(self.error)
        self.body.addLayout(row)
        self.body.addStretch(1)
        self.reset()

    def enter(self, **details: Any) -> str | None:
        if not self.kiosk.category:
            return "request"
        self.aside.setText(f"类别：{self.kiosk.category}")
        return None

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def press(self, key: str) -> None:
        self.show_error("")
        if key == BACKSPACE:
            self.value = self.value[:-1]
        elif key == CLEAR:
            self.value = ""
        elif len(self.value) < 11:
            self.value += key
        self.display.set_value(self.value)
        self.submit_button.setEnabled(len(self.value) == 11)

    def typed(self, text: str) -> None:
        if text == "\n":
            self.submit()
        elif text == "\b":
            self.press(BACKSPACE)
        elif text.isdigit():
            self.press(text)

    def submit(self) -> None:
        self.kiosk.submit_request(self.value, self._filed, self._not_filed)

    def _not_filed(self, exc: Exception) -> None:
        self.show_error(plain_reason(exc, "暂时无法提交，请到服务窗口反映，谢谢您"))

    def _filed(self, request: FiledRequest) -> None:
        slip = (
            "回执已打印，请在出纸口取走。"
            if not request.slip_problem
            else f"回执没能打印（{request.slip_problem}）。请记下上面的编号，凭编号可到窗口查询。"
        )
        due = request.due
        self.kiosk.show_result(
            ok=True,
            headline="您的诉求已提交",
            number=request.case_no,
            caption="办件编号（请记下）",
            lines=[
                f"类别：{request.category}",
                f"网格员会在 {due.month}月{due.day}日 前联系您、答复您。",
                slip,
            ],
            back_to="menu",
        )

    def reset(self) -> None:
        self.value = ""
        self.display.set_value("")
        self.show_error("")
        self.aside.setText("")
        self.submit_button.setEnabled(False)
