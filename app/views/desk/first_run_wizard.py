"""The first-run assistant (首次设置): opens instead of the sign-in when the database holds no
street. Street → community → first administrator → grids workbook → residents workbook → summary;
each workbook is checked (a dry run on a scratch copy) and its refused rows listed before 下一步
is allowed, unless the step is skipped. 完成 writes everything; then the sign-in opens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from app.db import Database
from app.services.setup.first_run import (
    FileCheck,
    FirstRun,
    FirstRunDone,
    check_grids_file,
    check_residents_file,
    complete_first_run,
)
from app.views.desk.first_run_pages import AdminPage, CommunityPage, StreetPage
from app.views.ops import Op, Runner
from app.views.row_model import RowTableModel


class ImportPage(QWizardPage):
    """Choose a workbook (or skip the step), 检查 it, see its refused rows."""

    def __init__(self, title: str, subtitle: str, check: Callable[[Path], FileCheck], runner: Runner):
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.check = check
        self.runner = runner
        self.result: FileCheck | None = None
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setObjectName("path")
        self.path.setPlaceholderText("选择 .xlsx 文件（空白模板：yichuang import template）")
        self.browse = QPushButton("选择文件…")
        self.check_button = QPushButton("检查")
        self.check_button.setObjectName("check")
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        row.addWidget(self.check_button)
        layout.addLayout(row)
        self.skip = QCheckBox("跳过此步（以后可在命令行或前台导入）")
        self.skip.setObjectName("skip")
        layout.addWidget(self.skip)
        self.verdict = QLabel("选择文件后点“检查”：先检查每一行，完成设置时才写入。")
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        self.model = RowTableModel(
            [("sheet", "工作表"), ("row", "行"), ("reason", "原因")],
            lambda p, key: "整个文件" if key == "row" and not p.row else str(getattr(p, key)),
        )
        self.table = QTableView()
        self.table.setObjectName("problems")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        self.browse.clicked.connect(self.choose_file)
        self.check_button.clicked.connect(self.check_file)
        self.path.textChanged.connect(self.forget_check)
        self.path.returnPressed.connect(self.check_file)
        self.skip.toggled.connect(self.completeChanged)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择工作簿", "", "Excel 工作簿 (*.xlsx)")
        if path:
            self.path.setText(path)
            self.check_file()

    def forget_check(self) -> None:
        self.result = None
        self.model.set_rows([])
        self.completeChanged.emit()

    def check_file(self) -> None:
        text = self.path.text().strip()
        if not text:
            self.verdict.setText("请先选择文件，或勾选“跳过此步”。")
            return
        self.verdict.setText("正在检查…")
        Op(self, lambda: self.check(Path(text)), runner=self.runner).success(self.checked).run()

    def checked(self, result: FileCheck) -> None:
        self.result = result
        self.model.set_rows(list(result.problems))
        self.table.resizeRowsToContents()  # a long reason wraps instead of being cut off
        if result.ok:
            self.verdict.setText(f"检查通过：将导入{result.summary}。")
        else:
            self.verdict.setText(f"有{len(result.problems)}处问题，请在工作簿中修正后重新检查，或跳过此步。")
        self.completeChanged.emit()

    def chosen(self) -> Path | None:
        return None if self.skip.isChecked() else Path(self.path.text().strip())

    def isComplete(self) -> bool:  # noqa: N802 — Qt's name
        return self.skip.isChecked() or (self.result is not None and self.result.ok)


class SummaryPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard):
        super().__init__()
        self.owner = wizard
        self.setTitle("确认")
        self.setSubTitle("点“完成”写入以下设置，然后用管理员账号登录。")
        self.text = QLabel()
        self.text.setObjectName("summary")
        self.text.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.text)

    def initializePage(self) -> None:  # noqa: N802
        plan = self.owner.plan()
        s, c = plan.street, plan.community
        lines = [
            f"街道：{s.name.strip()}（{s.code.strip()}）",
            f"社区：{c.name.strip()}（{c.code.strip()}），编号前缀 {c.prefix.strip().upper()}",
            f"本中心：{c.name.strip()}党群服务中心",
            f"管理员：{plan.admin.username.strip()}",
            f"网格和人员：{self.owner.grids.result.summary if plan.grids_file else '跳过'}",
            f"居民：{self.owner.residents.result.summary if plan.residents_file else '跳过'}",
        ]
        self.text.setText("\n".join(lines))


class FirstRunWizard(QWizard):
    def __init__(self, db: Database, runner: Runner, parent=None):
        super().__init__(parent)
        self.db = db
        self.runner = runner
        self.done_result: FirstRunDone | None = None
        self.setWindowTitle("首次设置 — 党群服务中心一窗受理系统")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.resize(760, 560)
        self.street = StreetPage()
        self.community = CommunityPage(db, self.street)
        self.admin = AdminPage()
        self.grids = ImportPage(
            "网格和网格人员",
            "可选：含“网格”“人员”（以及“社区”）工作表的工作簿。",
            lambda path: check_grids_file(self.street.details(), self.community.details(), path),
            runner,
        )
        self.residents = ImportPage(
            "居民",
            "可选：居民花名册工作簿，居民按网格编码或名称归入上一步的网格。",
            lambda path: check_residents_file(
                self.street.details(), self.community.details(), self.grids.chosen(), path
            ),
            runner,
        )
        self.summary = SummaryPage(self)
        for page in (self.street, self.community, self.admin, self.grids, self.residents, self.summary):
            self.addPage(page)

    def plan(self) -> FirstRun:
        return FirstRun(
            self.street.details(),
            self.community.details(),
            self.admin.admin(),
            self.grids.chosen(),
            self.residents.chosen(),
        )

    def accept(self) -> None:
        plan = self.plan()
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        Op(self, lambda: complete_first_run(self.db, plan), runner=self.runner).success(self._done).failure(
            self._failed
        ).run()

    def _done(self, result: FirstRunDone) -> None:
        self.done_result = result
        super().accept()

    def _failed(self, exc: Exception) -> None:
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        QMessageBox.warning(self, "未能完成设置", str(exc))
