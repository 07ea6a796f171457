"""The desk's main window: intake, the case list and the street at a glance, one tab each; the
menu holds the 12345 import and the card-reader settings."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QWidget

from app import __version__
from app.config import database_label
from app.models import ROLES
from app.services.admin.permissions import can
from app.services.admin.security import security_settings
from app.services.cardreaders import CardReader
from app.views.desk.admin_menu import add_admin_actions
from app.views.desk.card_reader import CardPoller, ReaderSettingsDialog, reader_from_settings
from app.views.desk.context import DeskContext
from app.views.desk.hotline_replies_dialog import add_case_loop_actions
from app.views.desk.idle_lock import DeskLock
from app.views.desk.intake_page import IntakePage
from app.views.desk.lazy_tabs import PageTabs
from app.views.desk.population_print import PopulationPrinting
from app.views.desk.sync_indicator import SyncIndicator
from app.views.ops import Op

if TYPE_CHECKING:
    from app.views.desk.appointments_page import AppointmentsPage
    from app.views.desk.case_list import CaseListPanel
    from app.views.desk.certificate_register_page import CertificateRegisterPage
    from app.views.desk.engage_page import EngagePage
    from app.views.desk.grids_page import GridsPage
    from app.views.desk.party_page import PartyPage
    from app.views.desk.stats_page import StatsPage
    from app.views.desk.volunteers_page import VolunteersPage
    from app.views.street_overview import StreetOverviewWidget

SHORTCUTS = """F2  身份证号输入框（刷卡或输入后回车查询）
Ctrl+F  查找居民（姓名、拼音、电话或住址，无需身份证）
F3  事项搜索（拼音首字母、拼音或汉字）
空格  勾选/取消材料
Ctrl+Enter  受理
F8  一次性告知
F9  不予受理
F4  登记新居民（查无此人时）
F6  为当前居民开具证明或表格
Esc  清空，办理下一位"""


GEOMETRY_KEY = "desk/geometry"


class DeskWindow(QMainWindow):
    def __init__(self, ctx: DeskContext, *, reader: CardReader | None = None):
        super().__init__()
        self.ctx = ctx
        self._settings: QSettings | None = None  # where the window's place is kept (see place)
        self.setWindowTitle(f"{ctx.centre_name} — 一窗受理")
        self.resize(1280, 820)
        self.tabs = PageTabs()
        self.intake = IntakePage(ctx)
        self.tabs.addTab(self.intake, "一窗受理")
        self.population_print = PopulationPrinting(ctx, self.intake.panel, self)
        # The other pages are built the first time they are shown (see lazy_tabs).
        self._cases = self.tabs.add_later(self._build_cases, "办件管理")
        self.intake.case_recorded.connect(lambda _no: self._cases.built and self.cases.reload_when_shown())
        self._register = self.tabs.add_later(
            lambda: _page("certificate_register_page").CertificateRegisterPage(ctx), "证明台账"
        )
        self._appointments = self.tabs.add_later(
            lambda: _page("appointments_page").AppointmentsPage(ctx), "今日预约"
        )
        self._stats = self.tabs.add_later(self._build_stats, "统计")
        self._overview = self.tabs.add_later(self._build_overview, "街道概况")
        self._grids = self.tabs.add_later(lambda: _page("grids_page").GridsPage(ctx), "网格管理")
        self._engage = self.tabs.add_later(lambda: _page("engage_page").EngagePage(ctx), "社区治理")
        self._party = self.tabs.add_later(lambda: _page("party_page").PartyPage(ctx), "党建")
        self._volunteers = self.tabs.add_later(
            lambda: _page("volunteers_page").VolunteersPage(ctx), "志愿服务"
        )
        self.setCentralWidget(self.tabs)
        with ctx.db.sessions() as session:
            self.lock = DeskLock(self, ctx, security_settings(session).idle_minutes)
        self.sync = SyncIndicator(ctx.db, self, runner=ctx.runner)
        self.sync.synced.connect(
            lambda report: report.pulled and self._cases.built and self.cases.reload_when_shown()
        )
        self.intake.case_recorded.connect(lambda _no: self.sync.refresh())
        self._build_menu()
        user = ctx.user
        self.reader_status = QLabel()
        self.statusBar().addPermanentWidget(self.sync)
        self.statusBar().addPermanentWidget(self.reader_status)
        self.statusBar().addPermanentWidget(
            QLabel(f"{user.display_name} · {ROLES.get(user.role, user.role)}")
        )
        self.statusBar().addPermanentWidget(QLabel(f"版本 {__version__}"))
        self.statusBar().showMessage(f"{ctx.centre_name}    数据库：{database_label(ctx.db.url)}")
        self.poller: CardPoller | None = None
        self.start_reader(reader if reader is not None else reader_from_settings())
        self.sync.start()

    # --- pages -------------------------------------------------------------------------------
    def _build_cases(self) -> QWidget:
        from app.views.desk.case_list import CaseListPanel

        cases = CaseListPanel(self.ctx)
        cases.case_opened.connect(self.open_case)
        return cases

    def _build_stats(self) -> QWidget:
        from app.views.desk.stats_page import StatsPage

        stats = StatsPage(self.ctx)
        stats.case_opened.connect(self.open_case)
        return stats

    def _build_overview(self) -> QWidget:
        from app.services.admin.stats import street_counts
        from app.views.street_overview import StreetOverviewWidget

        with self.ctx.db.sessions() as session:
            return StreetOverviewWidget(street_counts(session, self.ctx.scope))

    @property
    def cases(self) -> CaseListPanel:
        return self._cases.page()

    @property
    def register(self) -> CertificateRegisterPage:
        return self._register.page()

    @property
    def appointments(self) -> AppointmentsPage:
        return self._appointments.page()

    @property
    def stats(self) -> StatsPage:
        return self._stats.page()

    @property
    def overview(self) -> StreetOverviewWidget:
        return self._overview.page()

    @property
    def grids(self) -> GridsPage:
        return self._grids.page()

    @property
    def engage(self) -> EngagePage:
        return self._engage.page()

    @property
    def party(self) -> PartyPage:
        return self._party.page()

    @property
    def volunteers(self) -> VolunteersPage:
        return self._volunteers.page()

    def on_card(self, card) -> None:
        """A card read while the 志愿服务 tab is open signs its holder in or out; anywhere else
        it is looked up at the window."""
        if self.tabs.currentWidget() is self._volunteers:
            self.volunteers.on_card(card)
        else:
            self.intake.on_card(card)

    def _build_menu(self) -> None:
        work = self.menuBar().addMenu("业务(&W)")
        find = QAction("查找居民…", self)
        find.setShortcut(QKeySequence("Ctrl+F"))
        find.triggered.connect(self.find_resident)
        work.addAction(find)
        hotline = QAction("导入12345工单…", self)
        hotline.triggered.connect(self.import_hotline)
        work.addAction(hotline)
        verify = QAction("核验证明…", self)
        verify.setShortcut(QKeySequence("Ctrl+Shift+V"))
        verify.triggered.connect(self.verify_certificate)
        work.addAction(verify)
        ledger = QAction("导出居民台账…", self)
        ledger.triggered.connect(self.export_resident_ledger)
        work.addAction(ledger)
        boards = QAction("打印公示牌…", self)
        boards.triggered.connect(lambda: self.grids.print_boards())
        work.addAction(boards)
        sync_now = QAction("立即同步", self)
        sync_now.triggered.connect(self.sync.sync_now)
        work.addAction(sync_now)
        work.addSeparator()
        quit_action = QAction("退出", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        work.addAction(quit_action)
        settings = self.menuBar().addMenu("设置(&S)")
        reader = QAction("读卡器…", self)
        reader.triggered.connect(self.configure_reader)
        settings.addAction(reader)
        add_admin_actions(self, settings, self.ctx)
        add_case_loop_actions(self, work, settings, self.ctx)
        if can(self.ctx.user.role, "account.manage"):
            accounts = QAction("账号管理…", self)
            accounts.triggered.connect(self.manage_accounts)
            settings.addAction(accounts)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        keys = QAction("快捷键", self)
        keys.setShortcut(QKeySequence("F1"))
        keys.triggered.connect(lambda: QMessageBox.information(self, "快捷键", SHORTCUTS))
        help_menu.addAction(keys)

    # --- card reader ---------------------------------------------------------------------
    def start_reader(self, reader: CardReader | None) -> None:
        if self.poller is not None:
            self.poller.stop()
            self.poller = None
        if reader is None:
            self.reader_status.setText("读卡：键盘式/手工输入")
            return
        self.poller = CardPoller(reader, parent=self, runner=self.ctx.runner)
        self.poller.card_read.connect(self.on_card)
        self.poller.status_changed.connect(self.reader_status.setText)
        self.poller.start()

    def configure_reader(self) -> None:
        if ReaderSettingsDialog(self).exec():
            self.start_reader(reader_from_settings())

    def verify_certificate(self) -> None:
        from app.views.desk.verify_dialog import VerifyDialog

        VerifyDialog(self.ctx, self).exec()

    def find_resident(self) -> None:
        from app.views.desk.search_dialog import SearchDialog

        dialog = SearchDialog(self.ctx, self)
        dialog.resident_opened.connect(self.intake.show_resident)
        dialog.resident_opened.connect(lambda _record: self.tabs.setCurrentWidget(self.intake))
        dialog.exec()

    # --- cases -----------------------------------------------------------------------------
    def open_case(self, case_no: str) -> None:
        from app.views.desk.case_detail import CaseDetailDialog

        dialog = CaseDetailDialog(self.ctx, case_no, self)
        dialog.case_changed.connect(lambda _no: self.cases.reload())
        dialog.exec()

    def manage_accounts(self) -> None:
        from app.views.desk.accounts_dialog import AccountsDialog

        AccountsDialog(self.ctx, self).exec()

    def export_resident_ledger(self) -> None:
        from app.views.desk.resident_ledger_dialog import ResidentLedgerDialog

        ResidentLedgerDialog(self.ctx, self).exec()

    def import_hotline(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择12345工单文件", "", "工单 (*.xlsx *.csv)")
        if path:
            self.run_hotline_import(path)

    def run_hotline_import(self, path: str) -> None:
        from app.services.imports.hotline import import_hotline_orders

        db, actor = self.ctx.db, self.ctx.user.username

        def work():
            with db.sessions() as session:
                return import_hotline_orders(session, path, actor=actor)

        self.statusBar().showMessage("正在导入12345工单…")
        Op(self, work, runner=self.ctx.runner).success(self._hotline_done).failure(self._hotline_failed).run()

    def _hotline_done(self, report) -> None:
        data = report.as_dict()
        lines = [
            f"新建办件 {data['created']} 件（已分派到网格 {data['routed']} 件，待人工分派 {data['unrouted']} 件）",
            f"重复工单 {data['duplicates']} 条，未导入",
        ]
        rejected = data.get("rejected") or []
        if rejected:
            lines.append(f"有 {len(rejected)} 行无法导入：")
            lines += [f"  第{r['row']}行：{r['reason']}" for r in rejected[:20]]
        self.statusBar().showMessage("12345工单导入完成", 5000)
        self.cases.reload()
        QMessageBox.information(self, "12345工单导入", "\n".join(lines))

    def _hotline_failed(self, exc: Exception) -> None:
        self.statusBar().showMessage("12345工单导入失败", 5000)
        QMessageBox.warning(self, "12345工单导入", f"导入失败，未写入任何工单：{exc}")

    def showEvent(self, event) -> None:  # noqa: N802 — Qt's name
        super().showEvent(event)
        self.intake.focus_id()

    def place(self, settings: QSettings | None = None) -> None:
        """Open as the person left it on this machine, else maximised: at 1366×768 the 受理 row and
        the status bar fit only then."""
        settings = settings or QSettings()
        saved = settings.value(GEOMETRY_KEY)
        if isinstance(saved, QByteArray) and self.restoreGeometry(saved):
            self.show()
        else:
            self.showMaximized()
        self._settings = settings

    def closeEvent(self, event) -> None:  # noqa: N802
        if self._settings is not None:
            self._settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self.sync.stop()
        self.lock.watcher.remove()
        if self.poller is not None:
            self.poller.stop()
        super().closeEvent(event)


def _page(name: str) -> ModuleType:
    """A page's module, imported when the page is first built."""
    return importlib.import_module(f"app.views.desk.{name}")
