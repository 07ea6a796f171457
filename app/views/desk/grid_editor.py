"""The right side of 网格管理: one grid's record, its party branch, staff and buildings.

The grid's own fields and its party branch are edited in place and written by 保存 (Ctrl+S) in one
transaction and one audit entry; 撤销修改 brings back what is stored. Staff are added, changed
and removed through a small dialog, each change saved at once. Refused values are marked on their
field and explained under the form; nothing is lost while the person corrects them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models.base import as_local
from app.services.grids import places as grids
from app.services.grids.rules import GRID_FIELDS, MAX_LENGTH, PARTY_FIELDS, GridEditError
from app.views.desk import staff_dialog
from app.views.desk.context import DeskContext
from app.views.desk.grid_models import THUMB, BuildingTableModel, StaffTableModel

ERROR_STYLE = "border: 1px solid #b42318; background: #fff5f4;"
CHIP = "QLabel {{ background: {bg}; color: {fg}; border-radius: 10px; padding: 3px 10px; }}"


class GridEditor(QWidget):
    saved = Signal(str)  # grid code after a save, a staff change or a removal

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.detail: grids.GridDetail | None = None

        self.title = QLabel("请在左侧选择一个网格")
        font = self.title.font()
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        self.title.setFont(font)
        self.board_chip = QLabel()
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.board_chip)

        self.fields: dict[str, QWidget] = {}
        basics = QGroupBox("基本信息")
        basics_form = QFormLayout(basics)
        self.code = self._line("code")
        self.name = self._line("name")
        self.star = QSpinBox()
        self.star.setRange(0, 5)
        self.star.setSuffix(" 星")
        self.star.setSpecialValueText("未评星")
        self.fields["star_rating"] = self.star
        self.area = QDoubleSpinBox()
        self.area.setRange(0, 100)
        self.area.setDecimals(2)
        self.area.setSingleStep(0.01)
        self.area.setSuffix(" 平方公里")
        self.area.setSpecialValueText("未填写")
        self.fields["area_km2"] = self.area
        self.hotline = self._line("hotline", "如 0919-3188000 或手机号")
        self.counts = QLabel()
        self.counts.setToolTip("由人口库计算，不能手工修改")
        for label, widget in (("网格编码", self.code), ("网格名称", self.name), ("星级网格", self.star),
                              ("面积", self.area), ("服务电话", self.hotline), ("户数 / 人数", self.counts)):  # fmt: skip
            basics_form.addRow(label, widget)

        bounds = QGroupBox("四至边界与范围")
        bounds_form = QFormLayout(bounds)
        for field in ("boundary_east", "boundary_south", "boundary_west", "boundary_north"):
            bounds_form.addRow(GRID_FIELDS[field], self._line(field, f"如 {GRID_FIELDS[field]}红旗街"))
        self.coverage = QPlainTextEdit()
        self.coverage.setFixedHeight(54)
        self.coverage.setPlaceholderText("网格覆盖的小区、楼栋和沿街商铺")
        self.fields["coverage"] = self.coverage
        bounds_form.addRow("范围", self.coverage)

        party = QGroupBox("党组织（社区党组织—网格党支部—楼栋党小组—党员中心户）")
        party_form = QHBoxLayout(party)
        for field, hint in (("party_branch", "如 第1网格党支部"), ("party_secretary", "姓名"),
                            ("party_secretary_phone", "手机号")):  # fmt: skip
            party_form.addWidget(QLabel(PARTY_FIELDS[field]))
            party_form.addWidget(self._line(field, hint), 2 if field == "party_branch" else 1)

        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b42318;")
        self.revert_button = QPushButton("撤销修改")
        self.save_button = QPushButton("保存 (Ctrl+S)")
        self.save_button.setDefault(True)
        self.revert_button.clicked.connect(self.revert)
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        actions = QHBoxLayout()
        actions.addWidget(self.error, 1)
        actions.addWidget(self.revert_button)
        actions.addWidget(self.save_button)

        self.staff_model = StaffTableModel(self)
        self.staff_table = _table(self.staff_model, stretch=6)
        self.staff_table.verticalHeader().setDefaultSectionSize(THUMB.height() + 6)
        self.staff_table.setIconSize(THUMB)
        self.staff_table.doubleClicked.connect(lambda _i: self.edit_staff())
        self.add_staff_button = QPushButton("添加人员…")
        self.edit_staff_button = QPushButton("修改…")
        self.remove_staff_button = QPushButton("移除")
        self.add_staff_button.clicked.connect(self.add_staff)
        self.edit_staff_button.clicked.connect(self.edit_staff)
        self.remove_staff_button.clicked.connect(self.remove_staff)
        staff_buttons = QHBoxLayout()
        note = QLabel("1 名网格长 + 9 类专职人员 + X 名志愿者和楼栋长；人员变动会使公示牌待重印，保存即生效")
        note.setStyleSheet("color: #5b6b7a;")
        staff_buttons.addWidget(note, 1)
        for button in (self.add_staff_button, self.edit_staff_button, self.remove_staff_button):
            staff_buttons.addWidget(button)
        staff_page = QWidget()
        staff_layout = QVBoxLayout(staff_page)
        staff_layout.addWidget(self.staff_table, 1)
        staff_layout.addLayout(staff_buttons)
        self.building_model = BuildingTableModel(self)
        self.building_table = _table(self.building_model, stretch=4)
        self.tabs = QTabWidget()
        self.tabs.addTab(staff_page, "网格人员")
        self.tabs.addTab(self.building_table, "楼栋、楼栋长与党员中心户")

        grid = QGridLayout()
        grid.addWidget(basics, 0, 0)
        grid.addWidget(bounds, 0, 1)
        grid.addWidget(party, 1, 0, 1, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(grid)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)
        self.setEnabled(False)

    def _line(self, field: str, hint: str = "") -> QLineEdit:
        edit = QLineEdit()
        if field in MAX_LENGTH:
            edit.setMaxLength(MAX_LENGTH[field])
        edit.setPlaceholderText(hint)
        self.fields[field] = edit
        return edit

    # -- showing -------------------------------------------------------------------------------
    def load(self, code: str) -> None:
        with self.ctx.db.sessions() as session:
            self.detail = grids.grid_detail(session, code, self.ctx.scope)
        self.setEnabled(True)
        self.revert()
        self._show_lists()

    def revert(self) -> None:
        d = self.detail
        if d is None:
            return
        for field, value in d.values().items():
            widget = self.fields[field]
            if field == "star_rating":
                widget.setValue(value)
            elif field == "area_km2":
                widget.setValue(value or 0)
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value)
            else:
                widget.setText(value)
        self._clear_errors()
        self.title.setText(f"{d.community_name} · {d.name}")
        self.counts.setText(f"{d.households:,} 户 / {d.residents:,} 人（{len(d.buildings)} 栋楼）")
        if d.board_outdated:
            wall = f"墙上为第{d.board_printed_version}版" if d.board_printed_version else "从未打印"
            self.board_chip.setText(f"公示牌待重印：第{d.board_version}版，{wall}")
            self.board_chip.setStyleSheet(CHIP.format(bg="#fbe3e1", fg="#a8201a"))
        else:
            when = as_local(d.board_printed_at).strftime("%Y-%m-%d") if d.board_printed_at else ""
            self.board_chip.setText(f"公示牌已是最新：第{d.board_version}版 {when}".strip())
            self.board_chip.setStyleSheet(CHIP.format(bg="#e3f1e6", fg="#1d6b3a"))

    def _show_lists(self) -> None:
        d = self.detail
        self.staff_model.set_rows(list(d.staff))
        self.building_model.set_rows(list(d.buildings))
        self.tabs.setTabText(0, f"网格人员（{len(d.staff)}）")
        self.tabs.setTabText(1, f"楼栋、楼栋长与党员中心户（{len(d.buildings)}）")

    def current_values(self) -> dict:
        values = {}
        for field, widget in self.fields.items():
            if field == "star_rating":
                values[field] = widget.value()
            elif field == "area_km2":
                values[field] = widget.value() or None
            elif isinstance(widget, QPlainTextEdit):
                values[field] = widget.toPlainText()
            else:
                values[field] = widget.text()
        return values

    def changes(self) -> dict:
        """The fields the person changed since the grid was loaded."""
        if self.detail is None:
            return {}
        stored = self.detail.values()
        if stored["area_km2"] is not None:  # the spin box shows two decimals; an import may store more
            stored["area_km2"] = round(stored["area_km2"], 2) or None
        return {f: v for f, v in self.current_values().items() if v != stored[f]}

    def is_dirty(self) -> bool:
        return bool(self.changes())

    # -- saving --------------------------------------------------------------------------------
    def save(self) -> bool:
        if self.detail is None:
            return False
        changes = self.changes()
        self._clear_errors()
        if not changes:
            self._message("没有需要保存的修改", ok=True)
            return True
        try:
            with self.ctx.db.sessions.begin() as session:
                lines = grids.update_grid(session, self.detail.code, changes, self.ctx.user.username)
                code = changes.get("code", self.detail.code)
        except GridEditError as exc:
            for field in exc.errors:
                if field in self.fields:
                    self.fields[field].setStyleSheet(ERROR_STYLE)
            self.error.setText("未保存：" + "；".join(exc.errors.values()))
            return False
        self.load(code)
        self._message(
            f"已保存（{len(lines)}项修改，已记入操作日志）" if lines else "没有需要保存的修改", ok=True
        )
        self.saved.emit(code)
        return True

    def _clear_errors(self) -> None:
        for widget in self.fields.values():
            widget.setStyleSheet("")
        self.error.clear()

    def _message(self, text: str, *, ok: bool) -> None:
        self.error.setStyleSheet("color: #1d6b3a;" if ok else "color: #b42318;")
        self.error.setText(text)

    # -- staff ---------------------------------------------------------------------------------
    def _selected_staff(self) -> grids.StaffRow | None:
        index = self.staff_table.currentIndex()
        return self.staff_model.staff(index.row()) if index.isValid() else None

    def add_staff(self) -> None:
        self._open_staff(None)

    def edit_staff(self) -> None:
        staff = self._selected_staff()
        if staff is not None:
            self._open_staff(staff)

    def _open_staff(self, staff: grids.StaffRow | None) -> None:
        if self.detail is None:
            return
        dialog = staff_dialog.StaffDialog(
            self.ctx, self.detail.code, list(self.detail.buildings), staff, self
        )
        if dialog.exec():
            self._staff_changed(f"已保存人员 {dialog.name.text().strip()}")

    def remove_staff(self) -> None:
        staff = self._selected_staff()
        if staff is None or self.detail is None:
            return
        answer = QMessageBox.question(self, "移除人员", f"从{self.detail.name}移除{staff.role_name} {staff.name}？"
                                      "\n公示牌将列入待重印。")  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            with self.ctx.db.sessions.begin() as session:
                grids.remove_staff(session, staff.id, actor=self.ctx.user.username)
        except GridEditError as exc:
            self._message(str(exc), ok=False)
            return
        self._staff_changed(f"已移除 {staff.name}")

    def _staff_changed(self, message: str) -> None:
        """Reload the lists and the board state, keeping unsaved edits of the form."""
        unsaved = self.changes()
        self.load(self.detail.code)
        for field, value in unsaved.items():
            widget = self.fields[field]
            if field in ("star_rating", "area_km2"):
                widget.setValue(value or 0)
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value)
            else:
                widget.setText(value)
        self._message(message + "，公示牌已列入待重印", ok=True)
        self.saved.emit(self.detail.code)


def _table(model, *, stretch: int) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    return table
