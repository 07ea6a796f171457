"""打印公示牌: choose grids, paper and orientation; render the boards off the GUI thread with a
progress bar and a cancel button; preview, then print or save.

A board counts as reprinted only when the preview reports that it went to a printer or was saved
as a PDF, and only if the grid did not change again while the preview was open (a board that was
edited in between stays on the reprint list).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.printing.boards.pdf import BoardsCancelled, render_boards
from app.printing.qt_bridge import PdfPreviewDialog, PrintError
from app.services.grids import places as grids
from app.services.grids.boards import BoardError, boards_data, mark_previewed_printed
from app.views.desk.context import DeskContext
from app.views.desk.document_dialog import open_preview
from app.views.desk.grid_models import BoardListModel
from app.views.ops import Op, Progress
from app.views.screen_fit import fit_to_screen

PAPERS = [("A4", "A4（210×297 毫米）"), ("A3", "A3（297×420 毫米）")]


class RenderedBoards(NamedTuple):
    pdf: bytes
    versions: dict[str, int]  # grid code -> the board version printed on its page
    paper: str
    orientation: str


class BoardPrintDialog(QDialog):
    boards_printed = Signal(list)  # grid codes now marked printed

    def __init__(self, ctx: DeskContext, *, checked: list[str] | None = None, parent: QWidget | None = None,
                 today: dt.date | None = None):  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        self.today = today
        self.op: Op[RenderedBoards] | None = None  # the render under way, or the last one
        self.running = False
        self.closed = False
        self.preview: PdfPreviewDialog | None = None
        self.rendered: dict[str, int] = {}  # grid code -> board version in the preview
        self.setWindowTitle("打印网格公示牌")
        fit_to_screen(self, 780, 600)

        self.model = BoardListModel(self, checkable=True)
        with ctx.db.sessions() as session:
            self.model.set_boards(grids.board_rows(session, scope=ctx.scope), set(checked or []))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("筛选社区或网格")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setUniformItemSizes(True)
        self.all_button = QPushButton("全选")
        self.none_button = QPushButton("全不选")
        self.outdated_button = QPushButton("仅待重印")
        self.all_button.clicked.connect(lambda: self._check(b.code for b in self._visible()))
        self.none_button.clicked.connect(lambda: self._check([]))
        self.outdated_button.clicked.connect(
            lambda: self._check(b.code for b in self.model.boards if b.outdated)
        )
        self.model.dataChanged.connect(self._update_count)
        self.model.modelReset.connect(self._update_count)
        self.count = QLabel()
        choose = QGroupBox("选择网格")
        choose_layout = QVBoxLayout(choose)
        choose_layout.addWidget(self.filter)
        choose_layout.addWidget(self.list, 1)
        picks = QHBoxLayout()
        for button in (self.all_button, self.none_button, self.outdated_button):
            picks.addWidget(button)
        picks.addStretch(1)
        picks.addWidget(self.count)
        choose_layout.addLayout(picks)

        self.paper = QComboBox()
        for code, label in PAPERS:
            self.paper.addItem(label, code)
        self.portrait = QRadioButton("纵向")
        self.landscape = QRadioButton("横向")
        self.portrait.setChecked(True)
        self.orientation = QButtonGroup(self)
        self.orientation.addButton(self.portrait)
        self.orientation.addButton(self.landscape)
        orientation_row = QHBoxLayout()
        orientation_row.addWidget(self.portrait)
        orientation_row.addWidget(self.landscape)
        orientation_row.addStretch(1)
        page = QGroupBox("纸张")
        page_form = QFormLayout(page)
        page_form.addRow("纸张大小", self.paper)
        page_form.addRow("方向", orientation_row)
        note = QLabel("每个网格一页。二维码不小于 3.8 厘米，页脚印有打印日期和版本号，便于识别过期的公示牌。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #5b6b7a;")
        page_form.addRow(note)

        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setFormat("%v / %m")
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.generate_button = QPushButton("生成预览")
        self.generate_button.setDefault(True)
        self.cancel_button = QPushButton("取消生成")
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton("关闭")
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)

        body = QHBoxLayout()
        body.addWidget(choose, 3)
        side = QVBoxLayout()
        side.addWidget(page)
        side.addStretch(1)
        body.addLayout(side, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self._update_count()

    # -- choosing ------------------------------------------------------------------------------
    def _visible(self) -> list[grids.BoardRow]:
        rows = (self.proxy.mapToSource(self.proxy.index(r, 0)).row() for r in range(self.proxy.rowCount()))
        return [self.model.boards[r] for r in rows]

    def _check(self, codes) -> None:
        self.model.set_checked(codes)

    def _update_count(self, *_args) -> None:
        chosen = self.model.checked_codes()
        waiting = sum(1 for b in self.model.boards if b.outdated and b.code in self.model.checked)
        self.count.setText(f"已选 {len(chosen)} / {len(self.model.boards)}（其中待重印 {waiting}）")
        self.generate_button.setEnabled(bool(chosen) and not self.running)

    def chosen_codes(self) -> list[str]:
        return self.model.checked_codes()

    def page_setup(self) -> tuple[str, str]:
        return self.paper.currentData(), "landscape" if self.landscape.isChecked() else "portrait"

    # -- rendering -----------------------------------------------------------------------------
    def generate(self) -> None:
        codes = self.chosen_codes()
        if not codes or self.running:
            return
        paper, orientation = self.page_setup()
        db, today, scope = self.ctx.db, self.today or dt.date.today(), self.ctx.scope

        def work(progress: Progress) -> RenderedBoards:
            with db.sessions() as session:
                boards = boards_data(session, codes, today, scope)
            pdf = render_boards(boards, paper=paper, orientation=orientation, progress=progress.report,
                                cancelled=progress.cancelled)  # fmt: skip
            return RenderedBoards(pdf, {b.grid.code: b.board_version for b in boards}, paper, orientation)

        self._set_running(True, len(codes))
        self.status.setText(f"正在生成 {len(codes)} 块公示牌…")
        # Kept before it runs: a runner that works at once reports progress, and perhaps a cancel,
        # before run() returns.
        self.op = Op(self, work, runner=self.ctx.runner).on_progress(self._progress)
        self.op.success(self._rendered).failure(self._failed).run()

    def cancel(self) -> None:
        if self.running and self.op is not None:
            self.op.cancel()
            self.status.setText("正在取消…")

    def _set_running(self, running: bool, total: int = 0) -> None:
        self.running = running
        for widget in (self.list, self.filter, self.all_button, self.none_button, self.outdated_button,
                       self.paper, self.portrait, self.landscape):  # fmt: skip
            widget.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if running:
            self.progress.setRange(0, total)
            self.progress.setValue(0)
            self.progress.show()
        self._update_count()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _failed(self, exc: Exception) -> None:
        self._set_running(False)
        self.progress.hide()
        if isinstance(exc, BoardsCancelled):
            self.status.setText("已取消，未生成公示牌。")
        elif isinstance(exc, BoardError | ValueError):
            self.status.setText(f"无法生成公示牌：{exc}")
        else:
            self.status.setText(f"生成公示牌时出错：{exc}")

    def _rendered(self, result: RenderedBoards) -> None:
        self._set_running(False)
        self.rendered = result.versions
        count, paper = len(result.versions), result.paper
        self.status.setText(
            f"已生成 {count} 块公示牌（{paper}，{'横向' if result.orientation == 'landscape' else '纵向'}）"
        )
        if self.closed:
            return  # the person closed the dialog while the boards were rendering
        try:
            title = f"网格公示牌 — {count} 个网格"
            name = f"公示牌-{count}个网格-{paper}.pdf"
            self.preview = open_preview(
                self.ctx, title, result.pdf, suggested_name=name, parent=self, on_output=self.record_printed
            )
        except PrintError as exc:
            self.status.setText(str(exc))

    def record_printed(self, how: str) -> list[str]:
        """Mark the previewed boards printed, except those changed since they were rendered."""
        with self.ctx.db.sessions.begin() as session:
            fresh = mark_previewed_printed(session, self.rendered, self.ctx.user.username)
        stale = len(self.rendered) - len(fresh)
        text = f"{how}：{len(fresh)} 块公示牌已记为已打印"
        if stale:
            text += f"；{stale} 块在预览期间又有修改，仍列为待重印"
        self.status.setText(text)
        if self.preview is not None:
            self.preview.status.setText(text)
        with self.ctx.db.sessions() as session:
            self.model.set_boards(grids.board_rows(session, scope=self.ctx.scope), self.model.checked)
        self.boards_printed.emit(fresh)
        return fresh

    def reject(self) -> None:
        if self.op is not None:
            self.op.cancel()  # a render still running stops at its next page
        self.closed = True
        super().reject()
