"""批量开具: one form for a filtered list of residents (e.g. 高龄津贴申请审批表 for everyone aged
80 or over), issued on a worker thread with a progress bar and a Cancel button. All or nothing:
a cancelled or failed batch registers nothing."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
)

from app.services.certificates.issue import (
    BatchCancelled,
    CertificateRenderer,
    IssuedBatch,
    IssuedCertificate,
    issue_batch,
)
from app.services.certificates.listing import active_templates, staff_fields
from app.services.certificates.register import CertificateError
from app.services.population.selection import ResidentFilter, filter_choices, matching_residents
from app.views.desk.context import DeskContext
from app.views.ops import Op, Progress


class BatchDialog(QDialog):
    def __init__(self, ctx: DeskContext, parent=None, *, renderer: CertificateRenderer | None = None):
        super().__init__(parent)
        self.ctx = ctx
        if renderer is None:  # reportlab loads with the first batch, not at the desk's start
            from app.printing.certificates.renderer import PDF_RENDERER as renderer
        self.renderer = renderer
        self.op: Op[IssuedBatch] | None = None
        self.serials: list[str] = []
        self.setWindowTitle("批量开具")
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        self.template = QComboBox()
        self.grid = QComboBox()
        self.tag = QComboBox()
        with ctx.db.sessions() as session:
            templates, choices = active_templates(session), filter_choices(session, ctx.scope)
        for template in templates:
            self.template.addItem(template.title, template.code)
        self.grid.addItem("全部网格", None)
        for grid in choices.grids:
            self.grid.addItem(f"{grid.name}（{grid.code}）", grid.code)
        self.tag.addItem("不限", None)
        for tag in choices.tags:
            self.tag.addItem(tag.name, tag.code)
        self.min_age = QSpinBox()
        self.min_age.setRange(0, 120)
        self.min_age.setValue(80)
        self.min_age.setSuffix(" 岁及以上")
        # What staff fill in, the same on every form of the batch: one labelled box per field of
        # the chosen template, rebuilt when the template changes.
        self.fields_box = QGroupBox("每份相同的填写项（可留空）")
        self.fields_form = QFormLayout(self.fields_box)
        self.field_editors: dict[str, QLineEdit | QComboBox] = {}
        self.progress = QProgressBar()
        self.status = QLabel()
        self.status.setWordWrap(True)
        form.addRow("证明/表格", self.template)
        form.addRow("年龄", self.min_age)
        form.addRow("标签", self.tag)
        form.addRow("网格", self.grid)
        form.addRow(self.fields_box)
        form.addRow(self.progress)
        form.addRow(self.status)
        buttons = QHBoxLayout()
        self.start_button = QPushButton("开始")
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton("关闭")
        for button in (self.start_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        form.addRow(buttons)
        self.template.currentIndexChanged.connect(self.load_fields)
        self.load_fields()
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)

    def load_fields(self) -> None:
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)
        self.field_editors = {}
        code = self.template.currentData()
        if code is None:
            return
        with self.ctx.db.sessions() as session:
            fields = staff_fields(session, code)
        for f in fields:
            if f.type == "choice":
                editor: QLineEdit | QComboBox = QComboBox()
                editor.addItem("", None)
                editor.addItems(list(f.choices))
            else:
                editor = QLineEdit()
                editor.setPlaceholderText(f.hint or ("如 2015-03-01" if f.type == "date" else ""))
                if f.limit:
                    editor.setMaxLength(f.limit)
            self.field_editors[f.name] = editor
            self.fields_form.addRow(f.label, editor)
        self.fields_box.setVisible(bool(fields))

    def staff_values(self) -> dict[str, str]:
        """The boxes filled in; an empty one is left to the template's default or the check."""
        values = {}
        for name, editor in self.field_editors.items():
            text = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
            if text.strip():
                values[name] = text.strip()
        return values

    def start(self) -> None:
        db, renderer, actor, scope = self.ctx.db, self.renderer, self.ctx.user.username, self.ctx.scope
        code, values = self.template.currentData(), self.staff_values()
        flt = ResidentFilter(
            min_age=self.min_age.value() or None,
            tag_code=self.tag.currentData(),
            grid_code=self.grid.currentData(),
        )

        def work(progress: Progress) -> IssuedBatch:
            with db.sessions() as session:
                people = matching_residents(session, flt, today=dt.date.today(), scope=scope)
                if not people:
                    raise CertificateError("没有符合条件的居民")
                batch = issue_batch(
                    session,
                    renderer,
                    template_code=code,
                    residents=people,
                    staff_values=values,
                    actor=actor,
                    progress=progress.report,
                    cancelled=progress.cancelled,
                )
                session.commit()
                return batch

        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText("正在开具…")
        self.op = Op(self, work, runner=self.ctx.runner)
        self.op.on_progress(self.show_progress).success(self.finished_batch).failure(self.failed)
        self.op.run()

    def cancel(self) -> None:
        if self.op is not None:
            self.op.cancel()

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def finished_batch(self, batch: IssuedBatch) -> None:
        from app.views.desk.certificate_dialog import show_issued

        self.serials = batch.serials
        self._done(f"已开具 {len(self.serials)} 份：{self.serials[0]} 至 {self.serials[-1]}")
        title = self.template.currentText()
        show_issued(self.ctx, IssuedCertificate(f"{self.serials[0]}等", title, "", "", batch.pdf), self)

    def failed(self, exc: Exception) -> None:
        if isinstance(exc, BatchCancelled | CertificateError):
            self._done(str(exc))
        else:
            self._done(f"批量开具失败，未登记任何证明：{type(exc).__name__}")

    def _done(self, text: str) -> None:
        self.op = None
        self.status.setText(text)
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
