"""The 志愿服务 tab: a volunteer swipes (typed as a reader types) and is signed in to today's
activity, swipes again and is signed out with the hours shown; the hours certificate is issued
from the list and its QR verifies with ``yichuang certificate verify``; the record prints."""

from __future__ import annotations

import datetime as dt
import json

from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import select

from app.cli import main
from app.models import Resident, TeamMembership, Volunteer, VolunteerActivity
from app.services.cardreaders import CardData
from tests.gui.fakes import FilePrinterPreview
from tests.gui.test_intake_flow import desk  # noqa: F401  (the signed-in front desk)

EXAMPLE = "610202197509180016"  # the demo resident who patrols


def _today_open(demo_db) -> int:
    """An activity of the example volunteer's team around now (the demo's day is not today), the
    team's other activities of these hours cancelled so that this one is the only choice."""
    now = dt.datetime.now().replace(second=0, microsecond=0)
    with demo_db.sessions.begin() as session:
        volunteer = session.scalars(
            select(Volunteer)
            .join(Resident, Resident.id == Volunteer.resident_id)
            .where(Resident.id_number == EXAMPLE)
        ).one()
        team = session.scalars(
            select(TeamMembership.team_id).where(TeamMembership.volunteer_id == volunteer.id)
        ).first()
        activity = VolunteerActivity(
            team_id=team,
            title="测试值守",
            place="中心",
            starts_at=now - dt.timedelta(hours=3),
            ends_at=now + dt.timedelta(hours=3),
        )
        for other in session.scalars(select(VolunteerActivity).where(VolunteerActivity.team_id == team)):
            if other.ends_at > now - dt.timedelta(hours=3):
                other.status = "cancelled"
        session.add(activity)
        session.flush()
        return volunteer.id


def test_sign_in_and_out_then_certificate(qtbot, desk, demo_db, tmp_path, capsys):  # noqa: F811
    volunteer_id = _today_open(demo_db)
    desk.tabs.setCurrentWidget(desk.volunteers)
    page = desk.volunteers
    assert page.model.rowCount() > 0
    shown = [page.model.data(page.model.index(i, 1)) for i in range(page.model.rowCount())]
    assert EXAMPLE not in shown and "6102**********0016" in shown
    qtbot.keyClicks(page.id_field, EXAMPLE)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    assert page.message.text().startswith("已签到：") and "测试值守" in page.message.text()
    card = CardData.__new__(CardData)
    object.__setattr__(card, "id_number", EXAMPLE)
    desk.on_card(card)  # the reader, while this tab is open
    assert page.message.text().startswith("已签退：") and "本次计入" in page.message.text()

    row = next(i for i in range(page.model.rowCount()) if page.model.rows[i].id == volunteer_id)
    page.table.selectionModel().select(
        page.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    qtbot.mouseClick(page.certificate_button, Qt.MouseButton.LeftButton)
    assert page.message.text().startswith("已开具志愿服务时长证明：")
    assert FilePrinterPreview.shown, "the certificate is previewed"
    capsys.readouterr()
    assert (
        main(
            [
                "--db",
                str(demo_db.url).removeprefix("sqlite:///"),
                "certificate",
                "verify",
                page.last_issued.qr,
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["valid"] and result["title"] == "志愿服务时长证明"

    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    assert page.message.text().endswith("的志愿服务记录已生成")
    assert len(FilePrinterPreview.shown) == 2


def test_not_a_volunteer_is_told_where_to_go(qtbot, desk, demo_db):  # noqa: F811
    with demo_db.sessions() as session:
        number = session.scalars(
            select(Resident.id_number)
            .where(
                Resident.id.not_in(select(Volunteer.resident_id).where(Volunteer.resident_id.is_not(None)))
            )
            .limit(1)
        ).one()
    desk.tabs.setCurrentWidget(desk.volunteers)
    page = desk.volunteers
    qtbot.keyClicks(page.id_field, number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    assert page.message.text() == "您还没有登记为志愿者，请到服务窗口登记"
