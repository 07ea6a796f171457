"""The form pages of the first-run assistant: the street, this centre's community, the first
administrator. Each page checks what was typed with the services' own rules when 下一步 is
pressed and shows every problem at once beside the fields."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWizardPage

from app.db import Database
from app.services.admin.area import CommunityDetails, StreetDetails
from app.services.setup.first_run import (
    FirstAdmin,
    admin_problems,
    community_form_problems,
    street_form_problems,
)


class FormPage(QWizardPage):
    """A page of labelled line edits (key, label, placeholder) and one line of problems."""

    FIELDS: tuple[tuple[str, str, str], ...] = ()

    def __init__(self, title: str, subtitle: str, parent=None):
        super().__init__(parent)
        self.setTitle(title)
        self.setSubTitle(subtitle)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for key, label, hint in self.FIELDS:
            edit = QLineEdit()
            edit.setObjectName(key)
            edit.setPlaceholderText(hint)
            self.fields[key] = edit
            form.addRow(label, edit)
        layout.addLayout(form)
        self.problems = QLabel()
        self.problems.setObjectName("problems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b00020;")
        layout.addWidget(self.problems)
        layout.addStretch(1)

    def text(self, key: str) -> str:
        return self.fields[key].text()

    def show_problems(self, problems: dict[str, str]) -> bool:
        """Show the problems (first field with one gets the focus); True when there are none."""
        self.problems.setText("\n".join(problems.values()))
        if problems:
            first = next((k for k in self.fields if k in problems), None)
            if first is not None:
                self.fields[first].setFocus()
                self.fields[first].selectAll()
        return not problems


class StreetPage(FormPage):
    FIELDS = (
        ("code", "街道代码：", "9位统计用区划代码，如 610202010"),
        ("name", "街道名称：", "如 桃园街道"),
        ("district", "区/县：", "如 王益区"),
        ("city", "城市：", "如 铜川市"),
    )

    def __init__(self, parent=None):
        super().__init__("街道", "本中心所在的街道（乡镇）。代码见国家统计局“统计用区划代码”。", parent)

    def details(self) -> StreetDetails:
        return StreetDetails(*(self.text(k) for k in ("code", "name", "district", "city")))

    def validatePage(self) -> bool:  # noqa: N802 — Qt's name
        return self.show_problems(street_form_problems(self.details()))


class CommunityPage(FormPage):
    FIELDS = (
        ("code", "社区代码：", "12位统计用区划代码，以街道代码开头"),
        ("name", "社区名称：", "如 桃园社区"),
        ("prefix", "编号前缀：", "英文字母，如 TY；办件编号和证明编号以它开头"),
        ("address", "地址：", "党群服务中心地址"),
        ("phone", "服务电话：", ""),
        ("hours", "办公时间：", "如 周一至周五 8:30-17:30"),
        ("heading", "证明抬头：", "不填时同落款"),
        ("issuer", "证明落款：", "不填时为“社区名称居民委员会”"),
    )

    def __init__(self, db: Database, street: StreetPage, parent=None):
        super().__init__("本中心所属社区", "证明的抬头和落款、办件编号都取自这里。", parent)
        self.db = db
        self.street = street

    def details(self) -> CommunityDetails:
        return CommunityDetails(*(self.text(k) for k, _, _ in self.FIELDS))

    def validatePage(self) -> bool:  # noqa: N802
        return self.show_problems(community_form_problems(self.db, self.street.details(), self.details()))


class AdminPage(FormPage):
    FIELDS = (
        ("username", "用户名：", "登录用，如 admin"),
        ("display_name", "姓名：", "显示在办件和审计记录中"),
        ("password", "密码：", "至少8个字符，不能与用户名相同"),
        ("repeated", "再次输入密码：", ""),
    )

    def __init__(self, parent=None):
        super().__init__("第一位管理员", "用这个账号登录后，可在“系统管理”中添加其他工作人员。", parent)
        for key in ("password", "repeated"):
            self.fields[key].setEchoMode(QLineEdit.EchoMode.Password)

    def admin(self) -> FirstAdmin:
        return FirstAdmin(self.text("username"), self.text("display_name"), self.text("password"))

    def validatePage(self) -> bool:  # noqa: N802
        return self.show_problems(admin_problems(self.admin(), self.text("repeated")))
