"""网格管理: the street's places as a tree on the left, the chosen grid's record on the right, and
the notice boards that wait for reprinting under the tree.

Selecting a grid (or one of its buildings) opens it in the editor; leaving a grid with unsaved
changes asks first. Grids and staff are imported from .xlsx off the GUI thread; boards are printed
through BoardPrintDialog, which marks them printed only when they really went out.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.services.grids import places as grids
from app.services.imports.grids import GridImportReport, import_grids_and_staff
from app.views.desk.context import DeskContext
from app.views.desk.grid_editor import GridEditor
from app.views.desk.grid_models import (
    BUILDING_ROLE,
    CODE_ROLE,
    KIND_ROLE,
    SEARCH_ROLE,
    BoardListModel,
    GridTreeModel,
)
from app.views.ops import Op


class GridsPage(QWidget):
    boards_changed = Signal()  # a board was outdated or printed

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.current_code = ""
        self._tree: list[grids.CommunityNode] = []

        self.import_button = QPushButton("导入网格和人员…")
        self.import_button.setToolTip("Excel 工作簿：“网格”表和“人员”表，逐行检查，有误则全部不导入")
        self.import_button.clicked.connect(self.choose_import_file)
        self.print_button = QPushButton("打印公示牌…")
        self.print_button.clicked.connect(
            lambda: self.print_boards([self.current_code] if self.current_code else None)
        )
        self.search = QLineEdit()
        self.search.setPlaceholderText("查找网格、编码、楼栋或楼栋长 (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)

        self.tree_model = GridTreeModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.tree_model)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setAutoAcceptChildRows(True)
        self.search.textChanged.connect(self.filter_tree)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.selectionModel().currentChanged.connect(self.on_current_changed)

        self.outdated_model = BoardListModel(self)
        self.outdated_list = QListView()
        self.outdated_list.setModel(self.outdated_model)
        self.outdated_list.setMaximumHeight(150)
        self.outdated_list.doubleClicked.connect(lambda index: self.select_grid(index.data(CODE_ROLE)))
        self.reprint_button = QPushButton("全部重印")
        self.reprint_button.clicked.connect(self.reprint_outdated)
        self.outdated_box = QGroupBox("待重印公示牌")
        outdated_layout = QVBoxLayout(self.outdated_box)
        outdated_layout.addWidget(self.outdated_list)
        reprint_row = QHBoxLayout()
        self.outdated_hint = QLabel()
        self.outdated_hint.setStyleSheet("color: #5b6b7a;")
        reprint_row.addWidget(self.outdated_hint, 1)
        reprint_row.addWidget(self.reprint_button)
        outdated_layout.addLayout(reprint_row)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.print_button)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.tree, 1)
        left_layout.addWidget(self.outdated_box)

        self.editor = GridEditor(ctx)
        self.editor.saved.connect(self.on_grid_saved)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([370, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)
        self._loaded = False  # the tree is read when the tab is first shown, not at start-up

    def showEvent(self, event) -> None:  # noqa: N802 — Qt's name
        super().showEvent(event)
        self.ensure_loaded()

    def ensure_loaded(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        self.reload()
        if not self.current_code:  # open the first grid of the centre's own community
            own = [c for c in self._tree if c.code == self.ctx.community_code] or self._tree
            first = next((g.code for c in own for g in c.grids), "")
            if first:
                self._select(first)

    # -- the tree ------------------------------------------------------------------------------
    def reload(self) -> None:
        with self.ctx.db.sessions() as session:
            tree = grids.grid_tree(session, self.ctx.scope)
            outdated = grids.outdated_boards(session, self.ctx.scope)
        self._tree = tree
        self.tree_model.set_tree(tree)
        self._expand_communities()
        self._show_outdated(outdated)
        if self.current_code:
            self._select(self.current_code)

    def _expand_communities(self) -> None:
        for street_row in range(self.proxy.rowCount()):
            street = self.proxy.index(street_row, 0)
            self.tree.expand(street)
            own = self.ctx.community_name
            for row in range(self.proxy.rowCount(street)):
                community = self.proxy.index(row, 0, street)
                if community.data() == own or self.search.text():
                    self.tree.expand(community)

    def filter_tree(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.tree.expandAll()
        else:
            self.tree.collapseAll()
            self._expand_communities()

    def _show_outdated(self, outdated: list[grids.BoardRow]) -> None:
        self.outdated_model.set_boards(outdated)
        self.outdated_box.setTitle(f"待重印公示牌（{len(outdated)}）")
        self.reprint_button.setEnabled(bool(outdated))
        self.outdated_hint.setText("人员或四至变动后列在这里" if not outdated else "双击查看网格")

    def on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        code = current.data(CODE_ROLE) if current.isValid() else ""
        if not code or code == self.current_code:
            return
        if self.editor.is_dirty() and not self._leave_grid():
            self._select(self.current_code)
            return
        self.current_code = code
        self.editor.load(code)
        if current.data(KIND_ROLE) == "building":
            building_id = current.data(BUILDING_ROLE)
            self.editor.tabs.setCurrentIndex(1)
            for row, building in enumerate(self.editor.building_model.rows):
                if building.id == building_id:
                    self.editor.building_table.selectRow(row)

    def _leave_grid(self) -> bool:
        """Ask what to do with unsaved changes; True when the person may move on."""
        answer = QMessageBox.question(
            self, "未保存的修改", f"“{self.editor.detail.name}”有未保存的修改，是否保存？",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Save:
            return self.editor.save()
        return answer == QMessageBox.StandardButton.Discard

    def select_grid(self, code: str) -> bool:
        """Show the grid ``code`` in the tree and the editor (as a click on it would)."""
        self.ensure_loaded()
        if self.search.text():
            self.search.clear()
        return self._select(code)

    def _select(self, code: str) -> bool:
        index = self.proxy.mapFromSource(self.tree_model.grid_index(code))
        if not index.isValid():
            return False
        self.tree.scrollTo(index)
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        return True

    def on_grid_saved(self, code: str) -> None:
        self.current_code = code
        with self.ctx.db.sessions() as session:
            tree = grids.grid_tree(session, self.ctx.scope)
            outdated = grids.outdated_boards(session, self.ctx.scope)
        self.tree_model.set_tree(tree)
        self._expand_communities()
        self._show_outdated(outdated)
        self.tree.selectionModel().blockSignals(True)
        self._select(code)
        self.tree.selectionModel().blockSignals(False)
        self.boards_changed.emit()

    # -- import --------------------------------------------------------------------------------
    def choose_import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择网格和人员表", "", "Excel 工作簿 (*.xlsx)")
        if path:
            self.run_import(path)

    def run_import(self, path: str) -> None:
        db, actor = self.ctx.db, self.ctx.user.username

        def work() -> GridImportReport:
            with db.sessions() as session:
                return import_grids_and_staff(session, path, actor=actor)

        self.import_button.setEnabled(False)
        self.import_button.setText("正在导入…")
        Op(self, work, runner=self.ctx.runner).success(self._import_done).failure(self._import_failed).run()

    def _import_finished(self) -> None:
        self.import_button.setEnabled(True)
        self.import_button.setText("导入网格和人员…")

    def _import_done(self, report: GridImportReport) -> None:
        self._import_finished()
        self.last_import = report
        lines = [
            f"网格：新增 {report.grids_created}，更新 {report.grids_updated}，未变 {report.grids_unchanged}",
            f"人员：新增 {report.staff_created}，更新 {report.staff_updated}，未变 {report.staff_unchanged}",
        ]
        if report.rejected:
            head = (
                f"有 {len(report.rejected)} 行有误，全部未导入。请改正后重新导入："
                if not report.written
                else ""
            )
            rows = [f"“{r.sheet}”表第{r.row}行：{r.reason}" for r in report.rejected]
            box = QMessageBox(QMessageBox.Icon.Warning, "导入网格和人员", head + "\n" + "\n".join(rows[:15]),
                              parent=self)  # fmt: skip
            if len(rows) > 15:
                box.setDetailedText("\n".join(rows))
        else:
            if report.boards_outdated:
                lines.append(f"{len(report.boards_outdated)} 个网格的公示牌已列入待重印")
            box = QMessageBox(QMessageBox.Icon.Information, "导入网格和人员", "已导入。\n" + "\n".join(lines),
                              parent=self)  # fmt: skip
        self.reload()
        if self.current_code:
            self.editor.load(self.current_code)
        self.boards_changed.emit()
        box.exec()

    def _import_failed(self, exc: Exception) -> None:
        self._import_finished()
        QMessageBox.warning(self, "导入网格和人员", f"导入失败，未写入任何数据：{exc}")

    # -- boards --------------------------------------------------------------------------------
    def print_boards(self, codes: list[str] | None = None, *, start: bool = False):
        """Open the print dialog with ``codes`` ticked (None: every board waiting for a reprint);
        ``start`` goes straight to rendering the preview."""
        from app.views.desk import board_print_dialog

        if codes is None:
            with self.ctx.db.sessions() as session:
                codes = [b.code for b in grids.outdated_boards(session, self.ctx.scope)]
        dialog = board_print_dialog.BoardPrintDialog(self.ctx, checked=codes, parent=self)
        dialog.boards_printed.connect(lambda _codes: self.on_boards_printed())
        if start:
            dialog.generate()
        dialog.exec()
        return dialog

    def reprint_outdated(self):
        """全部重印: every outdated board, straight into the preview."""
        self.ensure_loaded()
        return self.print_boards([b.code for b in self.outdated_model.boards], start=True)

    def on_boards_printed(self) -> None:
        self.reload()
        if self.current_code:
            self.editor.load(self.current_code)
        self.boards_changed.emit()
