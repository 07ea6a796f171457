"""志愿服务: teams, volunteers (residents and outsiders), sign-in and sign-out with the hours
rule, corrections, the scope of a grid worker, the plain service records and the hours
certificate that verifies offline."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.models import Grid, Resident
from app.printing.certificates.renderer import PDF_RENDERER
from app.services.admin.scope import WHOLE_STREET, scope_for
from app.services.certificates.issue import issue_certificate
from app.services.certificates.register import CertificateError
from app.services.certificates.signing import verify
from app.services.setup.demo_accounts import DEMO_GRID_WORKER
from app.services.volunteers.activities import add_activity
from app.services.volunteers.attendance import (
    correct_hours,
    counted_hours,
    sign_in,
    sign_out,
    signing_state,
)
from app.services.volunteers.people import add_volunteer, list_volunteers
from app.services.volunteers.records import issue_hours_certificate, service_records, volunteer_record
from app.services.volunteers.teams import VolunteerError, add_team

OUTSIDER = "11010519491231002X"
DAY = dt.date(2026, 11, 20)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute))


def _setup(session):
    """A grid of the demo grid worker, one resident living there, a team and an activity."""
    scope = scope_for(session, DEMO_GRID_WORKER)
    grid = next(g for g in session.scalars(select(Grid).order_by(Grid.code)) if scope.allows_grid(g.id))
    resident = session.scalars(
        select(Resident).where(Resident.grid_id == grid.id, Resident.state == "living").order_by(Resident.id)
    ).first()
    team = add_team(
        session, name="测试巡防队", kind="patrol", grid_code=grid.code, scope=WHOLE_STREET, actor="admin"
    )
    activity = add_activity(
        session,
        team.id,
        title="夜间巡防",
        place="小区东门",
        starts_at=at(9),
        ends_at=at(11, 30),
        scope=WHOLE_STREET,
        actor="admin",
    )
    return grid, resident, team, activity


def test_the_hours_rule():
    assert counted_hours(at(8, 40), at(11, 50), at(9), at(11, 30)) == 2.5  # capped at the activity
    assert counted_hours(at(9, 10), at(10, 39), at(9), at(11, 30)) == 1.0  # 89 minutes: down to 1
    assert counted_hours(at(9, 10), at(10, 40), at(9), at(11, 30)) == 1.5
    assert counted_hours(at(12), at(13), at(9), at(11, 30)) == 0.0


def test_sign_in_and_out_by_card_counts_hours(demo_db):
    with demo_db.sessions.begin() as session:
        _grid, resident, team, activity = _setup(session)
        insider = add_volunteer(
            session, resident.id_number, team.id, scope=WHOLE_STREET, actor="admin", today=DAY
        )
        outsider = add_volunteer(
            session, OUTSIDER, team.id, scope=WHOLE_STREET, actor="admin", today=DAY, name="王建国"
        )
        assert insider.resident and not outsider.resident
        assert OUTSIDER not in outsider.id_masked and outsider.id_masked.endswith("002X")
        state = signing_state(session, now=at(8, 50), actor="admin", id_text=OUTSIDER)
        assert state.open is None and [a.id for a in state.choices] == [activity.id]
        sign_in(session, state.volunteer_id, activity.id, now=at(8, 50), channel="desk", actor="admin")
        with pytest.raises(VolunteerError, match="已在"):
            sign_in(session, state.volunteer_id, activity.id, now=at(8, 55), channel="desk", actor="admin")
        again = signing_state(session, now=at(10, 47), actor="admin", id_text=OUTSIDER)
        assert again.open is not None and again.open.title == "夜间巡防" and again.choices == ()
        result = sign_out(session, again.volunteer_id, now=at(10, 47), actor="admin")
        assert result.hours == 1.5  # 9:00 to 10:47, down to the half hour
        records = list(service_records(session, volunteer_id=again.volunteer_id))
        assert [(r.id_masked, r.served_on, r.hours, r.team) for r in records] == [
            (outsider.id_masked, DAY, 1.5, "测试巡防队")
        ]


def test_correction_needs_a_reason_and_the_office(demo_db):
    with demo_db.sessions.begin() as session:
        _grid, resident, team, activity = _setup(session)
        row = add_volunteer(
            session, resident.id_number, team.id, scope=WHOLE_STREET, actor="admin", today=DAY
        )
        sign_in(session, row.id, activity.id, now=at(9), channel="desk", actor="admin")
        from app.models import Attendance

        attendance = session.scalars(select(Attendance).where(Attendance.volunteer_id == row.id)).one()
        with pytest.raises(VolunteerError, match="原因"):
            correct_hours(session, attendance.id, 2.0, reason=" ", actor="admin")
        with pytest.raises(VolunteerError, match="2.5"):
            correct_hours(session, attendance.id, 3.0, reason="忘记签退", actor="admin")
        with pytest.raises(VolunteerError, match="角色不能"):
            correct_hours(session, attendance.id, 2.0, reason="忘记签退", actor="qiantai")
        correct_hours(session, attendance.id, 2.0, reason="忘记签退，队长证明", actor="admin")
        record = volunteer_record(
            session, row.id, date_from=DAY, date_to=DAY, scope=WHOLE_STREET, actor="admin"
        )
        assert record.hours == 2.0 and record.lines[0].signed_out == "未签退"
        assert "忘记签退" in record.lines[0].note


def test_a_grid_worker_keeps_to_their_grids(demo_db):
    with demo_db.sessions.begin() as session:
        scope = scope_for(session, DEMO_GRID_WORKER)
        outside = next(
            g for g in session.scalars(select(Grid).order_by(Grid.code)) if not scope.allows_grid(g.id)
        )
        other = add_team(
            session,
            name="别处助老队",
            kind="elderly",
            grid_code=outside.code,
            scope=WHOLE_STREET,
            actor="admin",
        )
        with pytest.raises(VolunteerError, match="负责的网格"):
            add_team(
                session,
                name="越权队",
                kind="patrol",
                grid_code=outside.code,
                scope=scope,
                actor=DEMO_GRID_WORKER,
            )
        with pytest.raises(VolunteerError, match="不在您负责的网格"):
            add_volunteer(
                session, OUTSIDER, other.id, scope=scope, actor=DEMO_GRID_WORKER, today=DAY, name="王建国"
            )
        add_volunteer(
            session, OUTSIDER, other.id, scope=WHOLE_STREET, actor="admin", today=DAY, name="王建国"
        )
        assert all(
            "别处助老队" not in row.teams
            for row in list_volunteers(session, scope=scope, actor=DEMO_GRID_WORKER)
        )


def test_hours_certificate_verifies_and_is_not_typed_by_hand(demo_db):
    with demo_db.sessions.begin() as session:
        _grid, resident, team, activity = _setup(session)
        row = add_volunteer(
            session, resident.id_number, team.id, scope=WHOLE_STREET, actor="admin", today=DAY
        )
        sign_in(session, row.id, activity.id, now=at(9, 5), channel="kiosk", actor="admin")
        sign_out(session, row.id, now=at(11, 40), actor="admin")
        issued = issue_hours_certificate(
            session,
            PDF_RENDERER,
            row.id,
            date_from=dt.date(2026, 1, 1),
            date_to=dt.date(2026, 12, 31),
            scope=WHOLE_STREET,
            actor="admin",
            today=DAY,
        )
        assert issued.title == "志愿服务时长证明" and issued.pdf.startswith(b"%PDF")
        with pytest.raises(CertificateError, match="志愿服务记录生成"):
            issue_certificate(
                session,
                PDF_RENDERER,
                template_code="ZYSC",
                resident=resident,
                staff_values={"teams": "x", "period": "x", "activities": "9", "hours": "999"},
                actor="admin",
            )
    with demo_db.sessions() as session:
        result = verify(session, issued.qr, id_number=resident.id_number)
        assert result.valid, result.reason
        assert result.title == "志愿服务时长证明"


def test_no_certificate_for_an_outsider(demo_db):
    with demo_db.sessions.begin() as session:
        _grid, _resident, team, activity = _setup(session)
        row = add_volunteer(
            session, OUTSIDER, team.id, scope=WHOLE_STREET, actor="admin", today=DAY, name="王建国"
        )
        sign_in(session, row.id, activity.id, now=at(9), channel="desk", actor="admin")
        sign_out(session, row.id, now=at(11), actor="admin")
        with pytest.raises(VolunteerError, match="辖区外"):
            issue_hours_certificate(
                session, PDF_RENDERER, row.id, date_from=DAY, date_to=DAY, scope=WHOLE_STREET, actor="admin"
            )
