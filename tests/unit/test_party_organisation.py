"""The party organisation is editable at every level, audited, and narrowed to a grid worker's
grids; the notice boards read the branch as it now is."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.cli import main
from app.models import AuditEntry, PartyMember, PartyOrganisation, Resident
from app.services.admin.scope import WHOLE_STREET, scope_for
from app.services.party.members import MemberError
from app.services.party.organisation import add_child, organisation_rows, rename, set_leader
from app.services.setup.demo_accounts import DEMO_GRID_WORKER


def test_every_level_is_editable_and_audited(demo_db):
    with demo_db.sessions.begin() as session:
        branch = session.scalars(
            select(PartyOrganisation).where(PartyOrganisation.level == "grid_branch")
        ).first()
        member = session.scalars(select(PartyMember).where(PartyMember.branch_id == branch.id)).first()
        resident = session.get(Resident, member.resident_id)
        row = set_leader(session, branch.id, scope=WHOLE_STREET, actor="admin", id_text=resident.id_number)
        assert row.leader_name == resident.name
        group = add_child(session, branch.id, "新建7号楼党小组", scope=WHOLE_STREET, actor="admin")
        assert group.level_name == "楼栋党小组" and group.parent_id == branch.id
        with pytest.raises(MemberError, match="须指定户主党员"):
            add_child(session, group.id, "某某党员中心户", scope=WHOLE_STREET, actor="admin")
        household = add_child(
            session,
            group.id,
            f"{resident.name}党员中心户",
            scope=WHOLE_STREET,
            actor="admin",
            leader_id_text=resident.id_number,
        )
        assert household.level == "member_household"
        with pytest.raises(MemberError, match="不能再设下级"):
            add_child(session, household.id, "x", scope=WHOLE_STREET, actor="admin")
        assert (
            rename(session, group.id, "7号楼党小组", scope=WHOLE_STREET, actor="admin").name == "7号楼党小组"
        )
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("party_org%"))).all()
        assert sorted(actions) == ["party_org_add", "party_org_add", "party_org_edit", "party_org_edit"]


def test_a_grid_worker_sees_and_edits_only_their_branches(demo_db, capsys):
    with demo_db.sessions() as session:
        scope = scope_for(session, DEMO_GRID_WORKER)
        mine = {r.id for r in organisation_rows(session, scope=scope)}
        everyone = organisation_rows(session, scope=WHOLE_STREET)
        other = next(r for r in everyone if r.level == "grid_branch" and r.id not in mine)
        assert mine and all(r.level != "community" for r in organisation_rows(session, scope=scope))
    argv = ["--db", demo_db.url, "party", "org", "leader", str(other.id), "--name", "张三"]
    assert main([*argv, "--user", DEMO_GRID_WORKER]) != 0
    assert "不在您负责的网格" in capsys.readouterr().err
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["leader"] == "张三"
    assert main(["--db", demo_db.url, "party", "org", "list", "--user", DEMO_GRID_WORKER]) == 0
    ids = {json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()}
    assert ids == mine
