"""查找居民 (Ctrl+F): find a person without the card, by name, pinyin, initials, phone or address.

The list follows the typing after a short pause; every list shown is audited as one entry. Enter
in the box, or Enter or a double click on a row, opens the person with the same audited lookup a
card swipe makes, with the purpose chosen here, and the intake page shows them as after a swipe.
A grid worker finds only the residents of their own grids.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models import RESIDENT_STATES
from app.services.admin.access import mask_phone
from app.services.desk.panel import DeskRecord, lookup_for_desk
from app.services.population.lookup import LookupFailed
from app.services.population.search import (
    ResidentHit,
    ResidentQuery,
    SearchError,
    SearchResult,
    id_number_for,
    list_found,
)
from app.services.population.selection import filter_choices
from app.services.population.tags import all_tags
from app.views.desk.context import DeskContext
from app.views.ops import Op, failure_text
from app.views.row_model import RowTableModel

DEBOUNCE_MS = 250
SEX = {"male": "男", "female": "女"}
PURPOSES = ["前台按姓名/电话/住址查询", "开具证明", "办理业务", "入户走访", "回访核实"]
COLUMNS = [
    ("name", "姓名"),
    ("sex", "性别"),
    ("age", "年龄"),
    ("id_number", "身份证号"),
    ("phone", "联系电话"),
    ("address", "住址"),
    ("state_name", "状态"),
]


class _ResultTable(QTableView):
    """Enter on a row opens it, as a double click does."""

    chosen = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 — Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.chosen.emit()
            return
        super().keyPressEvent(event)


class SearchDialog(QDialog):
    resident_opened = Signal(object)  # DeskRecord, after the audited lookup

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("查找居民")
        self.resize(980, 560)
        self._searches = 0  # numbers each search: only the latest one's answer is shown
        self.full_phone = ctx.user.sees_full_id_numbers

        self.box = QLineEdit()
        self.box.setPlaceholderText("姓名、拼音或首字母（如 zw）、电话（至少4位）、住址（如 3号楼2单元502）")
        font = self.box.font()
        font.setPointSize(font.pointSize() + 3)
        self.box.setFont(font)
        self.grid = QComboBox()
        self.tag = QComboBox()
        self.state = QComboBox()
        self.purpose = QComboBox()
        self.purpose.setEditable(True)
        self.purpose.addItems(PURPOSES)
        self.grid.addItem("全部网格", None)
        self.tag.addItem("全部标签", None)
        self.state.addItem("全部状态", None)
        with ctx.db.sessions() as session:
            for choice in filter_choices(session).grids:
                self.grid.addItem(f"{choice.name}（{choice.code}）", choice.code)
            for tag in all_tags(session):
                self.tag.addItem(tag.name, tag.code)
        for code, name in RESIDENT_STATES.items():
            self.state.addItem(name, code)

        filters = QHBoxLayout()
        for label, widget in (("网格", self.grid), ("标签", self.tag), ("状态", self.state)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget, 1)
        filters.addWidget(QLabel("查询目的"))
        filters.addWidget(self.purpose, 2)

        self.model = RowTableModel(COLUMNS, self._shown, self)
        self.table = _ResultTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COLUMNS.index(("address", "住址")), QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.open_current())
        self.table.chosen.connect(self.open_current)
        self.status = QLabel("输入后自动查找；回车或双击打开居民（查看将记入查询日志）")
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.search)
        self.box.textChanged.connect(lambda _text: self.timer.start())
        self.box.returnPressed.connect(self.open_first)
        for combo in (self.grid, self.tag, self.state):
            combo.currentIndexChanged.connect(lambda _i: self.timer.start())
        self.box.setFocus()

    # --- searching ---------------------------------------------------------------------------
    def query(self) -> ResidentQuery:
        return ResidentQuery(
            self.box.text(), self.grid.currentData(), self.tag.currentData(), self.state.currentData()
        )

    def search(self) -> None:
        self.timer.stop()
        query = self.query()
        if not query.text.strip() and not query.filtered:
            self._searches += 1
            self.model.set_rows([])
            self.say("请输入姓名、拼音、电话或住址")
            return
        db, scope, actor = self.ctx.db, self.ctx.scope, self.ctx.user.username
        self._searches += 1
        ticket = self._searches

        def work() -> SearchResult:
            with db.sessions.begin() as session:
                return list_found(session, query, scope=scope, actor=actor)

        Op(self, work, runner=self.ctx.runner).success(partial(self._found, ticket)).failure(
            partial(self._failed, ticket)
        ).run()

    def _found(self, ticket: int, result: SearchResult) -> None:
        if ticket != self._searches:
            return
        self.model.set_rows(list(result.hits))
        if result.hits:
            self.table.selectRow(0)
        if not result.hits:
            self.say("没有找到符合条件的居民")
        elif result.more:
            self.say(f"结果较多，只显示前{len(result.hits)}人，请输入更多内容或选择网格缩小范围")
        else:
            self.say(f"找到{len(result.hits)}人。回车或双击打开（↓ 选择）")

    def _failed(self, ticket: int, exc: Exception) -> None:
        if ticket == self._searches:
            self.model.set_rows([])
            self.say(str(exc) if isinstance(exc, SearchError) else failure_text(exc), error=True)

    def _shown(self, hit: ResidentHit, key: str) -> str:
        if key == "sex":
            return SEX.get(hit.sex, "")
        if key == "phone":
            return hit.phone if self.full_phone else mask_phone(hit.phone)
        return str(getattr(hit, key))

    # --- opening a person --------------------------------------------------------------------
    def open_first(self) -> None:
        if self.timer.isActive():
            self.search()  # Enter before the pause: the list for what is typed now
        if self.model.rowCount():
            self.table.selectRow(max(self.table.currentIndex().row(), 0))
            self.open_current()

    def open_current(self) -> None:
        row = self.table.currentIndex().row()
        if not 0 <= row < len(self.model.rows):
            return
        hit: ResidentHit = self.model.rows[row]
        purpose = self.purpose.currentText().strip() or PURPOSES[0]
        db, scope, actor = self.ctx.db, self.ctx.scope, self.ctx.user.username

        def work() -> DeskRecord:
            with db.sessions.begin() as session:
                number = id_number_for(session, hit.resident_id, scope=scope)
                return lookup_for_desk(session, number, actor=actor, purpose=purpose)

        Op(self, work, runner=self.ctx.runner).success(self._opened).failure(self._not_opened).run()

    def _opened(self, record: DeskRecord) -> None:
        self.resident_opened.emit(record)
        self.accept()

    def _not_opened(self, exc: Exception) -> None:
        known = isinstance(exc, SearchError | LookupFailed)
        self.say(str(exc) if known else failure_text(exc), error=True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Down and self.box.hasFocus() and self.model.rowCount():
            self.table.setFocus()  # the first row is already chosen: ↓ again moves on
            return
        super().keyPressEvent(event)

    def say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b42318; font-weight: bold;" if error else "")
