"""The resident panel's upkeep actions, one small dialog each: 编辑, 迁往其他户, 户主变更, 拆户,
并户, 迁出, 死亡登记, 迁回. Each gathers what its use case needs and saves through
:class:`UpkeepDialog`; the rules (and their sentences) are the services'."""

from __future__ import annotations

import datetime as dt
from functools import partial

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.models import HEAD_RELATION
from app.services.cardreaders.ethnicity import ETHNICITIES
from app.services.desk.panel import PanelResident
from app.services.population.households import change_head, merge_household_of, move_person, split_household
from app.services.population.leaving import record_death, record_moved_away, record_return
from app.services.population.picking import MemberChoice, household_members
from app.services.population.upkeep import ResidentEdit, edit_resident
from app.views.desk.context import DeskContext
from app.views.desk.upkeep_widgets import RELATIONS, PhotoField, RoomPicker, UpkeepDialog


def _relation_box(current: str = "", *, blank: str | None = None) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    if blank is not None:
        box.addItem(blank, "")
    box.addItems(RELATIONS)
    if current:
        box.setCurrentText(current)
    return box


def _relation(box: QComboBox) -> str:
    text = box.currentText().strip()
    return (
        ""
        if box.currentIndex() >= 0 and box.itemData(box.currentIndex()) == "" and text == box.itemText(0)
        else text
    )


def _members(ctx: DeskContext, id_number: str) -> list[MemberChoice]:
    with ctx.db.sessions() as session:
        return [m for m in household_members(session, id_number, scope=ctx.scope) if m.living]


