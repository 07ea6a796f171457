"""The 统计 tab as a person uses it: open the tab, choose a period, read the figures, click one and
see the list behind it; a grid worker chooses only among their own grids."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from app.models import AuditEntry
from app.services.admin.scope import scope_for
from app.views.desk.context import StaffUser
from app.views.desk.main_window import DeskWindow
from app.views.desk.stats_page import StatsPage
from app.views.desk.stats_rows_dialog import FigureRowsDialog
from app.views.desk_app import application, desk_context
from app.views.ops import ImmediateRunner
from tests.conftest import DEMO_TODAY


def _page(qtbot, db, user: StaffUser | None = None) -> StatsPage:
    user = user or StaffUser("houtai", "王芳", "back_office")
    application()
    ctx = desk_context(db, user, runner=ImmediateRunner())  # a grid worker's scope: their grids
    page = StatsPage(ctx, today=lambda: DEMO_TODAY)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    return page


def _row(table, label: str) -> int:
    model = table.model()
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == label:
            return row
    raise AssertionError(f"{label} not in the table")


def _click(qtbot, table, row: int, column: int) -> None:
    index = table.model().index(row, column)
    table.scrollTo(index)
    rect = table.visualRect(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _dialogs() -> list[FigureRowsDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, FigureRowsDialog) and w.isVisible()]


def test_choose_a_period_read_the_figures_and_open_the_cases_behind_one(qtbot, demo_history_db):
    page = _page(qtbot, demo_history_db)
    page.show()
    qtbot.waitExposed(page)
    assert "2026年11月" in page.status.text()  # shown at once, for this month
    page.period_box.setCurrentText("上月")
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    assert page.status.text().startswith("2026年10月　全部网格")
    totals = page.cases.totals
    row = _row(totals, "受理办件数")
    received = int(totals.model().index(row, 1).data().replace(",", ""))
    assert received > 0 and f"受理 {received:,} 件" in page.status.text()
    _click(qtbot, totals, row, 1)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "统计明细：受理办件数　2026年10月"
    assert dialog.model.rowCount() == received
    assert f"共 {received:,} 条" in dialog.heading.text()
    first_day = dialog.model.index(0, 1).data()
    assert first_day.startswith("2026-10")
    with demo_history_db.sessions() as session:
        actions = list(
            session.scalars(
                select(AuditEntry.action).where(AuditEntry.actor == "houtai").order_by(AuditEntry.id)
            )
        )
    assert actions[-3:] == ["report_view", "report_view", "report_rows"]  # shown, counted again, listed


def test_a_custom_range_a_group_and_the_trend_open_their_lists(qtbot, demo_history_db):
    page = _page(qtbot, demo_history_db)
    page.period_box.setCurrentText("自定义")
    assert page.start_edit.isEnabled()
    page.start_edit.setDate(dt.date(2026, 9, 1))
    page.end_edit.setDate(dt.date(2026, 9, 30))
    page.run_button.click()
    assert page.report is not None and page.report.period.label == "2026年9月"
    page.sections.setCurrentWidget(page.cases)
    page.cases.grouping.setCurrentIndex(page.cases.grouping.findData("channel"))
    groups = page.cases.groups
    row = _row(groups, "12345")
    shown = int(groups.model().index(row, 1).data())
    _click(qtbot, groups, row, 1)
    assert page.dialog.model.rowCount() == shown
    assert {page.dialog.model.index(r, 3).data() for r in range(shown)} == {"12345"}
    page.dialog.close()
    page.sections.setCurrentWidget(page.trend)
    months = page.trend.months
    assert months.model().rowCount() == 12
    last = months.model().index(11, 0).data()
    assert last == "2026-09"
    _click(qtbot, months, 11, 2)  # 办结 of September
    assert page.dialog.windowTitle().startswith("统计明细：办结数（2026-09）")


def test_a_slice_of_the_pie_and_a_band_of_the_pyramid_open_their_lists(qtbot, demo_history_db):
    page = _page(qtbot, demo_history_db)
    page.choose_period("上月")
    page.refresh()
    levels = dict(page.report.satisfaction.levels)
    pie = page.satisfaction.chart.chart.chart().series()[0]
    first = pie.slices()[0]
    first.clicked.emit()  # what a click on the slice does
    assert page.dialog.model.rowCount() == levels["非常满意"]
    band = page.report.population.ages[5]
    pyramid = page.population.chart.chart.chart().series()[0]
    pyramid.barSets()[1].clicked.emit(5)
    assert page.dialog.model.rowCount() == band.female
    assert page.dialog.windowTitle() == f"统计明细：女性在册居民数（{band.label}）"
    counts = [
        a for a in page.population.chart.chart.chart().axes() if a.orientation() == Qt.Orientation.Horizontal
    ]
    labels = [label.strip() for label in counts[0].categoriesLabels()]
    assert labels[0] == labels[-1] and labels[len(labels) // 2] == "0"  # people on both sides, never "-50"
    assert all(label.isdigit() for label in labels)


def test_a_grid_worker_reports_on_their_own_grids_only(qtbot, demo_history_db):
    page = _page(qtbot, demo_history_db, StaffUser("wangge", "赵磊", "grid_worker"))
    with demo_history_db.sessions() as session:
        own = scope_for(session, "wangge").grid_ids
    assert page.grid_box.itemText(0) == "本人负责的网格"
    assert page.grid_box.count() == len(own) + 1
    page.choose_period("上月")
    page.refresh()
    assert "本人负责的网格" in page.status.text()
    page.grid_box.setCurrentIndex(1)
    page.refresh()
    code = page.grid_box.currentData()
    assert f"网格 {code}" in page.status.text()
    assert [g.code for g in page.report.population.grids] == [code]


def test_the_tab_is_in_the_desk_and_a_case_in_a_list_opens_its_detail(qtbot, demo_history_db, monkeypatch):
    application()
    desk = DeskWindow(
        desk_context(demo_history_db, StaffUser("houtai", "王芳", "back_office"), runner=ImmediateRunner())
    )
    qtbot.addWidget(desk)
    opened: list[str] = []
    monkeypatch.setattr(desk, "open_case", opened.append)
    desk.stats.case_opened.disconnect()
    desk.stats.case_opened.connect(desk.open_case)
    desk.stats.today = lambda: DEMO_TODAY
    desk.stats.choose_period("上月")
    desk.tabs.setCurrentWidget(desk.stats)
    desk.show()
    totals = desk.stats.cases.totals
    _click(qtbot, totals, _row(totals, "办结数"), 1)
    dialog = desk.stats.dialog
    index = dialog.model.index(0, 0)
    rect = dialog.table.visualRect(index)
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [index.data()]


@pytest.mark.parametrize("section", [0, 1, 2, 3, 4, 5])
def test_screenshots_at_1366x768(qtbot, demo_history_db, tmp_path, section):
    page = _page(qtbot, demo_history_db)
    page.resize(1366, 700)
    page.show()
    page.choose_period("上月")
    page.refresh()
    page.sections.setCurrentIndex(section)
    qtbot.waitExposed(page)
    shown = page.sections.currentWidget()
    panes = [w for w in shown.findChildren(QWidget) if type(w).__name__ == "ChartPane"]
    assert all(pane.chart is not None and pane.chart.isVisible() for pane in panes)  # drawn, not blank
    image = page.grab()
    assert image.save(str(tmp_path / f"stats-{section}.png"))
    assert image.width() == 1366


def test_the_report_is_exported_from_the_tab_as_a_workbook_and_a_pdf(
    qtbot, demo_history_db, tmp_path, monkeypatch
):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    page = _page(qtbot, demo_history_db)
    page.choose_period("上月")
    for name, kind in (("报表.xlsx", "Excel 工作簿（含图表） (*.xlsx)"), ("报表.pdf", "PDF 文件 (*.pdf)")):
        target = tmp_path / name
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, k=kind, **kw: (str(t), k))
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
        assert page.status.text() == f"已导出2026年10月统计报表到 {target}"
        assert target.exists()
    assert len(load_workbook(tmp_path / "报表.xlsx")["趋势"]._charts) == 1


def test_the_monthly_report_is_made_from_the_tab_with_notes(qtbot, demo_history_db, tmp_path):
    from openpyxl import load_workbook

    from app.models import MonthlyReport

    page = _page(qtbot, demo_history_db)
    assert page.monthly_button.isVisibleTo(page)
    qtbot.mouseClick(page.monthly_button, Qt.MouseButton.LeftButton)
    dialog = page.monthly_dialog
    assert dialog.month() == "2026-10"  # the month just ended
    dialog.notes.insertPlainText("本月召开居民议事会2次")  # Chinese arrives through the input method
    dialog.make(tmp_path / "月报.xlsx")
    assert "2026-10 月度工作报表第2版已生成" in dialog.result_label.text()
    overview = load_workbook(tmp_path / "月报.xlsx")["概况"]
    assert overview["A1"].value.endswith("月度工作报表")
    assert "本月召开居民议事会2次" in [row[0].value for row in overview.iter_rows()]
    dialog.save_file.setChecked(False)
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert "第3版已生成，将在下次同步时报送街道" in dialog.result_label.text()
    with demo_history_db.sessions() as session:
        row = session.query(MonthlyReport).filter_by(month="2026-10").one()
    assert (row.version, row.sent_version) == (3, 0)  # the demo made the first
    dialog.resize(620, 420)
    assert dialog.grab().save(str(tmp_path / "monthly.png"))


def test_a_grid_worker_has_no_monthly_report_button(qtbot, demo_history_db):
    page = _page(qtbot, demo_history_db, StaffUser("wangge", "赵磊", "grid_worker"))
    assert not page.monthly_button.isVisibleTo(page)


def test_community_life_shows_its_figures_flags_a_silent_branch_and_opens_the_wishes(qtbot, demo_history_db):
    page = _page(qtbot, demo_history_db)
    page.show()
    qtbot.waitExposed(page)
    page.period_box.setCurrentText("本年")
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    page.sections.setCurrentWidget(page.community)
    assert page.sections.tabText(page.sections.currentIndex()) == "社区治理与党建"
    section = page.community
    assert section.warning.isVisible() and "未开展组织生活的支部" in section.warning.text()
    assert "2026-10" in section.warning.text()  # the month before the report's day
    table = section.figures
    model = table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == "收到微心愿数")
    posted = int(model.index(row, 2).data().replace(",", ""))
    assert posted > 0
    _click(qtbot, table, row, 2)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle().startswith("统计明细：收到微心愿数")
    assert dialog.model.rowCount() == posted
