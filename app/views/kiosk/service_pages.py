"""Pages for a registered resident's own matters: printing a certificate, their cases, rating one.

Every call goes through the controller, which names the session's resident, never anything
typed, so no page can reach another person's data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout

from app.services.cases.workflow import EVALUATIONS
from app.services.kiosk import service as svc
from app.views.kiosk.controller import KioskController
from app.views.kiosk.page import Page
from app.views.kiosk.session import Printed, plain_reason
from app.views.kiosk.theme import Theme
from app.views.kiosk.widgets import PagedList, Tile, button, card, card_heading, label, rate_button

PRINTER_DOWN = "打印机暂时无法使用"
STATUS_COLOURS = {
    "已办结": "#22703A",
    "已回访": "#22703A",
    "已评价": "#22703A",
    "待补正": "#B26A00",
    "不予受理": "#5A5A5A",
    "已撤回": "#5A5A5A",
}
STARS = {"非常满意": 5, "满意": 4, "基本满意": 3, "不满意": 2, "非常不满意": 1}


def day_text(day: dt.date | None) -> str:
    return f"{day.month}月{day.day}日" if day else "—"


class CertificatesPage(Page):
    name, needs, title = "certificates", "record", "打印证明"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.left = 0
        self.templates: list[svc.KioskTemplate] = []
        self.note = label("证明上的内容取自社区登记信息；如有不对，请到窗口更正。", "note", wrap=True)
        self.limit_notice = label("", "notice", wrap=True)
        columns, rows = (1, 4 if theme.large else 6) if theme.portrait else (2, 3 if theme.large else 4)
        self.list = PagedList(
            theme, columns=columns, rows=rows, empty="目前没有可以自助打印的证明，请到窗口办理"
        )
        self.body.addWidget(self.note)
        self.body.addWidget(self.limit_notice)
        self.body.addWidget(self.list, 1)

    def enter(self, **details: Any) -> None:
        self.templates = self.kiosk.certificates()
        self.left = self.kiosk.prints_left()
        self.aside.setText(f"今天还可打印 {self.left} 份")
        limit = self.kiosk.settings.daily_print_limit
        self.limit_notice.setText(f"今天的自助打印已达{limit}份上限，如还需要请到服务窗口办理。")
        self.limit_notice.setVisible(self.left <= 0)
        self.list.set_items(self.templates, self._choice)

    def _choice(self, template: svc.KioskTemplate):
        code, title = template
        note = "当场打印，带二维码可核验" if self.left > 0 else "今天的次数已用完"
        choice = Tile("证", title, note, self.theme, "red" if self.left > 0 else "grey")
        choice.setMinimumHeight(self.theme.target(150))
        choice.setObjectName(f"template-{code}")
        choice.setEnabled(self.left > 0)
        choice.clicked.connect(lambda: self.ask(code, title))
        return choice

    def ask(self, code: str, title: str) -> None:
        if self.left <= 0:
            return
        self.kiosk.confirm(
            title=f"打印《{title}》",
            lines=[
                "姓名、身份证号、住址等取自社区登记信息，打印后请在出纸口取走。",
                f"打印这份后，今天还可打印 {self.left - 1} 份。",
            ],
            confirm_text="确认打印",
            action=lambda: self.print_certificate(code, title),
            back_to="certificates",
        )

    def print_certificate(self, code: str, title: str) -> None:
        self.kiosk.print_certificate(
            code, title, lambda printed: self._printed(title, printed), self._not_issued
        )

    def _not_issued(self, exc: Exception) -> None:
        reason = plain_reason(exc, "系统暂时出了点问题，请到服务窗口办理。")
        self.kiosk.show_result(
            ok=False, headline="这份证明暂时不能打印", lines=[reason], back_to="certificates"
        )

    def _printed(self, title: str, printed: Printed) -> None:
        if printed.problem:
            self.kiosk.show_result(
                ok=False,
                headline=f"{PRINTER_DOWN}，请到窗口办理",
                lines=[
                    f"原因：{printed.problem}。",
                    "这次没有打印，也没有登记，不占用今天的打印次数。",
                    "请到服务窗口办理，工作人员会为您打印。",
                ],
                back_to="certificates",
            )
            return
        self.kiosk.show_result(
            ok=True,
            headline=f"《{title}》已打印",
            number=printed.serial,
            caption="证明编号",
            lines=[
                "请在出纸口取走证明。",
                "证明上的二维码可供办事单位扫码核验真伪。",
                f"今天还可打印 {max(0, self.left - 1)} 份。",
            ],
            back_to="certificates",
        )

    def reset(self) -> None:
        self.templates, self.left = [], 0
        self.list.set_items([], self._choice)


class CasesPage(Page):
    name, needs, title = "cases", "record", "我的办件"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        rows = (3 if self.theme.large else 4) if self.theme.portrait else (2 if self.theme.large else 3)
        self.list = PagedList(self.theme, columns=1, rows=rows, empty="您目前没有办件记录")
        self.body.addWidget(self.list, 1)

    def enter(self, **details: Any) -> None:
        self.show_cases(self.kiosk.my_cases())

    def show_cases(self, cases: list[svc.KioskCase]) -> None:
        self.aside.setText(f"共 {len(cases)} 件" if cases else "")
        self.list.set_items(cases, self._card)

    def _card(self, case: svc.KioskCase):
        theme = self.theme
        frame, lines = card(theme)
        lines.addLayout(card_heading(theme, case.item_name, case.status_name, STATUS_COLOURS))
        dates = f"编号 {case.case_no}　受理 {day_text(case.received_on)}"
        if case.due_date:
            dates += f"　承诺办结 {day_text(case.due_date)}"
        lines.addWidget(label(dates, "note", wrap=True))
        row = QHBoxLayout()
        row.setSpacing(theme.px(20))
        row.addWidget(label(f"下一步：{case.next_step}", "lead", wrap=True), 1)
        if case.can_rate:
            rate = rate_button(theme, f"rate-{case.case_no}", lambda: self.kiosk.go("rating", case=case))
            row.addWidget(rate, 0, Qt.AlignmentFlag.AlignBottom)
        lines.addLayout(row)
        return frame

    def reset(self) -> None:
        self.show_cases([])


class RatingPage(Page):
    name, needs, title, back_to = "rating", "record", "评价办件", "cases"

    def __init__(self, kiosk: KioskController, theme: Theme):
        super().__init__(kiosk, theme)
        theme = self.theme
        self.case: svc.KioskCase | None = None
        self.subject = label("", "lead", wrap=True)
        self.ask = label("请对这次办理的服务作出评价（点一下即可）", "note", wrap=True)
        self.buttons: dict[str, Any] = {}
        columns = (2 if theme.large else 3) if theme.portrait else (3 if theme.large else 5)
        grid = QGridLayout()
        grid.setSpacing(theme.dim(22))
        for index, evaluation in enumerate(EVALUATIONS):
            stars = STARS.get(evaluation, 0)
            choice = button(f"{'★' * stars}{'☆' * (5 - stars)}\n{evaluation}", "choice", theme, height=190)
            choice.setObjectName(f"evaluation-{evaluation}")
            choice.clicked.connect(lambda _=False, e=evaluation: self.rate(e))
            grid.addWidget(choice, index // columns, index % columns)
            self.buttons[evaluation] = choice
        for column in range(columns):
            grid.setColumnStretch(column, 1)
        self.body.addWidget(self.subject)
        self.body.addWidget(self.ask)
        self.body.addSpacing(theme.px(20))
        self.body.addLayout(grid)
        self.body.addStretch(1)

    def enter(self, *, case: svc.KioskCase | None = None, **details: Any) -> str | None:
        if case is None or not case.can_rate:
            return "cases"
        self.case = case
        self.subject.setText(f"{case.item_name}（编号 {case.case_no}）")

    def rate(self, evaluation: str) -> None:
        case = self.case
        if case is None:
            return
        self.kiosk.rate(case.case_no, evaluation, lambda _: self._rated(case, evaluation), self._not_rated)

    def _not_rated(self, exc: Exception) -> None:
        reason = plain_reason(exc, "系统暂时出了点问题，请稍后再试。")
        self.kiosk.show_result(ok=False, headline="没能记下评价", lines=[reason], back_to="cases")

    def _rated(self, case: svc.KioskCase, evaluation: str) -> None:
        lines = [f"您对“{case.item_name}”的评价：{evaluation}。"]
        if STARS.get(evaluation, 5) <= 2:
            lines.append("我们会认真核查，社区工作人员会尽快与您联系。")
        self.kiosk.show_result(ok=True, headline="感谢您的评价", lines=lines, back_to="cases")

    def reset(self) -> None:
        self.case = None
        self.subject.setText("")