def _date_edit(day: dt.date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(QDate(1900, 1, 1))
    day = day or dt.date.today()
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


class _NewHead:
    """The 新户主 row a dialog shows when the person leaving heads a household that stays."""

    def __init__(self, dialog: UpkeepDialog, members: list[MemberChoice], leaving: set[str]):
        self.box = QComboBox()
        self.box.addItem("（请选择）", None)
        for m in members:
            if m.id_number not in leaving:
                self.box.addItem(f"{m.name}（{m.relation_to_head}）", m.id_number)
        head_leaves = any(m.relation_to_head == HEAD_RELATION and m.id_number in leaving for m in members)
        if head_leaves and self.box.count() > 1:
            dialog.form.addRow("新户主", self.box)

    def value(self) -> str | None:
        return self.box.currentData()


class EditDialog(UpkeepDialog):
    def __init__(self, ctx: DeskContext, resident: PanelResident, parent: QWidget | None = None):
        super().__init__(ctx, f"编辑居民信息：{resident.name}", parent)
        self.resident = resident
        card = resident.card
        self.fields: dict[str, QLineEdit] = {}
        for key, label, value in (
            ("id_number", "身份证号", resident.id_number),
            ("name", "姓名", resident.name),
            ("phone", "联系电话", resident.phone),
            ("hukou_address", "户籍地址", resident.hukou_address),
            ("current_address", "现住址", resident.current_address),
            ("card_authority", "签发机关", card.authority or ""),
            ("notes", "备注", resident.notes),
        ):
            self.fields[key] = QLineEdit(value)
            self.form.addRow(label, self.fields[key])
        self.fields["id_number"].setReadOnly(not ctx.user.sees_full_id_numbers)
        self.ethnicity = QComboBox()
        self.ethnicity.addItems(list(ETHNICITIES.values()))
        self.ethnicity.setCurrentText(resident.ethnicity)
        self.form.insertRow(2, "民族", self.ethnicity)
        self.valid_from = _date_edit(_iso(card.valid_from) or dt.date(1900, 1, 1))
        self.valid_to = _date_edit(_iso(card.valid_to) or dt.date(1900, 1, 1))
        self.long_term = QCheckBox("长期有效")
        self.long_term.setChecked(card.valid_to == "长期")
        self.form.addRow("有效期起", self.valid_from)
        self.form.addRow("有效期止", self.valid_to)
        self.form.addRow("", self.long_term)
        self.photo = PhotoField()
        self.form.addRow("照片", self.photo)
        self.finish_form()

    def edit(self) -> ResidentEdit:
        r, changed = self.resident, {}
        before = {
            "id_number": r.id_number,
            "name": r.name,
            "phone": r.phone,
            "hukou_address": r.hukou_address,
            "current_address": r.current_address,
            "card_authority": r.card.authority or "",
            "notes": r.notes,
        }
        for key, widget in self.fields.items():
            if widget.text().strip() != before[key].strip():
                changed[key] = widget.text()
        if self.ethnicity.currentText() != r.ethnicity:
            changed["ethnicity"] = self.ethnicity.currentText()
        for key, widget in (("card_valid_from", self.valid_from), ("card_valid_to", self.valid_to)):
            day = widget.date().toPython()
            old = _iso(r.card.valid_from if key == "card_valid_from" else r.card.valid_to)
            if day != old and day != dt.date(1900, 1, 1):
                changed[key] = day
        if self.long_term.isChecked() != (r.card.valid_to == "长期"):
            changed["card_long_term"] = self.long_term.isChecked()
        return ResidentEdit(**changed, photo=self.photo.image)

    def work(self):
        return partial(_edit, self.resident.id_number, self.edit())


def _edit(number, edit, session, **kw):
    return edit_resident(session, number, edit, **kw)


def _iso(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


class MoveDialog(UpkeepDialog):
    def __init__(self, ctx: DeskContext, resident: PanelResident, parent: QWidget | None = None):
        super().__init__(ctx, f"迁往其他户：{resident.name}", parent)
        self.resident = resident
        self.picker = RoomPicker(ctx)
        self.form.addRow("迁往", self.picker)
        self.relation = _relation_box()
        self.form.addRow("与新户户主关系", self.relation)
        self.form.addRow(QLabel("迁入没有住户的房间时，本人即为户主。"))
        self.new_head = _NewHead(self, _members(ctx, resident.id_number), {resident.id_number})
        self.finish_form()

    def work(self):
        room, relation, head = self.picker.room_choice(), self.relation.currentText(), self.new_head.value()
        number = self.resident.id_number
        return lambda s, **kw: move_person(s, number, room, relation=relation, new_head=head, **kw)


class HeadDialog(UpkeepDialog):
    def __init__(self, ctx: DeskContext, resident: PanelResident, parent: QWidget | None = None):
        super().__init__(ctx, "户主变更", parent)
        self.head = QComboBox()
        for m in _members(ctx, resident.id_number):
            if m.relation_to_head != HEAD_RELATION:
                self.head.addItem(f"{m.name}（{m.relation_to_head}）", m.id_number)
        self.form.addRow("新户主", self.head)
        self.old_relation = _relation_box()
        self.form.addRow("原户主与新户主关系", self.old_relation)
        self.finish_form()

    def work(self):
        number = self.head.currentData()
        if number is None:
            raise ValueError("该户没有可以担任户主的其他在册成员")
        relation = self.old_relation.currentText()
        return lambda s, **kw: change_head(s, number, old_head_relation=relation, **kw)


class SplitDialog(UpkeepDialog):
    def __init__(self, ctx: DeskContext, resident: PanelResident, parent: QWidget | None = None):
        super().__init__(ctx, "拆户", parent)
        self.members = _members(ctx, resident.id_number)
        self.table = QTableWidget(len(self.members), 3)
        self.table.setHorizontalHeaderLabels(["拆出", "姓名（现关系）", "与新户主关系"])
        self.table.verticalHeader().hide()
        for row, m in enumerate(self.members):
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            tick.setCheckState(Qt.CheckState.Unchecked)
            self.table.setItem(row, 0, tick)
            self.table.setItem(row, 1, QTableWidgetItem(f"{m.name}（{m.relation_to_head}）"))
            self.table.setCellWidget(row, 2, _relation_box())
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.form.addRow(self.table)
        self.head = QComboBox()
        self.remaining = QComboBox()
        for box in (self.head, self.remaining):
            box.addItem("（请选择）", None)
            for m in self.members:
                box.addItem(m.name, m.id_number)
        self.form.addRow("新户户主", self.head)
        self.form.addRow("原户新户主（户主拆出时）", self.remaining)
        self.picker = RoomPicker(ctx, existing=False)
        self.form.addRow("新户房间", self.picker)
        self.finish_form()

    def work(self):
        chosen = [
            m
            for row, m in enumerate(self.members)
            if self.table.item(row, 0).checkState() == Qt.CheckState.Checked
        ]
        relations = {
            m.id_number: self.table.cellWidget(row, 2).currentText() for row, m in enumerate(self.members)
        }
        numbers = [m.id_number for m in chosen]
        head, remaining, room = (
            self.head.currentData() or "",
            self.remaining.currentData(),
            self.picker.room_choice(),
        )
        return lambda s, **kw: split_household(
            s, numbers, room, head=head, relations=relations, remaining_head=remaining, **kw
        )


class MergeDialog(UpkeepDialog):
    def __init__(
        self, ctx: DeskContext, resident: PanelResident, household_id: int, parent: QWidget | None = None
    ):
        super().__init__(ctx, "并户：本户并入另一户", parent)
        self.source = household_id
        self.picker = RoomPicker(ctx, new_room=False)
        self.form.addRow("并入哪一户", self.picker)
        self.relation = _relation_box()
        self.form.addRow("原户主与该户户主关系", self.relation)
        self.form.addRow(QLabel("其他成员保留原来的关系，可稍后逐个编辑。"))
        self.finish_form()

    def work(self):
        target = self.picker.room_choice().household_id
        number, relation = self.resident.id_number, self.relation.currentText()
        return lambda s, **kw: merge_household_of(s, number, target, head_relation=relation, **kw)


class LeaveDialog(UpkeepDialog):
    """迁出 (``dead`` False: with where to) or 死亡登记."""

    def __init__(
        self, ctx: DeskContext, resident: PanelResident, *, dead: bool, parent: QWidget | None = None
    ):
        super().__init__(ctx, f"{'死亡登记' if dead else '迁出'}：{resident.name}", parent)
        self.resident, self.dead = resident, dead
        self.day = _date_edit()
        self.form.addRow("死亡日期" if dead else "迁出日期", self.day)
        self.destination = QLineEdit()
        self.destination.setPlaceholderText("如 西安市雁塔区电子城街道")
        if not dead:
            self.form.addRow("迁往何处", self.destination)
        self.new_head = _NewHead(self, _members(ctx, resident.id_number), {resident.id_number})
        self.finish_form()

    def work(self):
        number, day, head = self.resident.id_number, self.day.date().toPython(), self.new_head.value()
        if self.dead:
            return lambda s, **kw: record_death(s, number, day=day, new_head=head, **kw)
        to = self.destination.text()
        return lambda s, **kw: record_moved_away(s, number, day=day, destination=to, new_head=head, **kw)


class ReturnDialog(UpkeepDialog):
    def __init__(self, ctx: DeskContext, resident: PanelResident, parent: QWidget | None = None):
        super().__init__(ctx, f"迁回：{resident.name}", parent)
        self.resident = resident
        self.form.addRow(QLabel(f"{resident.name}迁回原户，恢复为在册居民。"))
        self.relation = _relation_box(blank="（不变）")
        self.form.addRow("与户主关系", self.relation)
        self.finish_form()

    def work(self):
        number, relation = self.resident.id_number, _relation(self.relation)
        return lambda s, **kw: record_return(s, number, relation=relation or None, **kw)
