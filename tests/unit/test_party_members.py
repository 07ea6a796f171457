"""The party member register: adding a resident by ID number, the 党员 tag following the register,
the list narrowed to a grid worker's grids, and the command."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.cli import main
from app.models import AuditEntry, Building, Grid, Household, PartyMember, Resident
from app.services.admin.scope import WHOLE_STREET, scope_for
from app.services.party.members import MemberError, add_resident_member, list_members, membership_of
from app.services.population.lookup import LookupFailed
from app.services.setup.demo_accounts import DEMO_GRID_WORKER


def _non_member(session, *, inside: bool):
    """A living resident who is not a member, inside or outside the demo grid worker's grids."""
    scope = scope_for(session, DEMO_GRID_WORKER)
    members = select(PartyMember.resident_id).where(PartyMember.resident_id.is_not(None))
    rows = session.execute(
        select(Resident, Grid.code)
        .join(Household, Resident.household_id == Household.id)
        .join(Building, Household.building_id == Building.id)
        .join(Grid, Building.grid_id == Grid.id)
        .where(Resident.id.not_in(members), Resident.state == "living")
        .order_by(Resident.id)
    ).all()
    for resident, code in rows:
        if scope.allows_resident(session, resident) == inside:
            return resident, code
    raise AssertionError("no such resident in the demo street")


def test_demo_street_has_members_who_carry_the_tag(demo_db):
    with demo_db.sessions() as session:
        members = session.scalars(select(PartyMember)).all()
        assert members
        resident = session.get(Resident, members[0].resident_id)
        assert "party_member" in {tag.code for tag in resident.tags}
        assert membership_of(session, resident).endswith("网格党支部")


def test_adding_a_resident_tags_and_audits(demo_db):
    with demo_db.sessions.begin() as session:
        resident, code = _non_member(session, inside=True)
        assert membership_of(session, resident) == ""
        row = add_resident_member(session, resident.id_number, code, scope=WHOLE_STREET, actor="admin")
        assert row.name == resident.name and "*" in row.id_masked
        assert "party_member" in {tag.code for tag in resident.tags}
        assert membership_of(session, resident).startswith("正式党员")
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "party_member_add")).one()
        assert entry.resident_id == resident.id
        with pytest.raises(MemberError, match="已在党员名册中"):
            add_resident_member(session, resident.id_number, code, scope=WHOLE_STREET, actor="admin")


def test_a_grid_worker_neither_adds_nor_sees_another_grids_resident(demo_db):
    with demo_db.sessions.begin() as session:
        outsider, code = _non_member(session, inside=False)
        scope = scope_for(session, DEMO_GRID_WORKER)
        with pytest.raises(LookupFailed):
            add_resident_member(session, outsider.id_number, code, scope=scope, actor=DEMO_GRID_WORKER)
        add_resident_member(session, outsider.id_number, code, scope=WHOLE_STREET, actor="admin")
        seen = {row.name for row in list_members(session, scope=scope, actor=DEMO_GRID_WORKER)}
        everyone = {row.name for row in list_members(session, scope=WHOLE_STREET, actor="admin")}
        assert outsider.name in everyone and outsider.name not in seen
        assert seen and seen < everyone


def _run(db, capsys, *argv) -> tuple[int, list[dict], str]:
    code = main(["--db", db.url, *argv])
    captured = capsys.readouterr()
    return (
        code,
        [json.loads(line) for line in captured.out.splitlines() if line.startswith("{")],
        captured.err,
    )


def test_the_command_adds_and_lists_within_the_users_grids(demo_db, capsys):
    with demo_db.sessions() as session:
        outsider, code = _non_member(session, inside=False)
        insider, inside_code = _non_member(session, inside=True)
    status, _, err = _run(
        demo_db,
        capsys,
        "party",
        "member",
        "add",
        outsider.id_number,
        "--grid",
        code,
        "--user",
        DEMO_GRID_WORKER,
    )
    assert status != 0 and "不在您负责的网格" in err
    status, rows, _ = _run(
        demo_db,
        capsys,
        "party",
        "member",
        "add",
        insider.id_number,
        "--grid",
        inside_code,
        "--status",
        "probation",
    )
    assert status == 0 and rows[0]["status"] == "预备党员" and outsider.id_number not in json.dumps(rows)
    _run(demo_db, capsys, "party", "member", "add", outsider.id_number, "--grid", code)
    _, rows, _ = _run(demo_db, capsys, "party", "member", "list", "--user", DEMO_GRID_WORKER)
    names = {row["name"] for row in rows}
    assert insider.name in names and outsider.name not in names
