"""The grid kept on the resident row (migration 0024): after every way a person, a household or a
building can move, ``residents.grid_id`` equals the grid reached through household and building,
for every resident; the migration fills it and drops it in place; a search within a grid reads
the (grid, name) indexes."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import func, select, text, update

from app.db import SCHEMA_HEAD, alembic_config, current_revision, upgrade
from app.models import Building, Grid, Household, Resident, resident_tags
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.imports.residents import import_residents
from app.services.population.changes import Room
from app.services.population.households import merge_households, move_household, move_person, split_household
from app.services.population.leaving import record_moved_away
from app.services.population.registration import NewResident
from app.services.population.search import ResidentQuery, search_residents
from app.services.population.upkeep import add_resident
from tests.unit.spreadsheets import write_xlsx

S = WHOLE_STREET
TODAY = dt.date(2026, 11, 23)

MISMATCHES = text(
    "SELECT count(*) FROM residents r LEFT JOIN households h ON h.id = r.household_id "
    "LEFT JOIN buildings b ON b.id = h.building_id WHERE r.grid_id IS NOT b.grid_id"
)


def mismatches(session) -> int:
    """Residents whose kept grid differs from the one the join gives (NULL for no household)."""
    session.flush()
    return session.scalar(MISMATCHES)


def grid_of(session, resident_id: int) -> int | None:
    return session.scalar(text("SELECT grid_id FROM residents WHERE id = :id"), {"id": resident_id})


def two_grids(session) -> tuple[Household, Building]:
    """A household of three or more living people, and a building of another grid."""
    for household in session.scalars(select(Household).order_by(Household.id)):
        living = [m for m in household.members if m.living]
        if len(living) >= 3 and household.head is not None:
            elsewhere = session.scalars(
                select(Building).where(Building.grid_id != household.building.grid_id).order_by(Building.id)
            ).first()
            return household, elsewhere
    raise AssertionError("no such household in the demo")


def test_the_demo_street_carries_every_residents_grid(demo_db):
    with demo_db.sessions() as session:
        assert mismatches(session) == 0
        housed = session.scalar(select(func.count()).where(Resident.household_id.is_not(None)))
        kept = session.scalar(select(func.count()).where(Resident.grid_id.is_not(None)))
        assert kept == housed > 1000


def test_moving_splitting_merging_and_adding_keep_the_grid(demo_db):
    with demo_db.sessions.begin() as session:
        home, elsewhere = two_grids(session)
        members = sorted((m for m in home.members if m.living), key=lambda m: m.relation_to_head != "户主")
        head, first, second = members[0], members[1], members[2]
        other_grid = elsewhere.grid_id
        assert grid_of(session, first.id) == home.building.grid_id != other_grid

        # one person to another household in another grid
        target = session.scalars(select(Household).where(Household.building_id == elsewhere.id)).first()
        move_person(
            session, first.id_number, Room(household_id=target.id), relation="租户", actor="x", scope=S
        )
        assert grid_of(session, first.id) == other_grid and mismatches(session) == 0

        # split: a member into a new room of the other grid's building
        split_household(
            session, [second.id_number], Room(building_id=elsewhere.id, unit=1, room="9911"),
            head=second.id_number, relations={}, actor="x", scope=S,
        )  # fmt: skip
        assert grid_of(session, second.id) == other_grid and mismatches(session) == 0

        # merge: the new household back into the first one (the first grid again)
        merge_households(session, second.household_id, home.id, head_relation="子", actor="x", scope=S)
        assert grid_of(session, second.id) == home.building.grid_id and mismatches(session) == 0

        # the whole household to an empty room of the other grid
        move_household(
            session, home.id, Room(building_id=elsewhere.id, unit=1, room="9912"), actor="x", scope=S
        )
        assert {grid_of(session, m.id) for m in home.members} == {other_grid} and mismatches(session) == 0

        # a new person in a household; one who moves away keeps their household and grid
        first17 = "61020219900102125"
        data = NewResident(
            first17 + _check(first17), "周小军", household_id=target.id, relation_to_head="租户"
        )
        added = add_resident(session, data, actor="x", scope=S)
        person = session.scalar(select(Resident).where(Resident.name == "周小军"))
        assert added is not None and grid_of(session, person.id) == other_grid
        record_moved_away(session, head.id_number, day=TODAY, destination="西安市", actor="x", scope=S,
                          today=TODAY, new_head=second.id_number)  # fmt: skip
        assert mismatches(session) == 0


def _check(first17: str) -> str:
    from app.services.common.idcard import check_digit

    return check_digit(first17)


def test_a_building_given_to_another_grid_takes_its_residents_along(demo_db):
    with demo_db.sessions.begin() as session:
        building = session.scalars(select(Building).order_by(Building.id)).first()
        other = session.scalar(select(Grid.id).where(Grid.id != building.grid_id).order_by(Grid.id))
        people = session.scalars(
            select(Resident.id).join(Household).where(Household.building_id == building.id)
        ).all()
        assert people
        building.grid_id = other
        assert mismatches(session) == 0 and {grid_of(session, p) for p in people} == {other}


def test_a_grid_written_by_hand_or_a_household_taken_away_is_corrected(demo_db):
    with demo_db.sessions.begin() as session:
        resident_id = session.scalar(select(Resident.id).where(Resident.household_id.is_not(None)))
        session.execute(update(Resident).where(Resident.id == resident_id).values(grid_id=999_999))
        assert mismatches(session) == 0
        session.execute(update(Resident).where(Resident.id == resident_id).values(household_id=None))
        assert grid_of(session, resident_id) is None and mismatches(session) == 0


def test_imported_residents_carry_their_grid(demo_db, tmp_path):
    with demo_db.sessions() as session:
        grid = session.scalars(select(Grid).order_by(Grid.id)).first()
    first17 = "61020219650315011"
    rows = [
        ["姓名", "公民身份号码", "网格", "楼栋", "房号", "与户主关系"],
        ["张建国", first17 + _check(first17), grid.code, "新建小区8号楼", "2单元502", "户主"],
    ]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    with demo_db.sessions() as session:
        report = import_residents(session, path, actor="x")
        assert report.created == 1 and report.written
    with demo_db.sessions() as session:
        person = session.scalar(select(Resident).where(Resident.id_number == first17 + _check(first17)))
        assert person.grid_id == grid.id and mismatches(session) == 0


def test_the_migration_fills_the_grid_and_drops_it_in_place(demo_db):
    engine = demo_db.engine
    with demo_db.sessions() as session:
        tags = session.scalar(select(func.count()).select_from(resident_tags))
    command.downgrade(alembic_config(engine), "0021")
    with engine.connect() as conn:
        columns = {row[1] for row in conn.execute(text("PRAGMA table_info(residents)"))}
        assert "grid_id" not in columns
        assert conn.execute(text("SELECT count(*) FROM resident_tags")).scalar() == tags
    assert upgrade(engine) and current_revision(engine) == SCHEMA_HEAD
    with demo_db.sessions() as session:
        assert mismatches(session) == 0
        assert session.scalar(select(func.count()).where(Resident.grid_id.is_not(None))) > 1000


def test_a_name_within_a_grid_is_read_from_the_grid_and_name_index(demo_db):
    """The plan, not the clock: the search within a grid walks (grid, initials) or (grid, pinyin)."""
    with demo_db.sessions() as session:
        grids = session.scalars(select(Grid.id).order_by(Grid.id).limit(2)).all()
        worker = Scope(frozenset(grids))
        statements: list[str] = []
        connection = session.connection()
        from sqlalchemy import event

        def keep(_conn, _cursor, statement, parameters, _context, _many):
            if "FROM residents" in statement and "name_initials" in statement:
                statements.append((statement, parameters))

        event.listen(connection, "before_cursor_execute", keep)
        try:
            result = search_residents(session, ResidentQuery("zh"), scope=worker)
        finally:
            event.remove(connection, "before_cursor_execute", keep)
        assert result.hits and {h.grid_code for h in result.hits} <= _codes(session, grids)
        plans = [
            " ".join(row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
            for sql, params in statements
            if sql.lstrip().startswith("SELECT residents.id")
        ]
        assert plans and any("ix_residents_grid_initials" in plan for plan in plans), plans


def _codes(session, grid_ids) -> set[str]:
    return set(session.scalars(select(Grid.code).where(Grid.id.in_(grid_ids))))


@pytest.mark.parametrize("text_", ["zh", "张", "z"])
def test_a_grid_workers_search_finds_the_same_people_as_the_join(demo_db, text_):
    with demo_db.sessions() as session:
        grids = frozenset(session.scalars(select(Grid.id).order_by(Grid.id).limit(2)).all())
        found = search_residents(session, ResidentQuery(text_, limit=1000), scope=Scope(grids))
        codes = _codes(session, grids)
        assert found.hits and all(hit.grid_code in codes for hit in found.hits)
        whole = search_residents(session, ResidentQuery(text_, limit=1000), scope=WHOLE_STREET)
        if not whole.more:
            assert {h.resident_id for h in found.hits} == {
                h.resident_id for h in whole.hits if h.grid_code in codes
            }
