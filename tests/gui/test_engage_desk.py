"""社区治理 at the desk, driven as a person would: a wish posted at the kiosk is published, claimed
and fulfilled at the desk and rated by its wisher at the kiosk; a visit that finds a problem
raises a grid case that is closed through the ordinary case detail; a grid worker sees their
own grids only."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from app.models import Case, Resident, Visit, Wish
from app.services.admin.scope import scope_for
from app.services.engage.wish_reads import list_wishes
from app.views.desk.context import StaffUser
from app.views.desk.engage_page import EngagePage
from app.views.desk_app import desk_context
from app.views.ops import ImmediateRunner
from tests.gui.fakes import FilePrinterPreview
from tests.gui.test_case_views import _act, _dialog
from tests.gui.test_kiosk import button_named, click, swipe_card
from tests.unit.test_boards import decoded_qr_codes
from tests.unit.test_engage import _resident_in

HOUTAI = StaffUser("houtai", "王磊（后台演示）", "back_office")
WANGGE = StaffUser("wangge", "张伟（网格员演示）", "grid_worker")


def _page(qtbot, demo_db, user: StaffUser = HOUTAI) -> EngagePage:
    page = EngagePage(desk_context(demo_db, user, runner=ImmediateRunner(), preview=FilePrinterPreview))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def _row_of(page, wish_no: str) -> int:
    return next(i for i, r in enumerate(page.model.rows) if r.wish_no == wish_no)


def _click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_wish_from_the_kiosk_is_published_claimed_fulfilled_and_rated(qtbot, make_kiosk, person, demo_db):
    # the wisher, at the kiosk, by touch
    kiosk = make_kiosk(font_scale=1.5)
    swipe_card(qtbot, kiosk, person.id_number)
    click(qtbot, kiosk.pages["menu"].tiles["wishes"])
    click(qtbot, kiosk.pages["wishes"].new_button)
    click(qtbot, button_named(kiosk, "wish-kind-物品"))
    kiosk.pages["wish_text"].text.insertPlainText("想要一台收音机，听听戏")
    click(qtbot, kiosk.pages["wish_text"].submit_button)
    wish_no = kiosk.pages["result"].number.text()
    click(qtbot, kiosk.current.exit_button)

    # the desk: the wish waits for review, with the wisher's full name for staff
    page = _page(qtbot, demo_db)  # held: the tabs live as long as the page
    wishes = page.wishes
    qtbot.keyClicks(wishes.search, wish_no)
    qtbot.keyClick(wishes.search, Qt.Key.Key_Return)
    assert [(r.wish_no, r.status_name, r.name, r.channel_name) for r in wishes.model.rows] == [
        (wish_no, "待审核", person.name, "自助终端")
    ]
    assert not wishes.buttons["claim"].isEnabled()
    wishes.table.selectRow(0)
    _click(qtbot, wishes.buttons["publish"])
    assert wishes.model.rows[0].status_name == "已发布" and wishes.message.text() == f"心愿 {wish_no} 已发布"

    _click(qtbot, wishes.buttons["claim"])
    claim = wishes.dialog
    claim.kind.setCurrentText("共建单位")
    _click(qtbot, claim.ok_button)  # no name: refused in words, the dialog stays
    assert claim.isVisible() and "名称" in claim.error.text()
    claim.name.setText("铜川市人民医院党总支")
    _click(qtbot, claim.ok_button)
    assert not claim.isVisible()
    row = wishes.model.rows[_row_of(wishes, wish_no)]
    assert (row.status_name, row.claimer_kind, row.claimer_name) == (
        "已认领",
        "共建单位",
        "铜川市人民医院党总支",
    )

    wishes.table.selectRow(_row_of(wishes, wish_no))
    _click(qtbot, wishes.buttons["fulfil"])
    fulfil = wishes.dialog
    fulfil.note.setPlainText("12月3日已送到家中")
    _click(qtbot, fulfil.ok_button)
    assert wishes.model.rows[_row_of(wishes, wish_no)].status_name == "已实现"

    # back at the kiosk the wisher confirms and rates it
    kiosk = make_kiosk()
    swipe_card(qtbot, kiosk, person.id_number)
    click(qtbot, kiosk.pages["menu"].tiles["wishes"])
    click(qtbot, button_named(kiosk, f"rate-wish-{wish_no}"))
    click(qtbot, button_named(kiosk, "wish-stars-5"))
    assert kiosk.pages["result"].headline.text() == "感谢您的评价"

    wishes.reload()
    row = wishes.model.rows[_row_of(wishes, wish_no)]
    assert (row.confirmed, row.rating) == (True, 5)
    assert wishes.model.data(wishes.model.index(_row_of(wishes, wish_no), 10)) == "★★★★★"


def test_a_refused_wish_says_why_and_the_notice_previews(qtbot, demo_db, tmp_path):
    FilePrinterPreview.reset(str(tmp_path / "notice.pdf"))
    page = _page(qtbot, demo_db)  # held: the tabs live as long as the page
    wishes = page.wishes
    pending = next(r for r in wishes.model.rows if r.status == "pending")
    wishes.table.selectRow(_row_of(wishes, pending.wish_no))
    _click(qtbot, wishes.buttons["reject"])
    wishes.dialog.reason.setPlainText("超出微心愿范围，已转民政救助")
    _click(qtbot, wishes.dialog.ok_button)
    row = wishes.model.rows[_row_of(wishes, pending.wish_no)]
    assert row.status_name == "未能实现" and "已转民政救助" in wishes.model.data(
        wishes.model.index(_row_of(wishes, pending.wish_no), 1)
    )
    try:
        _click(qtbot, wishes.buttons["notice"])
        assert wishes.message.text().startswith("公示共")
        pdf = FilePrinterPreview.shown[-1].pdf
        published = [r.wish_no for r in wishes.model.rows if r.status == "published"]
        assert published and set(published) <= {t for page in decoded_qr_codes(pdf) for t in page}
    finally:
        FilePrinterPreview.close_all()


def test_a_wish_posted_at_the_desk_for_a_bad_number_loses_nothing(qtbot, demo_db):
    page = _page(qtbot, demo_db)  # held: the tabs live as long as the page
    wishes = page.wishes
    dialog = wishes.open_post()
    qtbot.keyClicks(dialog.id_number, "610202")
    dialog.content.setPlainText("想要一床厚棉被")
    _click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "身份证号" in dialog.error.text()
    assert dialog.content.toPlainText() == "想要一床厚棉被"
    with demo_db.sessions() as session:
        number = _resident_in(session, worker_grids=True).id_number
    dialog.id_number.setText(number)
    _click(qtbot, dialog.ok_button)
    assert not dialog.isVisible() and "已登记，待审核" in wishes.message.text()


def test_a_visit_raises_a_grid_case_that_closes_through_the_case_workflow(qtbot, demo_db):
    visits = (page := _page(qtbot, demo_db, WANGGE)).visits
    page.setCurrentWidget(visits)  # the 走访 tab
    assert visits.due_model.rows and {r.workers for r in visits.due_model.rows} == {"wangge"}
    first = visits.due_model.rows[0]
    visits.due_table.selectRow(0)
    _click(qtbot, visits.record_button)
    dialog = visits.dialog
    assert any(first.name in label.text() for label in dialog.findChildren(QLabel))
    dialog.found.setPlainText("老人独居，身体尚可")
    dialog.report.setChecked(True)
    dialog.problem.setPlainText("单元门禁损坏，陌生人可随意进出")
    _click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    case_no = visits.message.text().split("办件 ")[1].split("（")[0]
    assert first.resident_id not in {r.resident_id for r in visits.due_model.rows}
    assert visits.visit_model.rows[0].case_no == case_no
    with demo_db.sessions() as session:
        case = session.scalar(select(Case).where(Case.case_no == case_no))
        assert (case.channel, case.applicant_id_number, case.status) == ("grid", "", "accepted")
        assert (
            session.scalar(
                select(Visit.case_id).where(Visit.id == max(r.visit_id for r in visits.visit_model.rows))
            )
            == case.id
        )

    ctx = desk_context(demo_db, HOUTAI, runner=ImmediateRunner())
    detail = _dialog(qtbot, ctx, case_no)
    assert detail.status_label.text() == "已受理" and detail.fields["channel"].text() == "网格上报"
    _act(qtbot, detail, "分派办理", to="王磊（后台演示）", note="联系物业维修")
    _act(qtbot, detail, "办结", note="物业已修好门禁")
    assert detail.status_label.text() == "已办结"
    with demo_db.sessions() as session:
        assert session.scalar(select(Case.status).where(Case.case_no == case_no)) == "completed"


def test_a_grid_worker_sees_wishes_and_visits_of_their_own_grids_only(qtbot, demo_db):
    with demo_db.sessions() as session:
        outside = _resident_in(session, worker_grids=False)
        theirs = {w.wish_no for w in list_wishes(session, scope=scope_for(session, "wangge"))}
        others = [w.wish_no for w in session.scalars(select(Wish).where(Wish.resident_id != outside.id))]
        grid_ids = scope_for(session, "wangge").grid_ids
        outside_number = outside.id_number
    page = _page(qtbot, demo_db, WANGGE)
    shown = {r.wish_no for r in page.wishes.model.rows}
    assert shown == theirs and len(shown) < len(others)
    page.setCurrentWidget(page.visits)
    assert page.visits.due_model.rows
    with demo_db.sessions() as session:
        for row in page.visits.due_model.rows:
            resident = session.get(Resident, row.resident_id)
            assert scope_for(session, "wangge").allows_resident(session, resident)
    assert grid_ids
    # typing the number of somebody outside their grids records nothing
    page.visits.due_table.clearSelection()
    dialog = page.visits.open_record()
    dialog.id_number.setText(outside_number)
    _click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "不在您负责的网格" in dialog.error.text()
    post = page.wishes.open_post()
    post.id_number.setText(outside_number)
    post.content.setPlainText("想要一台收音机")
    _click(qtbot, post.ok_button)
    assert post.isVisible() and "不在您负责的网格" in post.error.text()


def test_the_month_table_shows_visits_due_and_made(qtbot, demo_db):
    visits = (page := _page(qtbot, demo_db)).visits
    page.setCurrentWidget(visits)
    visits.month.setDate(visits.month.date().addMonths(-2))
    assert visits.month_model.rows and visits.month_total.text().startswith("合计：应访")
    assert dataclasses.is_dataclass(visits.month_model.rows[0])
