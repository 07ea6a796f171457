"""事项管理 (设置 → 事项清单…, administrators only): the catalogue as a table, filtered by category,
disabled items shown on request; the selected item in an edit form; 新增事项, 保存, 停用/启用.

A changed time limit applies to cases accepted from now on: a case keeps the limit and the due
date it was accepted with. A disabled item is no longer offered at the window or the kiosk.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.cases.catalogue_admin import (
    CatalogueRow,
    add_item,
    catalogue_categories,
    catalogue_rows,
    edit_item,
    set_item_active,
)
from app.services.certificates.listing import active_templates
from app.views.desk.catalogue_form import ItemForm
from app.views.desk.context import DeskContext
from app.views.ops import Op, failure_text
from app.views.row_model import RowTableModel

COLUMNS = [
    ("code", "编码"),
    ("name", "事项名称"),
    ("category", "类别"),
    ("days", "承诺时限"),
    ("kiosk", "自助"),
    ("template", "证明模板"),
    ("state", "状态"),
]


def _shown(row: CatalogueRow, key: str) -> str:
    draft = row.draft
    if key == "days":
        return f"{draft.promised_days}个工作日" if draft.promised_days else "即办"
    if key == "kiosk":
        return "是" if draft.self_service else ""
    if key == "template":
        return draft.template_code or ""
    if key == "state":
        return "在用" if row.active else "已停用"
    return str(getattr(row, key))


class CatalogueEditor(QDialog):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("事项管理 — 事项清单")
        self.resize(1200, 720)
        with ctx.db.sessions() as session:
            categories = catalogue_categories(session)
            templates = [(t.code, t.title) for t in active_templates(session)]
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.category = QComboBox()
        self.category.addItem("全部类别", None)
        for choice in categories:
            self.category.addItem(choice.name, choice.code)
        self.show_disabled = QCheckBox("显示已停用事项")
        self.new_button = QPushButton("新增事项")
        self.toggle_button = QPushButton("停用")
        bar.addWidget(QLabel("类别"))
        bar.addWidget(self.category)
        bar.addWidget(self.show_disabled)
        bar.addStretch(1)
        bar.addWidget(self.new_button)
        bar.addWidget(self.toggle_button)
        layout.addLayout(bar)
        splitter = QSplitter()
        self.model = RowTableModel(COLUMNS, _shown, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        splitter.addWidget(self.table)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        self.heading = QLabel()
        self.form = ItemForm(categories, templates)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton("保存")
        self.save_button.setDefault(True)
        side_layout.addWidget(self.heading)
        side_layout.addWidget(self.form, 1)
        side_layout.addWidget(self.message)
        side_layout.addWidget(self.save_button)
        splitter.addWidget(side)
        splitter.setSizes([700, 500])
        layout.addWidget(splitter, 1)
        self.count = QLabel()
        layout.addWidget(self.count)
        self.category.currentIndexChanged.connect(lambda _i: self.reload())
        self.show_disabled.toggled.connect(lambda _on: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_selected())
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.editing: str | None = None  # the code of the item in the form; None: a new item
        self.reload()
        self.start_new()

    # --- the table -----------------------------------------------------------------------------
    def reload(self) -> None:
        with self.ctx.db.sessions() as session:
            rows = catalogue_rows(
                session, category=self.category.currentData(), include_disabled=self.show_disabled.isChecked()
            )
        self.model.set_rows(rows)
        disabled = sum(not r.active for r in rows)
        self.count.setText(f"共 {len(rows)} 项" + (f"（其中已停用 {disabled} 项）" if disabled else ""))

    def selected(self) -> CatalogueRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.rows[indexes[0].row()] if indexes else None

    def select_code(self, code: str) -> None:
        codes = [r.code for r in self.model.rows]
        if code in codes:
            self.table.selectRow(codes.index(code))

    def show_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.editing = row.code
        self.form.show_row(row)
        self.heading.setText(f"修改事项：{row.code} {row.name}" + ("" if row.active else "（已停用）"))
        self.toggle_button.setText("启用" if not row.active else "停用")
        self.toggle_button.setEnabled(True)
        self._say("")

    def start_new(self) -> None:
        self.table.clearSelection()
        self.editing = None
        self.form.clear()
        self.heading.setText("新增事项：填写后点“保存”")
        self.toggle_button.setText("停用")
        self.toggle_button.setEnabled(False)
        self._say("")
        self.form.code.setFocus()

    # --- changes -------------------------------------------------------------------------------
    def save(self) -> None:
        db, actor, draft, code = self.ctx.db, self.ctx.user.username, self.form.draft(), self.editing
        new_code = self.form.code.text()
        before = self.selected()
        days_changed = before is not None and before.draft.promised_days != draft.promised_days

        def work() -> CatalogueRow:
            with db.sessions.begin() as session:
                if code is None:
                    return add_item(session, new_code, draft, actor=actor)
                return edit_item(session, code, draft, actor=actor)

        self.save_button.setEnabled(False)
        verb = "已新增" if code is None else "已保存"
        note = "（新时限只用于今后受理的办件，已受理的办件仍按原时限）" if days_changed else ""
        Op(self, work, runner=self.ctx.runner).success(lambda row: self._saved(row, verb, note)).failure(
            self._failed
        ).run()

    def toggle_active(self) -> None:
        row = self.selected()
        if row is None:
            return
        db, actor = self.ctx.db, self.ctx.user.username

        def work() -> CatalogueRow:
            with db.sessions.begin() as session:
                return set_item_active(session, row.code, not row.active, actor=actor)

        self.toggle_button.setEnabled(False)
        Op(self, work, runner=self.ctx.runner).success(
            lambda changed: self._saved(changed, "已启用" if changed.active else "已停用")
        ).failure(self._failed).run()

    def _saved(self, row: CatalogueRow, verb: str, note: str = "") -> None:
        self.save_button.setEnabled(True)
        if not row.active and not self.show_disabled.isChecked():
            self.show_disabled.setChecked(True)  # reloads; the item stays in sight
        self.reload()
        self.select_code(row.code)
        self._say(f"{verb}：{row.code} {row.name}{note}")

    def _failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        self.toggle_button.setEnabled(self.selected() is not None)
        self._say(failure_text(exc), error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
        self.message.setText(text)
