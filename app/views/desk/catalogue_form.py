"""The edit form of 事项管理: one item's name, category, materials (an editable, reorderable list),
time limit, department, kiosk flag, certificate template, basis and notes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.cases.catalogue_admin import MAX_PROMISED_DAYS, CatalogueRow, CategoryChoice, ItemDraft

EDITABLE = (
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsEditable
    | Qt.ItemFlag.ItemIsDragEnabled
)


class MaterialsEditor(QWidget):
    """The materials an item requires, in the order the desk ticks them: add, remove, move."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setDragDropMode(QListWidget.DragDropMode.InternalMove)
        self.list.setMinimumHeight(140)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.list, 1)
        buttons = QVBoxLayout()
        self.add_button = QPushButton("添加")
        self.remove_button = QPushButton("删除")
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(lambda: self.add("新材料", edit=True))
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))

    def set_materials(self, materials: tuple[str, ...]) -> None:
        self.list.clear()
        for material in materials:
            self.add(material)
        self.list.setCurrentRow(-1)

    def materials(self) -> tuple[str, ...]:
        return tuple(self.list.item(row).text() for row in range(self.list.count()))

    def add(self, text: str, *, edit: bool = False) -> None:
        item = QListWidgetItem(text)
        item.setFlags(EDITABLE)
        self.list.addItem(item)
        self.list.setCurrentItem(item)
        if edit:
            self.list.editItem(item)

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)


class ItemForm(QWidget):
    def __init__(self, categories: list[CategoryChoice], templates: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.templates = templates
        form = QFormLayout(self)
        self.code = QLineEdit()
        self.code.setPlaceholderText("如 ZM-101")
        self.name = QLineEdit()
        self.category = QComboBox()
        for choice in categories:
            self.category.addItem(choice.name, choice.code)
        self.materials = MaterialsEditor()
        self.days = QSpinBox()
        self.days.setRange(0, MAX_PROMISED_DAYS)
        self.days.setSpecialValueText("即办")
        self.days.setSuffix(" 个工作日")
        self.department = QLineEdit()
        self.self_service = QCheckBox("可在自助终端办理")
        self.template = QComboBox()
        self.basis = QPlainTextEdit()
        self.basis.setFixedHeight(70)
        self.notes = QLineEdit()
        form.addRow("事项编码", self.code)
        form.addRow("事项名称", self.name)
        form.addRow("类别", self.category)
        form.addRow("所需材料", self.materials)
        form.addRow("承诺时限", self.days)
        form.addRow("承办部门", self.department)
        form.addRow("自助终端", self.self_service)
        form.addRow("证明模板", self.template)
        form.addRow("办理依据", self.basis)
        form.addRow("备注", self.notes)
        self.clear()

    def _fill_templates(self, current: str | None) -> None:
        self.template.clear()
        self.template.addItem("（不开具证明）", None)
        codes = [code for code, _title in self.templates]
        for code, title in self.templates:
            self.template.addItem(f"{title}（{code}）", code)
        if current and current not in codes:
            self.template.addItem(f"{current}（模板已停用）", current)
        self.template.setCurrentIndex(max(0, self.template.findData(current)) if current else 0)

    def clear(self) -> None:
        """An empty form for a new item."""
        self.code.clear()
        self.code.setReadOnly(False)
        for field in (self.name, self.department, self.notes):
            field.clear()
        self.basis.clear()
        self.category.setCurrentIndex(0)
        self.materials.set_materials(())
        self.days.setValue(0)
        self.self_service.setChecked(False)
        self._fill_templates(None)

    def show_row(self, row: CatalogueRow) -> None:
        draft = row.draft
        self.code.setText(row.code)
        self.code.setReadOnly(True)
        self.name.setText(draft.name)
        self.category.setCurrentIndex(max(0, self.category.findData(draft.category_code)))
        self.materials.set_materials(draft.materials)
        self.days.setValue(draft.promised_days)
        self.department.setText(draft.department)
        self.self_service.setChecked(draft.self_service)
        self._fill_templates(draft.template_code)
        self.basis.setPlainText(draft.basis)
        self.notes.setText(draft.notes)

    def draft(self) -> ItemDraft:
        return ItemDraft(
            name=self.name.text(),
            category_code=self.category.currentData() or "",
            materials=self.materials.materials(),
            promised_days=self.days.value(),
            department=self.department.text(),
            self_service=self.self_service.isChecked(),
            template_code=self.template.currentData(),
            basis=self.basis.toPlainText(),
            notes=self.notes.text(),
        )
