"""The first-run assistant on a database made by ``init`` alone, driven as the new centre's
administrator would: every page by keyboard and clicks, a workbook with a refused row that stops
the assistant until it is fixed, then 完成, and the desk titled with the centre's own name."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWizard
from sqlalchemy import select

from app.models import Community, Grid, Resident, Street, User
from app.services.admin.auth import authenticate
from app.views.desk.context import StaffUser
from app.views.desk.first_run_wizard import FirstRunWizard
from app.views.desk.main_window import DeskWindow
from app.views.desk_app import application, desk_context
from app.views.ops import ImmediateRunner
from tests.unit.centre_files import COMMUNITY, STREET, write_grids_workbook, write_residents_workbook


def _type(qtbot, page, values: dict[str, str]) -> None:
    """ASCII as key presses; Chinese as the input method commits it (Qt simulates ASCII keys only)."""
    for key, text in values.items():
        field = page.fields[key]
        field.clear()
        _keys(qtbot, field, text)


def _keys(qtbot, field, text: str) -> None:
    if text.isascii():
        qtbot.keyClicks(field, text)
        return
    field.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(field, event)


def _next(qtbot, wizard: QWizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def _toggle(qtbot, box) -> None:
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)


def _check(qtbot, page, path) -> None:
    page.path.clear()
    _keys(qtbot, page.path, str(path))
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)


def test_a_new_centre_is_set_up_page_by_page_and_signs_in_under_its_own_name(qtbot, db, tmp_path):
    application()
    wizard = FirstRunWizard(db, ImmediateRunner())
    qtbot.addWidget(wizard)
    wizard.show()
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert next_button.text().startswith("下一步")

    # 街道: a code of 8 digits is refused on the page
    _type(
        qtbot, wizard.street, {"code": "61020201", "name": STREET[1], "district": "王益区", "city": "铜川市"}
    )
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.street and "9位数字" in wizard.street.problems.text()
    _type(qtbot, wizard.street, {"code": STREET[0]})
    _next(qtbot, wizard)

    # 社区
    assert wizard.currentPage() is wizard.community
    _type(qtbot, wizard.community, {"code": "610202099001", "name": COMMUNITY[1], "prefix": "hx"})
    _next(qtbot, wizard)
    assert "610202011 开头" in wizard.community.problems.text()
    _type(qtbot, wizard.community, {"code": COMMUNITY[0], "address": "红星路8号", "hours": "周一至周五"})
    _type(qtbot, wizard.community, {"issuer": "红旗街道红星社区居民委员会"})
    _next(qtbot, wizard)

    # 管理员: the password may not be the user name, and must be typed twice alike
    assert wizard.currentPage() is wizard.admin
    _type(qtbot, wizard.admin, {"username": "hxadmin1", "display_name": "陈红", "password": "hxadmin1"})
    _type(qtbot, wizard.admin, {"repeated": "hxadmin1"})
    _next(qtbot, wizard)
    assert "不能与用户名相同" in wizard.admin.problems.text()
    _type(qtbot, wizard.admin, {"password": "hong-2026x", "repeated": "hong-2026y"})
    _next(qtbot, wizard)
    assert "不一致" in wizard.admin.problems.text()
    _type(qtbot, wizard.admin, {"repeated": "hong-2026x"})
    _next(qtbot, wizard)

    # 网格: a refused row is listed, and 下一步 stays off until the workbook is fixed
    assert wizard.currentPage() is wizard.grids
    assert not next_button.isEnabled()
    bad = write_grids_workbook(tmp_path / "网格-有误.xlsx", bad_staff_role=True)
    _check(qtbot, wizard.grids, bad)
    model = wizard.grids.table.model()
    assert model.rowCount() == 1
    shown = [model.index(0, c).data() for c in range(3)]
    assert shown[:2] == ["人员", "3"] and "班长" in shown[2]
    assert "1处问题" in wizard.grids.verdict.text() and not next_button.isEnabled()
    good = write_grids_workbook(tmp_path / "网格.xlsx")
    _check(qtbot, wizard.grids, good)
    assert model.rowCount() == 0 and "检查通过" in wizard.grids.verdict.text()
    assert next_button.isEnabled()
    _next(qtbot, wizard)

    # 居民: checked against the grids of the page before, though nothing is written yet
    assert wizard.currentPage() is wizard.residents
    bad = write_residents_workbook(tmp_path / "居民-有误.xlsx", bad_id=True)
    _check(qtbot, wizard.residents, bad)
    assert wizard.residents.table.model().rowCount() == 1 and not next_button.isEnabled()
    with db.sessions() as session:
        assert session.scalars(select(Street)).all() == []  # a dry run: nothing written
    _toggle(qtbot, wizard.residents.skip)  # skipping lets one go on …
    assert next_button.isEnabled()
    _toggle(qtbot, wizard.residents.skip)  # … but the fixed file is better
    _check(qtbot, wizard.residents, write_residents_workbook(tmp_path / "居民.xlsx"))
    assert "居民2人" in wizard.residents.verdict.text()
    _next(qtbot, wizard)

    # 确认, 完成
    assert wizard.currentPage() is wizard.summary
    summary = wizard.summary.text.text()
    assert "红星社区党群服务中心" in summary and "hxadmin1" in summary and "网格2个" in summary
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.text().startswith("完成")
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert wizard.result() == QWizard.DialogCode.Accepted

    with db.sessions() as session:
        assert session.scalars(select(Street.name)).one() == "红旗街道"
        community = session.scalars(select(Community)).one()
        assert (community.short_code, community.address) == ("HX", "红星路8号")
        assert len(session.scalars(select(Grid)).all()) == 2
        assert len(session.scalars(select(Resident)).all()) == 2
        user = session.scalars(select(User).where(User.username == "hxadmin1")).one()
        assert user.role == "admin" and user.display_name == "陈红"
        assert authenticate(session, "hxadmin1", "hong-2026x").username == "hxadmin1"

    window = DeskWindow(desk_context(db, StaffUser("hxadmin1", "陈红", "admin"), runner=ImmediateRunner()))
    qtbot.addWidget(window)
    assert window.windowTitle().startswith("红星社区党群服务中心")


def test_a_skipped_import_writes_only_the_centre(qtbot, db):
    application()
    wizard = FirstRunWizard(db, ImmediateRunner())
    qtbot.addWidget(wizard)
    wizard.show()
    _type(qtbot, wizard.street, {"code": STREET[0], "name": STREET[1]})
    _next(qtbot, wizard)
    _type(qtbot, wizard.community, {"code": COMMUNITY[0], "name": COMMUNITY[1], "prefix": COMMUNITY[2]})
    _next(qtbot, wizard)
    _type(qtbot, wizard.admin, {"username": "admin", "password": "long-enough", "repeated": "long-enough"})
    _next(qtbot, wizard)
    for page in (wizard.grids, wizard.residents):
        _toggle(qtbot, page.skip)
        _next(qtbot, wizard)
    assert "网格和人员：跳过" in wizard.summary.text.text()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.done_result is not None and wizard.done_result.centre_name == "红星社区党群服务中心"
    with db.sessions() as session:
        assert session.scalars(select(Community.name)).one() == "红星社区"
        assert session.scalars(select(Grid)).all() == []
