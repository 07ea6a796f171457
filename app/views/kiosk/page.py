"""The frame of every kiosk page: a title with an optional note on the right, a body, and the
footer with its 返回 and 退出. A page knows the kiosk only through its controller.

On a portrait screen the note goes under the title and the footer's hint above its buttons, so
that 退出 keeps its place in the bottom right corner at any type size."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from app.views.kiosk.controller import KioskController
from app.views.kiosk.theme import Theme
from app.views.kiosk.widgets import button, label


class Page(QWidget):
    """One screen: a title (with an optional note on the right), a body, and the footer with a
    big 返回 (to ``back_to``) and 退出 (wipes the session and returns home)."""

    name = ""
    title = ""
    needs = "identified"  # or "nobody", "booking" or "record": KioskController.may_show
    back_to: str | None = "menu"
    footer_hint = "办完请点“退出”，以免后面的人看到您的信息"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__()
        self.kiosk = kiosk
        self.theme = theme
        root = QVBoxLayout(self)
        side, top_gap = theme.dim(64), theme.dim(26)
        root.setContentsMargins(side, top_gap, side, theme.dim(22))  # room for text beats air at large type
        root.setSpacing(theme.dim(20))
        portrait = theme.portrait
        self.heading = label(self.title, "title", wrap=portrait)
        align = Qt.AlignmentFlag.AlignLeft if portrait else Qt.AlignmentFlag.AlignRight
        self.aside = label("", "aside", wrap=portrait, align=align | Qt.AlignmentFlag.AlignVCenter)
        top = QVBoxLayout() if portrait else QHBoxLayout()
        top.setSpacing(theme.dim(8))
        top.addWidget(self.heading, 1)
        top.addWidget(self.aside)
        root.addLayout(top)
        self.body = QVBoxLayout()
        self.body.setSpacing(theme.dim(20))
        root.addLayout(self.body, 1)
        self.footer = QHBoxLayout()
        self.footer.setSpacing(theme.px(30))
        self.back_button = button("‹ 返回", "secondary", theme)
        self.exit_button = button("退出", "exit", theme)
        for widget in (self.back_button, self.exit_button):
            widget.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            widget.setMinimumWidth(max(theme.touch * 3, theme.px(280)))
        self.hint = label(self.footer_hint, "hint", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        self.footer.addWidget(self.back_button)
        if portrait:
            root.addWidget(self.hint)
            self.footer.addStretch(1)
        else:
            self.footer.addWidget(self.hint, 1)
        self.footer.addWidget(self.exit_button)
        root.addLayout(self.footer)
        self.back_button.clicked.connect(self.go_back)
        self.exit_button.clicked.connect(kiosk.sign_out)

    def go_back(self) -> None:
        if self.back_to == "home":
            self.kiosk.sign_out()
        elif self.back_to:
            self.kiosk.go(self.back_to)

    def enter(self, **details: Any) -> str | None:
        """Called every time the page is shown: load what it shows from the services. Returns
        the name of another page to show instead, or None."""

    def reset(self) -> None:
        """Forget everything typed or shown (the session ended)."""
