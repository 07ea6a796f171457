"""Looking a resident up: the whole picture, audited, and safe messages when it fails."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.models import AuditEntry, Household, Resident, Tag
from app.services.common.idcard import mask
from app.services.population.lookup import LookupFailed, lookup, tags_of
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
