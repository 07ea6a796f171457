"""The resident at a glance: who they are, where they live, their grid, tags and open cases.

Everything the person at the counter may ask about is visible without another click; the ID
number is shown in full only to roles that handle case files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.common.idcard import mask
from app.services.desk.panel import DeskRecord, PanelTag

if TYPE_CHECKING:
    from app.views.desk.context import DeskContext
    from app.views.desk.resident_actions import ResidentActions

PHOTO_SIZE = (102, 126)  # the ID card photo's own size
SEX = {"male": "男", "female": "女"}


def initial_avatar(name: str, size: tuple[int, int] = PHOTO_SIZE) -> QPixmap:
    """A calm placeholder with the surname, for people without a photo on file."""
    pixmap = QPixmap(*size)
    pixmap.fill(QColor("#e8edf2"))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#4a5b6c"))
    font = QFont()
    font.setPixelSize(int(size[0] * 0.45))
    painter.setFont(font)
    painter.drawText(QRectF(0, 0, *size), Qt.AlignmentFlag.AlignCenter, name[:1] or "?")
    painter.end()
    return pixmap


class TagChip(QLabel):
    def __init__(self, text: str, color: str = "#5b6b7a"):
        super().__init__(text)
        self.setStyleSheet(
            f"QLabel {{ background: {color}; color: white; border-radius: 9px; padding: 2px 9px; }}"
        )


class ResidentPanel(QFrame):
    """Shows one DeskRecord; ``clear()`` empties it between residents."""

    shown = Signal(object)  # the DeskRecord now shown, or None after clear()
    print_household = Signal()  # 打印一户一档 of the person shown
    print_building = Signal()  # 打印一幢一册 of their building

    def __init__(
        self,
        *,
        show_full_id: bool | None = None,
        ctx: DeskContext | None = None,
        on_change: Callable[[str], object] | None = None,
        parent: QWidget | None = None,
    ):
        """With ``ctx`` the panel offers the upkeep menu (编辑, 迁出 …); after a saved change
        ``on_change`` gets the ID number to look up again."""
        super().__init__(parent)
        self.show_full_id = (
            show_full_id if show_full_id is not None else bool(ctx and ctx.user.sees_full_id_numbers)
        )
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("residentPanel")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 12, 14, 12)

        top = QHBoxLayout()
        self.photo = QLabel()
        self.photo.setFixedSize(*PHOTO_SIZE)
        top.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        facts = QVBoxLayout()
        self.name = QLabel()
        name_font = self.name.font()
        name_font.setPointSize(name_font.pointSize() + 7)
        name_font.setBold(True)
        self.name.setFont(name_font)
        facts.addWidget(self.name)
        self.badge = QLabel()  # 已迁出 / 已死亡 with the date: such a person is not served as living
        self.badge.setObjectName("stateBadge")
        self.badge.setStyleSheet(
            "QLabel { background: #b42318; color: white; border-radius: 4px; padding: 3px 8px; font-weight: bold; }"
        )
        self.badge.hide()
        facts.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignLeft)
        self.basics = QLabel()
        facts.addWidget(self.basics)
        self.id_label = QLabel()
        self.id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        facts.addWidget(self.id_label)
        self.tags = QHBoxLayout()
        self.tags.setSpacing(6)
        facts.addLayout(self.tags)
        facts.addStretch(1)
        top.addLayout(facts, 1)
        self.actions: ResidentActions | None = None
        if ctx is not None:
            from app.views.desk.resident_actions import ResidentActions

            self.actions = ResidentActions(ctx, self)
            self.shown.connect(self.actions.show_for)
            if on_change is not None:
                self.actions.changed.connect(on_change)
            top.addWidget(self.actions, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(top)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self.fields: dict[str, QLabel] = {}
        for row, (key, label) in enumerate(
            [
                ("phone", "联系电话"),
                ("home", "住址"),
                ("hukou", "户籍地址"),
                ("grid", "所属网格"),
                ("leader", "网格长"),
                ("card", "证件有效期"),
                ("party", "党员"),
            ]
        ):
            caption = QLabel(label)
            caption.setStyleSheet("color: #5b6b7a;")
            value = QLabel()
            value.setWordWrap(True)
            value.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            grid.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1)
            self.fields[key] = value
        outer.addLayout(grid)
        files = QHBoxLayout()
        self.household_button = QPushButton("打印一户一档")
        self.household_button.clicked.connect(self.print_household)
        self.building_button = QPushButton("打印一幢一册")
        self.building_button.clicked.connect(self.print_building)
        for button in (self.household_button, self.building_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the counter's Tab order stays as it was
            files.addWidget(button)
        files.addStretch(1)
        outer.addLayout(files)

        # Household, cases and certificates share the panel's lower half as tabs, each with room
        # for a whole household or a year of cases.
        self.lists = QTabWidget()
        self.members = _small_table(["姓名", "关系", "性别", "年龄", "身份证号"])
        self.cases = _small_table(["办件编号", "事项", "状态", "承诺办结"])
        self.certificates = _small_table(["证明编号", "证明", "开具日期", "状态"])
        self.history = _small_table(["时间", "类别", "内容", "经办人"])
        for table, title in self.tabs():
            self.lists.addTab(table, title)
        outer.addWidget(self.lists, 1)
        self.clear()

    def clear(self) -> None:
        self.record: DeskRecord | None = None
        self.photo.setPixmap(initial_avatar(""))
        self.name.setText("请刷身份证或输入身份证号")
        self.basics.setText("")
        self.id_label.setText("")
        for value in self.fields.values():
            value.setText("")
        self._set_tags([])
        self.members.setRowCount(0)
        self.cases.setRowCount(0)
        self.certificates.setRowCount(0)
        self.history.setRowCount(0)
        self.badge.hide()
        self._count_tabs()
        self.shown.emit(None)
        self._enable_files(False)

    def tabs(self) -> tuple[tuple[QTableWidget, str], ...]:
        return (
            (self.members, "同户成员"),
            (self.cases, "本人办件"),
            (self.certificates, "已开证明"),
            (self.history, "变更记录"),
        )

    def _enable_files(self, enabled: bool) -> None:
        self.household_button.setEnabled(enabled)
        self.building_button.setEnabled(enabled)

    def show_record(self, desk: DeskRecord) -> None:
        self.record = desk
        r = desk.resident
        pixmap = QPixmap()
        if desk.photo and pixmap.loadFromData(desk.photo):
            self.photo.setPixmap(
                pixmap.scaled(
                    *PHOTO_SIZE,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.photo.setPixmap(initial_avatar(r.name))
        self.name.setText(r.name)
        self.badge.setText(_state_text(r))
        self.badge.setVisible(not r.living)
        self.basics.setText(f"{SEX.get(r.sex, '')} · {r.age}岁 · {r.ethnicity} · 生于{r.birth_date}")
        self.id_label.setText("身份证号  " + (r.id_number if self.show_full_id else mask(r.id_number)))
        household, grid = r.household, r.grid
        self.fields["phone"].setText(r.phone or "—")
        if household:
            head = f"（户主：{household.head}，本人为{r.relation_to_head}）" if household.head else ""
            if not r.living:  # their own relation is from when they lived here
                head = f"（现户主：{household.head}）" if household.head else ""
            self.fields["home"].setText(f"{household.label}{head}")
        else:
            self.fields["home"].setText(r.current_address or "未登记住址")
        self.fields["hukou"].setText(r.hukou_address or "—")
        if grid:
            self.fields["grid"].setText(f"{grid.community} {grid.name}（{grid.code}）")
            self.fields["leader"].setText(
                f"{grid.leader_name}  {grid.leader_phone}" if grid.leader_name is not None else "未配备"
            )
        else:
            self.fields["grid"].setText("未编入网格")
            self.fields["leader"].setText("—")
        card = r.card
        self.fields["card"].setText(
            f"{card.valid_from or '?'} 至 {card.valid_to or '?'}（{card.authority or '签发机关未登记'}）"
            if card.valid_from
            else "—"
        )
        self.fields["party"].setText(desk.membership or "—")
        self._set_tags(r.tags)
        self._enable_files(household is not None)
        members = household.members if household else ()
        self.members.setRowCount(len(members))
        for row, m in enumerate(members):
            for col, text in enumerate(
                [m.name, m.relation_to_head, SEX.get(m.sex, ""), str(m.age), m.id_number]
            ):
                self.members.setItem(row, col, QTableWidgetItem(text))
        self.cases.setRowCount(len(desk.cases))
        for row, c in enumerate(desk.cases):
            due = c.due_date.isoformat() if c.due_date else ""
            for col, text in enumerate([c.case_no, c.item_name, c.status_name, due]):
                self.cases.setItem(row, col, QTableWidgetItem(text))
        self.certificates.setRowCount(len(desk.certificates))
        for row, cert in enumerate(desk.certificates):
            status = "有效" if cert.status == "valid" else "已作废"
            for col, text in enumerate([cert.serial, cert.title, cert.issue_date.isoformat(), status]):
                self.certificates.setItem(row, col, QTableWidgetItem(text))
        self.history.setRowCount(len(desk.history))
        for row, h in enumerate(desk.history):
            for col, text in enumerate([h.at.strftime("%Y-%m-%d %H:%M"), h.kind_name, h.summary, h.actor]):
                self.history.setItem(row, col, QTableWidgetItem(text))
        self._count_tabs()
        self.shown.emit(desk)

    def _count_tabs(self) -> None:
        for index, (table, title) in enumerate(self.tabs()):
            self.lists.setTabText(index, f"{title}（{table.rowCount()}）")

    def _set_tags(self, tags: Sequence[PanelTag]) -> None:
        while self.tags.count():
            item = self.tags.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for tag in tags:
            self.tags.addWidget(TagChip(tag.name, tag.color))
        self.tags.addStretch(1)

    def tag_names(self) -> list[str]:
        return [
            self.tags.itemAt(i).widget().text()
            for i in range(self.tags.count())
            if isinstance(self.tags.itemAt(i).widget(), TagChip)
        ]


def _state_text(r) -> str:
    """已死亡 2026-03-01 / 已迁出 2026-02-01 迁往西安市雁塔区; "" for a living person."""
    if r.living:
        return ""
    text = f"{r.state_name} {r.left_on or ''}".strip()
    return f"{text} 迁往{r.moved_to}" if r.moved_to else text


def _small_table(headers: list[str]) -> QTableWidget:
    # A handful of rows at most (a household, one person's cases): a plain table widget is enough.
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table
