"""The demo street: deterministic, valid and shaped like a real one."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select

from app.db import open_database
from app.models import (
    PARTY_LEVELS,
    STAFF_ROLES,
    Building,
    Community,
    Grid,
    GridStaff,
    Household,
    PartyOrganisation,
    Resident,
    User,
)
from app.models.staff import BUILDING_LEADER, GRID_LEADER, HELPER
from app.services.common.idcard import parse
from app.services.setup import demo_accounts
from app.services.setup import demo_street as demo
from app.services.setup.initialise import initialise
from tests.conftest import DEMO_TODAY


def test_same_seed_same_street_other_seed_other_street(tmp_path):
    def ids(name: str, seed: int) -> list[str]:
        db = open_database(f"sqlite:///{tmp_path / name}")
        initialise(db, with_demo=True, seed=seed, residents=300, today=DEMO_TODAY)
        with db.sessions() as s:
            result = list(s.scalars(select(Resident.id_number).order_by(Resident.id)))
        db.dispose()
        return result

    first, again, other = ids("a.db", 3), ids("b.db", 3), ids("c.db", 4)
    assert first == again
    assert first != other


def test_every_resident_has_a_valid_unique_id_matching_sex_and_birth(demo_db):
    with demo_db.sessions() as s:
        residents = list(s.scalars(select(Resident)))
    assert len(residents) >= 1500
    assert len({r.id_number for r in residents}) == len(residents)
    for r in residents:
        info = parse(r.id_number, today=DEMO_TODAY)
        assert (info.birth_date, info.sex) == (r.birth_date, r.sex)
        assert r.name and r.ethnicity.endswith("族")


def test_structure_has_six_communities_and_about_sixty_grids(demo_db):
    with demo_db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Community)) == 6
        assert s.scalar(select(func.count()).select_from(Grid)) == 60
        assert s.scalar(select(func.count()).select_from(Building)) >= 60
        for grid in s.scalars(select(Grid)):
            assert grid.boundary_east and grid.boundary_north and not grid.boundary_east.startswith("东至")


def test_households_have_one_head_and_plausible_ages(demo_db):
    with demo_db.sessions() as s:
        households = list(s.scalars(select(Household)))
        for household in households:
            # one living head: a head who died or moved away keeps 户主 in their own record
            living = [m for m in household.members if m.living]
            heads = [m for m in living if m.relation_to_head == "户主"]
            assert len(heads) == 1, household.label
            head_age = heads[0].age_on(DEMO_TODAY)
            for member in living:
                age = member.age_on(DEMO_TODAY)
                if member.relation_to_head in ("子", "女"):
                    assert age <= head_age - 18
                if member.relation_to_head in ("父亲", "母亲"):
                    assert age >= head_age + 15


def test_every_grid_has_its_one_plus_nine_plus_x_staff(demo_db):
    with demo_db.sessions() as s:
        by_grid: dict[int, Counter] = defaultdict(Counter)
        for staff in s.scalars(select(GridStaff)):
            by_grid[staff.grid_id][staff.role] += 1
            assert staff.phone.isdigit() and len(staff.phone) == 11
    nine = [r for r, (_, group) in STAFF_ROLES.items() if group == "9"]
    assert len(nine) == 9
    for roles in by_grid.values():
        assert roles[GRID_LEADER] == 1
        assert all(roles[r] == 1 for r in nine)
        assert roles[HELPER] >= 1 and roles[BUILDING_LEADER] >= 1


def test_party_organisation_has_four_linked_levels(demo_db):
    with demo_db.sessions() as s:
        orgs = {o.id: o for o in s.scalars(select(PartyOrganisation))}
    levels = list(PARTY_LEVELS)
    assert {o.level for o in orgs.values()} == set(levels)
    for org in orgs.values():
        if org.level == "community":
            assert org.parent_id is None
            continue
        parent = orgs[org.parent_id]
        assert levels.index(parent.level) == levels.index(org.level) - 1
        assert org.grid_id is not None
        if org.level in ("building_group", "member_household"):
            assert org.building_id is not None and org.leader_resident_id is not None
        if org.level == "member_household":
            assert org.household_id is not None


def test_demo_users_exist_and_demo_is_never_written_twice(demo_db):
    with demo_db.sessions() as s:
        assert {u.username for u in s.scalars(select(User))} == {u for u, _, _ in demo_accounts.DEMO_USERS}
    result = initialise(demo_db, with_demo=True, seed=99, residents=200)
    assert result.demo is None and "已有街道数据" in result.demo_skipped
    with demo_db.sessions() as s, pytest.raises(demo.DemoExists):
        demo.build_demo_street(s, residents=200)
