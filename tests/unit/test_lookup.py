"""Looking a resident up: the whole picture, audited, and safe messages when it fails."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, Household, Resident, Tag
from app.services.common.idcard import mask
from app.services.population.lookup import _PERSON, _PLACE_AT, LookupFailed, look_up, lookup
from app.services.population.resident_record import Place, resident_json, tags_of
from tests.conftest import DEMO_TODAY


def _a_household_member(session) -> Resident:
    household = session.scalars(select(Household).where(Household.members.any()).limit(1)).one()
    return household.members[-1]


def test_lookup_returns_household_building_grid_and_writes_audit(demo_db):
    with demo_db.sessions.begin() as session:
        person = _a_household_member(session)
        record = lookup(
            session, person.id_number.lower(), actor="qiantai", purpose="开具居住证明", today=DEMO_TODAY
        )
    assert record["name"] == person.name
    assert record["household"]["head"] and len(record["household"]["members"]) >= 1
    assert record["building"]["name"].endswith("号楼")
    assert record["grid"]["leader"]["name"]
    assert record["community"]["street"] == "桃园街道"
    # household members are shown masked: the lookup is of one person, not of the whole family
    assert all("*" in m["id_number"] for m in record["household"]["members"])
    with demo_db.sessions() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.actor, entry.action, entry.purpose) == ("qiantai", "lookup", "开具居住证明")
    assert entry.subject == mask(person.id_number) and person.id_number not in entry.subject


def test_unknown_and_invalid_numbers_fail_clearly_without_the_number(demo_db):
    with demo_db.sessions() as session:
        with pytest.raises(LookupFailed) as missing:
            lookup(session, "11010519491231002X", actor="t")
        assert missing.value.kind == "not_found" and "11010519491231002X" not in str(missing.value)
        with pytest.raises(LookupFailed) as invalid:
            lookup(session, "110105194912310021", actor="t")
        assert invalid.value.kind == "invalid" and "校验码" in str(invalid.value)
        assert session.scalars(select(AuditEntry)).first() is None  # nothing shown, nothing logged


def test_a_legacy_15_digit_number_finds_the_same_person(demo_db):
    with demo_db.sessions.begin() as session:
        person = session.scalars(select(Resident).where(Resident.id_number.like("______19%"))).first()
        legacy = person.id_number[:6] + person.id_number[8:17]
        assert lookup(session, legacy, actor="t")["name"] == person.name


def test_age_tags_follow_the_birth_date_and_assigned_tags_stay(demo_db):
    with demo_db.sessions() as session:
        rule_tags = list(
            session.scalars(select(Tag).where(Tag.min_age.is_not(None) | Tag.max_age.is_not(None)))
        )
        party = session.scalars(select(Tag).where(Tag.code == "party_member")).one()
        person = Resident(name="测试", birth_date=dt.date(1940, 5, 1), tags=[party])
        codes = [t.code for t in tags_of(person, rule_tags, DEMO_TODAY)]
        assert {"elderly_60", "elderly_80", "party_member"} <= set(codes)
        child = Resident(name="小测", birth_date=dt.date(2015, 1, 1), tags=[])
        assert [t.code for t in tags_of(child, rule_tags, DEMO_TODAY)] == ["child_under_14"]
        teen = Resident(name="少年", birth_date=dt.date(2012, 11, 23), tags=[])
        assert tags_of(teen, rule_tags, DEMO_TODAY) == []  # 14 today: no longer "under 14"


def test_the_desk_panel_gets_typed_records_that_agree_with_the_lookup(demo_db):
    from app.services.desk.panel import lookup_for_desk

    with demo_db.sessions.begin() as session:
        person = _a_household_member(session)
        record = lookup(session, person.id_number, actor="t", today=DEMO_TODAY)
        desk = lookup_for_desk(session, person.id_number, actor="t", purpose="前台输入查询", today=DEMO_TODAY)
    shown = desk.resident
    assert (shown.id_number, shown.name, shown.age, shown.birth_date) == (
        record["id_number"],
        record["name"],
        record["age"],
        record["birth_date"],
    )
    assert [t.name for t in shown.tags] == [t["name"] for t in record["tags"]]
    assert shown.household.label == record["household"]["label"]
    assert [m.id_number for m in shown.household.members] == [
        m["id_number"] for m in record["household"]["members"]
    ]
    assert (shown.grid.code, shown.grid.community, shown.grid.leader_name) == (
        record["grid"]["code"],
        record["community"]["name"],
        record["grid"]["leader"]["name"],
    )
    assert shown.card.valid_to == record["card"]["valid_to"]
    with pytest.raises(AttributeError):
        shown.name = "x"  # frozen


def test_the_desks_row_lookup_shows_what_the_orm_record_shows_for_everyone(demo_db):
    """The swipe reads plain rows; certificates read ORM objects. Both must show the same record
    for every kind of resident: living, moved away, dead, with or without a household, tagged,
    of any age, in a grid with or without a leader."""
    with demo_db.sessions() as session:
        people = session.scalars(select(Resident).order_by(Resident.id)).all()
        states = {p.state for p in people}
        assert {"living", "moved", "dead"} <= states  # the demo covers every state
        compared = 0
        for person in people:
            by_rows = look_up(session, person.id_number, actor="t", purpose="t", today=DEMO_TODAY)
            assert (by_rows.resident_id, by_rows.id_number) == (person.id, person.id_number)
            assert by_rows.record == resident_json(session, person, DEMO_TODAY), person.id
            compared += 1
        session.rollback()
    assert compared == len(people) > 100


def test_the_swipes_statement_lists_the_places_fields_in_their_order():
    names = [c.name for c in _PERSON.selected_columns][_PLACE_AT:]
    assert names == list(Place._fields)


def test_a_swipe_writes_one_audit_row_and_nothing_else(demo_db):
    with demo_db.sessions() as session:
        person = _a_household_member(session)
        before = session.scalar(select(func.count()).select_from(AuditEntry))
        look_up(session, person.id_number, actor="qiantai", purpose="查询", today=DEMO_TODAY)
        assert not session.new and not session.dirty  # nothing left for a flush to write
        session.commit()
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before + 1


@pytest.mark.parametrize("statement", ["_PERSON", "_MEMBER_ROWS", "_MEMBERS", "_TAG_ROWS"])
def test_a_swipe_reads_by_index_never_by_walking_the_residents(demo_db, statement):
    """Without statistics SQLite once walked the index on ``state`` (every living resident) to
    find one household's members: 200 ms a swipe at a million residents. Every statement of a
    swipe must search by the resident's number, the household or the resident's id."""
    from sqlalchemy.dialects import sqlite

    from app.services.population import lookup as module

    compiled = getattr(module, statement).compile(dialect=sqlite.dialect())
    params = [1] * len(compiled.positiontup)
    with demo_db.engine.connect() as conn:
        plan = " | ".join(
            row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", tuple(params))
        )
    assert "ix_residents_state" not in plan, plan
    assert "SCAN residents" not in plan and "SCAN r" not in plan, plan
    first = plan.split(" | ")[0]
    expected = {
        "_PERSON": "sqlite_autoindex_residents",
        "_MEMBER_ROWS": "ix_residents_household",
        "_MEMBERS": "ix_residents_household",
        "_TAG_ROWS": "resident_tags",
    }[statement]
    assert expected in plan, plan
    assert first.startswith("SEARCH"), plan


def _audit_count(db) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def test_the_desks_swipe_commits_the_same_record_as_the_session_lookup(demo_db):
    from app.services.population.lookup import swipe

    with demo_db.sessions() as session:
        person = _a_household_member(session)
        number, resident_id = person.id_number, person.id
        in_session = look_up(session, number, actor="t", purpose="t", today=DEMO_TODAY)
        session.rollback()
    before = _audit_count(demo_db)
    swiped = swipe(demo_db.engine, number, actor="qiantai", purpose="刷卡查询", today=DEMO_TODAY)
    assert swiped == in_session
    # committed by the swipe itself: another connection sees the entry
    assert _audit_count(demo_db) == before + 1
    with demo_db.sessions() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.actor, entry.resident_id) == ("lookup", "qiantai", resident_id)


def test_a_swipe_outside_the_scope_is_refused_and_the_refusal_kept(demo_db):
    from app.services.admin.scope import Scope
    from app.services.population.lookup import swipe

    with demo_db.sessions() as session:
        person = _a_household_member(session)
    before = _audit_count(demo_db)
    with pytest.raises(LookupFailed) as refused:
        swipe(
            demo_db.engine,
            person.id_number,
            actor="wangge",
            purpose="t",
            today=DEMO_TODAY,
            scope=Scope(frozenset()),
        )
    assert refused.value.kind == "out_of_scope"
    with demo_db.sessions() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert _audit_count(demo_db) == before + 1 and entry.action == "lookup_refused"


def test_a_swipe_that_cannot_write_its_audit_entry_shows_and_keeps_nothing(demo_db, monkeypatch):
    from app.services.common import audit
    from app.services.population.lookup import swipe

    with demo_db.sessions() as session:
        person = _a_household_member(session)
    before = _audit_count(demo_db)
    real = audit.record_row

    def audit_then_fail(runner, **kwargs):
        real(runner, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(audit, "record_row", audit_then_fail)
    with pytest.raises(OSError):
        swipe(demo_db.engine, person.id_number, actor="t", purpose="t", today=DEMO_TODAY)
    monkeypatch.setattr(audit, "record_row", real)
    assert _audit_count(demo_db) == before  # rolled back when the connection went back to the pool
    swipe(demo_db.engine, person.id_number, actor="t", purpose="t", today=DEMO_TODAY)  # the pool is sound
    assert _audit_count(demo_db) == before + 1


def test_an_unknown_number_swiped_writes_nothing(demo_db):
    from app.services.population.lookup import swipe

    before = _audit_count(demo_db)
    with pytest.raises(LookupFailed) as missing:
        swipe(demo_db.engine, "11010519491231002X", actor="t", purpose="t", today=DEMO_TODAY)
    assert missing.value.kind == "not_found" and "11010519491231002X" not in str(missing.value)
    assert _audit_count(demo_db) == before
