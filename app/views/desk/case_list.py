"""The case list (办件列表): every case of the centre, filtered by the service, deadlines in colour.

Filtering is the service's job (:func:`app.services.cases.search.find_cases`): every change of the filter
bar asks it again, the search box after a short pause so typing stays smooth. The table itself
only displays rows and sorts them by column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import (
    QDate,
    QItemSelectionModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.admin.auth import staff_names
from app.services.cases.catalogue import CatalogueIndex
from app.services.cases.search import CaseFilter, CaseSearchFailed, community_grids, list_cases
from app.services.cases.workflow import OPEN_STATUSES, STATUSES
from app.services.exports.filters import LedgerFilter
from app.views.desk.case_models import (
    CASE_NO_ROLE,
    COL_APPLICANT,
    COL_CHANNEL,
    COL_DEADLINE,
    COL_DUE,
    COL_GRID,
    COL_ITEM,
    COL_NO,
    COL_RECEIVED,
    COL_STAFF,
    COL_STATUS,
    COL_SUPERVISED,
    ROW_BACKGROUND,
    SORT_ROLE,
    SUPERVISED_MARK,
    CaseTableModel,
)
from app.views.desk.context import DeskContext
from app.views.desk.ledger_export import export_from_desk

OPEN_KEY = "open"
SEARCH_DELAY_MS = 250


class CaseTable(QTableView):
    """The table, with Enter opening the current case like a double-click."""

    activated_case = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.doubleClicked.connect(self._open_index)

    def keyPressEvent(self, event):  # noqa: N802 — Qt name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open_index(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.activated_case.emit(index.data(CASE_NO_ROLE))


class CaseListPanel(QWidget):
    """Filter bar, case table and counts. ``today`` may be given for tests and demos."""

    case_opened = Signal(str)

    def __init__(
        self, ctx: DeskContext, parent: QWidget | None = None, *, today: Callable[[], dt.date] | None = None
    ):
        super().__init__(parent)
        self._ctx = ctx
        self._today = today or dt.date.today
        self._usernames: dict[str, str] = {}  # display name -> username, for the staff field
        self._stale = True  # read (and audited) when first shown, not when the window opens
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.reload)

        self._build_filter_bar()
        self.model = CaseTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = CaseTable()
        self.table.setModel(self.proxy)
        self._setup_table()
        self.table.activated_case.connect(self.case_opened)

        self.count_label = QLabel()
        self.count_label.setObjectName("case_count")
        overdue, soon = ROW_BACKGROUND["overdue"].name(), ROW_BACKGROUND["due_soon"].name()
        legend = QLabel(
            f"底色：<span style='background:{overdue}'>&nbsp;已超期&nbsp;</span> "
            f"<span style='background:{soon}'>&nbsp;即将到期&nbsp;</span>　双击或回车打开办件"
        )
        legend.setStyleSheet("color: #555;")
        self.export_button = QPushButton("导出台账(&E)…")
        self.export_button.setToolTip("按当前的状态、网格和受理日期导出办件台账（Excel 或 PDF）")
        self.export_button.clicked.connect(self.export_ledger)
        footer = QHBoxLayout()
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        footer.addWidget(legend)
        footer.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(self.filter_bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)

        self._load_choices()
        self._connect_filters()
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)
        QShortcut(QKeySequence.StandardKey.Refresh, self, activated=self.reload)

    def showEvent(self, event) -> None:  # noqa: N802 — Qt's name
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload_when_shown(self) -> None:
        """After a change made elsewhere (a new case, a sync): reload now if the list is on screen,
        else when it is next shown, so a list nobody looks at is neither read nor logged."""
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    # -- building ------------------------------------------------------------------------------
    def _build_filter_bar(self) -> None:
        self.status_combo = QComboBox()
        self.status_combo.addItem("全部", "")
        self.status_combo.addItem("全部在办（未办结）", OPEN_KEY)
        for code, name in STATUSES.items():
            self.status_combo.addItem(name, code)
        self.item_combo = QComboBox()
        self.item_combo.setMaxVisibleItems(20)
        self.item_combo.setMinimumContentsLength(14)
        self.item_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.grid_combo = QComboBox()
        self.grid_combo.setMinimumContentsLength(8)
        self.staff_edit = QLineEdit()
        self.staff_edit.setPlaceholderText("首问或承办人")
        self.staff_edit.setClearButtonEnabled(True)
        self.date_check = QCheckBox("受理日期(&D)")
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-30))
        self.date_to = QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.overdue_check = QCheckBox("仅超期(&O)")
        self.supervised_check = QCheckBox("仅督办(&V)")
        self.mine_check = QCheckBox("指派给我(&M)")  # cases assigned to the signed-in grid worker
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("办件编号、申请人姓名或12345工单号（Ctrl+F）")
        self.search_edit.setClearButtonEnabled(True)
        self.clear_button = QPushButton("清空条件(&X)")
        self.clear_button.clicked.connect(self.clear_filters)
        self.refresh_button = QPushButton("刷新(&R)")
        self.refresh_button.setToolTip("F5")
        self.refresh_button.clicked.connect(self.reload)

        def labelled(text: str, widget: QWidget) -> QLabel:
            label = QLabel(text)
            label.setBuddy(widget)
            return label

        bar = QGridLayout()
        bar.setHorizontalSpacing(8)
        bar.addWidget(labelled("状态(&T)", self.status_combo), 0, 0)
        bar.addWidget(self.status_combo, 0, 1)
        bar.addWidget(labelled("事项(&I)", self.item_combo), 0, 2)
        bar.addWidget(self.item_combo, 0, 3)
        bar.addWidget(labelled("网格(&G)", self.grid_combo), 0, 4)
        bar.addWidget(self.grid_combo, 0, 5)
        bar.addWidget(labelled("人员(&U)", self.staff_edit), 0, 6)
        bar.addWidget(self.staff_edit, 0, 7)
        bar.addWidget(self.refresh_button, 0, 8)
        bar.addWidget(labelled("搜索(&F)", self.search_edit), 1, 0)
        bar.addWidget(self.search_edit, 1, 1, 1, 3)
        dates = QHBoxLayout()
        dates.addWidget(self.date_check)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("至"))
        dates.addWidget(self.date_to)
        dates.addSpacing(12)
        dates.addWidget(self.overdue_check)
        dates.addWidget(self.supervised_check)
        dates.addWidget(self.mine_check)
        dates.addStretch(1)
        bar.addLayout(dates, 1, 4, 1, 4)
        bar.addWidget(self.clear_button, 1, 8)
        bar.setColumnStretch(3, 2)
        bar.setColumnStretch(7, 1)
        self.filter_bar = bar

    def _setup_table(self) -> None:
        table = self.table
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(False)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        table.setSortingEnabled(True)
        table.sortByColumn(COL_RECEIVED, Qt.SortOrder.DescendingOrder)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_ITEM, QHeaderView.ResizeMode.Stretch)
        metrics = table.fontMetrics()
        samples = {
            COL_NO: "TY-20261123-0001",
            COL_APPLICANT: "欧阳某某",
            COL_STATUS: "不予受理",
            COL_CHANNEL: "12345热线",
            COL_GRID: "第10网格",
            COL_STAFF: "王磊（后台）",
            COL_RECEIVED: "2026-11-23 16:45",
            COL_DUE: "2026-11-23",
            COL_DEADLINE: "即将到期",
            COL_SUPERVISED: SUPERVISED_MARK,
        }
        for column, sample in samples.items():
            table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 18)

    def _load_choices(self) -> None:
        with self._ctx.db.sessions() as session:
            catalogue = CatalogueIndex.load(session)
            grids = community_grids(session, self._ctx.community_code, self._ctx.scope)
            staff = staff_names(session)
        self.item_combo.addItem("全部事项", "")
        for entry in catalogue.entries:
            self.item_combo.addItem(entry.name, entry.code)
            self.item_combo.setItemData(
                self.item_combo.count() - 1, f"{entry.category} · {entry.code}", Qt.ItemDataRole.ToolTipRole
            )
        self.grid_combo.addItem("全部网格", None)
        for grid in grids:
            self.grid_combo.addItem(grid.label, grid.id)
        self.model.set_staff(staff)
        self._usernames = {name: username for username, name in staff.items()}

    def _connect_filters(self) -> None:
        for combo in (self.status_combo, self.item_combo, self.grid_combo):
            combo.currentIndexChanged.connect(self.reload)
        for check in (self.overdue_check, self.supervised_check, self.mine_check):
            check.toggled.connect(self.reload)
        self.date_check.toggled.connect(self._dates_toggled)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self.search_timer.start)
        self.search_edit.textChanged.connect(self.search_timer.start)
        self.search_edit.returnPressed.connect(self.reload)  # no need to wait after Enter
        self.staff_edit.textChanged.connect(self.search_timer.start)

    # -- filtering -----------------------------------------------------------------------------
    def ledger_filter(self) -> LedgerFilter:
        """The filters a register can take from the bar: status, grid and dates."""
        flt = self.current_filter()
        status = self.status_combo.currentData() or ""
        return LedgerFilter(flt.received_from, flt.received_to, grid_id=flt.grid_id, status=status)

    def export_ledger(self) -> None:
        self.export_button.setEnabled(False)
        if not export_from_desk(
            self, self._ctx, "cases", self.ledger_filter(), self.count_label.setText, done=self._exported
        ):
            self.export_button.setEnabled(True)

    def _exported(self) -> None:
        self.export_button.setEnabled(True)

    def current_filter(self) -> CaseFilter:
        status = self.status_combo.currentData()
        statuses = sorted(OPEN_STATUSES) if status == OPEN_KEY else [status] if status else []
        staff = self.staff_edit.text().strip()
        flt = CaseFilter(
            statuses=statuses,
            item_code=self.item_combo.currentData() or "",
            grid_id=self.grid_combo.currentData(),
            staff=self._usernames.get(staff, staff),
            overdue_only=self.overdue_check.isChecked(),
            supervised_only=self.supervised_check.isChecked(),
            assigned_to=self._ctx.user.username if self.mine_check.isChecked() else "",
            text=self.search_edit.text().strip(),
        )
        if self.date_check.isChecked():
            start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
            flt.received_from, flt.received_to = min(start, end), max(start, end)
        return flt

    def reload(self) -> None:
        """Ask the service again with the current filter, keeping the selected case selected."""
        self.search_timer.stop()
        selected = self.selected_case_no()
        try:
            rows = list_cases(
                self._ctx.db.sessions,
                self.current_filter(),
                today=self._today(),
                actor=self._ctx.user.username,
                scope=self._ctx.scope,
            )
        except CaseSearchFailed as exc:
            self.count_label.setText(f"<span style='color:#b42318'>查询失败：{exc}，请稍后刷新</span>")
            return
        self._stale = False
        self.model.set_rows(rows)
        overdue = sum(1 for r in rows if r.deadline == "overdue")
        self.count_label.setText(f"共 {len(rows)} 件，其中超期 {overdue} 件")
        if selected:
            self.select_case(selected)

    def clear_filters(self) -> None:
        widgets = (
            self.status_combo,
            self.item_combo,
            self.grid_combo,
            self.overdue_check,
            self.supervised_check,
            self.mine_check,
            self.date_check,
            self.search_edit,
            self.staff_edit,
        )
        for widget in widgets:
            widget.blockSignals(True)
        self.status_combo.setCurrentIndex(0)
        self.item_combo.setCurrentIndex(0)
        self.grid_combo.setCurrentIndex(0)
        for check in (self.overdue_check, self.supervised_check, self.mine_check, self.date_check):
            check.setChecked(False)
        self.search_edit.clear()
        self.staff_edit.clear()
        for widget in widgets:
            widget.blockSignals(False)
        self._dates_toggled(False)

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.reload()

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    # -- selection -----------------------------------------------------------------------------
    def selected_case_no(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(CASE_NO_ROLE) if rows else None

    def select_case(self, case_no: str) -> bool:
        source_row = self.model.row_of(case_no)
        if source_row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)
        return True
