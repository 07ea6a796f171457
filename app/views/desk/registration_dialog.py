"""Registering a person who is not on the population base, pre-filled from their ID card.

From a card reader everything printed on the card arrives (name, ethnicity, address, authority,
validity); from a typed number only the number itself. The desk adds where the person lives and a
phone number.
"""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
)

from app.services.cardreaders import CardData
from app.services.cardreaders.ethnicity import ETHNICITIES
from app.services.population.registration import (
    NewResident,
    RegistrationError,
    building_choices,
    grid_choices,
    register_resident,
)
from app.views.desk.context import DeskContext
from app.views.desk.upkeep_widgets import PhotoField

RELATIONS = ["户主", "配偶", "子", "女", "父亲", "母亲", "孙子", "孙女", "兄弟姐妹", "其他"]


class RegistrationDialog(QDialog):
    def __init__(self, ctx: DeskContext, id_number: str, card: CardData | None = None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.registered_id: str | None = None
        self.setWindowTitle("登记新居民")
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        source = "信息取自身份证，请核对并补充住址和电话" if card else "人口库中没有此人。请按身份证填写"
        form.addRow(QLabel(source))
        self.id_number = QLineEdit(card.id_number if card else id_number)
        self.id_number.setReadOnly(card is not None)
        self.name = QLineEdit(card.name if card else "")
        self.ethnicity = QComboBox()
        self.ethnicity.addItems(list(ETHNICITIES.values()))
        if card:
            self.ethnicity.setCurrentText(card.ethnicity)
        else:
            self.ethnicity.setCurrentText("汉族")
        self.hukou = QLineEdit(card.address if card else "")
        self.authority = QLineEdit(card.authority if card else "")
        self.valid_from = _date_edit(card.valid_from if card else None)
        self.valid_to = _date_edit(card.valid_to if card else None)
        self.long_term = QCheckBox("长期有效")
        self.long_term.setChecked(bool(card and card.long_term))
        for label, widget in (
            ("身份证号", self.id_number),
            ("姓名", self.name),
            ("民族", self.ethnicity),
            ("户籍地址", self.hukou),
            ("签发机关", self.authority),
            ("有效期起", self.valid_from),
            ("有效期止", self.valid_to),
            ("", self.long_term),
        ):
            form.addRow(label, widget)

        self.grid = QComboBox()
        self.building = QComboBox()
        self.unit = QSpinBox()
        self.unit.setRange(1, 12)
        self.room = QLineEdit()
        self.room.setPlaceholderText("如 502")
        self.relation = QComboBox()
        self.relation.addItems(RELATIONS)
        self.phone = QLineEdit()
        self.current_address = QLineEdit()
        self.current_address.setPlaceholderText("不在本街道居住时填写；选了楼栋和房号可不填")
        with ctx.db.sessions() as session:
            self.grid.addItem("（不编入本街道楼栋）", None)
            for grid in grid_choices(session):
                self.grid.addItem(grid.label, grid.id)
        self.grid.currentIndexChanged.connect(self._load_buildings)
        for label, widget in (
            ("网格", self.grid),
            ("楼栋", self.building),
            ("单元", self.unit),
            ("房号", self.room),
            ("与户主关系", self.relation),
            ("联系电话", self.phone),
            ("现住址", self.current_address),
        ):
            form.addRow(label, widget)
        self.photo = PhotoField()  # from a file or pasted from the clipboard
        form.addRow("照片", self.photo)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b42318;")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("登记")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._load_buildings()
        (self.phone if card else self.name).setFocus()

    def _load_buildings(self) -> None:
        self.building.clear()
        grid_id = self.grid.currentData()
        if grid_id is None:
            return
        with self.ctx.db.sessions() as session:
            for building in building_choices(session, grid_id):
                self.building.addItem(building.label, building.id)

    def new_resident(self) -> NewResident:
        building_id = self.building.currentData() if self.grid.currentData() is not None else None
        return NewResident(
            id_number=self.id_number.text(),
            name=self.name.text(),
            ethnicity=self.ethnicity.currentText(),
            hukou_address=self.hukou.text(),
            current_address=self.current_address.text(),
            phone=self.phone.text(),
            card_authority=self.authority.text(),
            card_valid_from=_date_of(self.valid_from),
            card_valid_to=_date_of(self.valid_to),
            card_long_term=self.long_term.isChecked(),
            building_id=building_id,
            unit=self.unit.value(),
            room=self.room.text(),
            relation_to_head=self.relation.currentText() if building_id is not None else "",
            photo=self.photo.image,
        )

    def accept(self) -> None:
        try:
            with self.ctx.db.sessions.begin() as session:
                resident = register_resident(session, self.new_resident(), actor=self.ctx.user.username)
                self.registered_id = resident.id_number
        except RegistrationError as exc:
            self.error.setText(str(exc))
            return
        super().accept()


def _date_edit(value) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setSpecialValueText("未填写")
    edit.setMinimumDate(QDate(1900, 1, 1))
    edit.setDate(QDate(value.year, value.month, value.day) if value else edit.minimumDate())
    return edit


def _date_of(edit: QDateEdit):
    if edit.date() == edit.minimumDate():
        return None
    return edit.date().toPython()
