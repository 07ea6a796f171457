"""Party life records: a meeting held, members checked in by ID number or marked absent, and
the warning for a branch that held no meeting last month, narrowed to a grid worker's grids."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from app.cli import main
from app.models import MeetingAttendance, PartyMember, PartyOrganisation, Resident
from app.services.admin.scope import WHOLE_STREET, scope_for
from app.services.party.meetings import branches_without_meeting, check_in, mark_absent, record_meeting
from app.services.party.members import MemberError
from app.services.setup.demo_accounts import DEMO_GRID_WORKER
from tests.conftest import DEMO_TODAY


def test_the_demo_flags_one_branch_last_month(demo_db):
    last = (DEMO_TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    with demo_db.sessions() as session:
        missing = branches_without_meeting(session, last, scope=WHOLE_STREET)
        assert len(missing) == 1
        assert (
            branches_without_meeting(
                session, last.replace(month=(last.month - 2) % 12 + 1), scope=WHOLE_STREET
            )
            == []
        )


def test_a_meeting_with_check_in_and_absence(demo_db):
    with demo_db.sessions.begin() as session:
        branch = session.scalars(
            select(PartyOrganisation).where(PartyOrganisation.level == "grid_branch")
        ).first()
        members = session.scalars(select(PartyMember).where(PartyMember.branch_id == branch.id)).all()
        row = record_meeting(
            session,
            branch.id,
            kind="theme_day",
            held_on=DEMO_TODAY,
            topic="重温入党誓词",
            scope=WHOLE_STREET,
            actor="admin",
        )
        resident = session.get(Resident, members[0].resident_id)
        assert (
            check_in(session, row.id, resident.id_number, scope=WHOLE_STREET, actor="admin") == resident.name
        )
        mark_absent(session, row.id, members[1].id, "外出务工", scope=WHOLE_STREET, actor="admin")
        with pytest.raises(MemberError, match="缺席原因"):
            mark_absent(session, row.id, members[2].id, " ", scope=WHOLE_STREET, actor="admin")
        marks = {m.member_id: m for m in session.scalars(select(MeetingAttendance))}
        assert marks[members[0].id].present and marks[members[1].id].absence_reason == "外出务工"
        assert branches_without_meeting(session, DEMO_TODAY, scope=WHOLE_STREET)  # others this month
        assert branch.id not in {
            m.branch_id for m in branches_without_meeting(session, DEMO_TODAY, scope=WHOLE_STREET)
        }


def test_a_grid_worker_sees_and_records_only_their_branches(demo_db, capsys):
    with demo_db.sessions() as session:
        scope = scope_for(session, DEMO_GRID_WORKER)
        other = next(
            b
            for b in session.scalars(
                select(PartyOrganisation).where(PartyOrganisation.level == "grid_branch")
            )
            if not scope.allows_grid(b.grid_id)
        )
        mine = {m.branch_id for m in branches_without_meeting(session, DEMO_TODAY, scope=scope)}
    argv = [
        "--db",
        demo_db.url,
        "party",
        "meeting",
        "add",
        str(other.id),
        "--kind",
        "lecture",
        "--date",
        "2026-12-01",
        "--topic",
        "党课",
    ]
    assert main([*argv, "--user", DEMO_GRID_WORKER]) != 0
    assert "不在您负责的网格" in capsys.readouterr().err
    assert (
        main(
            [
                "--db",
                demo_db.url,
                "party",
                "meeting",
                "missing",
                "--month",
                DEMO_TODAY.strftime("%Y-%m"),
                "--user",
                DEMO_GRID_WORKER,
            ]
        )
        == 0
    )
    shown = {json.loads(line)["branch_id"] for line in capsys.readouterr().out.splitlines()}
    assert shown == mine and other.id not in shown
