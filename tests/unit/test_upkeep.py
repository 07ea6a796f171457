"""Keeping the population base current: every change, every refusal, the history and audit rows
it leaves, and that nobody is ever deleted."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from app.models import (
    DEAD,
    HEAD_RELATION,
    LIVING,
    MOVED,
    AuditEntry,
    Household,
    Resident,
    ResidentHistory,
    ResidentPhoto,
)
from app.services.admin.scope import WHOLE_STREET, scope_for
from app.services.common.idcard import check_digit
from app.services.population.changes import Room, UpkeepError, check_editor
from app.services.population.history import history_of, history_rows
from app.services.population.households import (
    change_head,
    merge_households,
    move_household,
    move_person,
    split_household,
)
from app.services.population.leaving import record_death, record_moved_away, record_return
from app.services.population.picking import find_households
from app.services.population.registration import NewResident
from app.services.population.upkeep import ResidentEdit, add_resident, edit_resident

TODAY = dt.date(2026, 11, 23)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
S = WHOLE_STREET


def household_of(session, size: int = 3) -> Household:
    """A household with at least ``size`` living members, the head first."""
    for household in session.scalars(select(Household).order_by(Household.id)):
        living = [m for m in household.members if m.living]
        if len(living) >= size and household.head is not None and household.head.birth_date.year < 1990:
            return household
    raise AssertionError("no such household in the demo")


def others(household: Household) -> list[Resident]:
    return [m for m in household.members if m.living and m.relation_to_head != HEAD_RELATION]


def kinds(session, resident: Resident) -> list[str]:
    return [row.kind for row in history_rows(session, resident.id)]


def audits(session, resident: Resident) -> list[str]:
    stmt = select(AuditEntry.action).where(AuditEntry.resident_id == resident.id).order_by(AuditEntry.id)
    return list(session.scalars(stmt))


def number(prefix: str = "61020219900102123") -> str:
    return prefix + check_digit(prefix)


def test_adding_a_resident_with_every_field_and_a_photo(demo_db):
    with demo_db.sessions.begin() as session:
        household = household_of(session)
        data = NewResident(
            id_number=number(),
            name="周小军",
            ethnicity="回族",
            phone="13900001111",
            hukou_address="铜川市王益区红旗街1号",
            card_authority="铜川市公安局王益分局",
            card_valid_from=dt.date(2020, 1, 1),
            card_long_term=True,
            household_id=household.id,
            relation_to_head="子",
            notes="新迁入",
            photo=PNG,
        )
        change = add_resident(session, data, actor="qiantai", scope=S)
        person = session.scalars(select(Resident).where(Resident.id_number == change.id_number)).one()
        assert (person.ethnicity, person.household_id, person.notes, person.sex) == (
            "回族",
            household.id,
            "新迁入",
            "male",
        )
        assert session.get(ResidentPhoto, person.id).mime_type == "image/png"
        assert kinds(session, person) == ["created"] and audits(session, person) == ["register"]
        with pytest.raises(UpkeepError, match="已在人口库中"):
            add_resident(session, data, actor="qiantai", scope=S)
        with pytest.raises(UpkeepError, match="JPEG 或 PNG"):
            add_resident(
                session, NewResident(number("61020219900102124"), "王五", photo=b"GIF89a"), actor="x", scope=S
            )


def test_editing_any_field_keeps_what_changed_before_and_after_without_a_full_number(demo_db):
    with demo_db.sessions.begin() as session:
        person = others(household_of(session))[0]
        old_number, old_phone = person.id_number, person.phone
        new_number = number("61020219900305123")
        change = edit_resident(
            session,
            old_number,
            ResidentEdit(id_number=new_number, phone="13700000000", photo=PNG),
            actor="qiantai",
            scope=S,
        )
        assert (
            change.id_number == new_number and "身份证号" in change.summary and "联系电话" in change.summary
        )
        assert (person.id_number, person.birth_date, person.sex) == (new_number, dt.date(1990, 3, 5), "male")
        entry = session.scalars(select(ResidentHistory).where(ResidentHistory.resident_id == person.id)).one()
        assert old_number not in entry.before + entry.after and new_number not in entry.before + entry.after
        before, after = json.loads(entry.before), json.loads(entry.after)
        assert before["phone"] == old_phone and after["phone"] == "13700000000"
        assert after["id_number"] == new_number[:4] + "*" * 10 + new_number[-4:]
        assert audits(session, person)[-1] == "resident_edited"


def test_an_edit_refuses_a_bad_or_taken_number_an_empty_name_and_a_head_change(demo_db):
    with demo_db.sessions.begin() as session:
        household = household_of(session)
        head, member = household.head, others(household)[0]
        with pytest.raises(UpkeepError, match="身份证号无效"):
            edit_resident(
                session, member.id_number, ResidentEdit(id_number="610202199001021230"), actor="x", scope=S
            )
        with pytest.raises(UpkeepError, match="另一位居民"):
            edit_resident(
                session, member.id_number, ResidentEdit(id_number=head.id_number), actor="x", scope=S
            )
        with pytest.raises(UpkeepError, match="姓名不能为空"):
            edit_resident(session, member.id_number, ResidentEdit(name=" "), actor="x", scope=S)
        with pytest.raises(UpkeepError, match="户主变更"):
            edit_resident(
                session, member.id_number, ResidentEdit(relation_to_head=HEAD_RELATION), actor="x", scope=S
            )
        with pytest.raises(UpkeepError, match="没有需要保存的修改"):
            edit_resident(session, member.id_number, ResidentEdit(phone=member.phone), actor="x", scope=S)
        assert history_rows(session, member.id) == []


def test_moving_a_person_and_a_head_who_must_name_a_successor(demo_db):
    with demo_db.sessions.begin() as session:
        home = household_of(session)
        head, member = home.head, others(home)[0]
        building = home.building
        change = move_person(
            session,
            member.id_number,
            Room(building_id=building.id, room="9901"),
            relation="",
            actor="qiantai",
            scope=S,
        )
        assert member.relation_to_head == HEAD_RELATION and member.household.room == "9901"
        assert "9901" in member.current_address and change.kind == "moved"
        with pytest.raises(UpkeepError, match="请指定新户主"):
            move_person(
                session,
                head.id_number,
                Room(household_id=member.household_id),
                relation="父亲",
                actor="x",
                scope=S,
            )
        with pytest.raises(UpkeepError, match="已有户主"):
            move_person(
                session,
                head.id_number,
                Room(household_id=member.household_id),
                relation=HEAD_RELATION,
                actor="x",
                scope=S,
            )
        successor = others(home)[0]
        change = move_person(
            session,
            head.id_number,
            Room(household_id=member.household_id),
            relation="父亲",
            new_head=successor.id_number,
            actor="qiantai",
            scope=S,
        )
        assert change.people == 2 and successor.relation_to_head == HEAD_RELATION and home.head is successor
        assert kinds(session, successor) == ["head_changed"]
        with pytest.raises(UpkeepError, match="此人已在该户"):
            move_person(
                session,
                head.id_number,
                Room(household_id=member.household_id),
                relation="父亲",
                actor="x",
                scope=S,
            )


def test_a_whole_household_moves_to_an_empty_room_only(demo_db):
    with demo_db.sessions.begin() as session:
        home = household_of(session)
        count = session.scalar(select(func.count(Household.id)))
        change = move_household(
            session, home.id, Room(building_id=home.building_id, unit=1, room="9902"), actor="x", scope=S
        )
        assert home.room == "9902" and change.people == len([m for m in home.members if m.living])
        assert (
            session.scalar(select(func.count(Household.id))) == count
        )  # the household moved, none was added
        other = session.scalars(select(Household).where(Household.id != home.id).limit(1)).one()
        with pytest.raises(UpkeepError, match="已有一户"):
            move_household(
                session,
                home.id,
                Room(building_id=other.building_id, unit=other.unit, room=other.room),
                actor="x",
                scope=S,
            )


def test_splitting_merging_and_changing_the_head(demo_db):
    with demo_db.sessions.begin() as session:
        home = household_of(session)
        head = home.head
        leaving = others(home)[:1]
        where = Room(building_id=home.building_id, unit=1, room="9903")
        with pytest.raises(UpkeepError, match="新户户主"):
            split_household(
                session,
                [p.id_number for p in leaving],
                where,
                head=head.id_number,
                relations={},
                actor="x",
                scope=S,
            )
        with pytest.raises(UpkeepError, match="不能把全部成员拆出"):
            everyone = [m.id_number for m in home.members if m.living]
            split_household(session, everyone, where, head=head.id_number, relations={}, actor="x", scope=S)
        split = split_household(
            session,
            [leaving[0].id_number],
            where,
            head=leaving[0].id_number,
            relations={},
            actor="x",
            scope=S,
        )
        assert split.kind == "household_split" and leaving[0].household.room == "9903"
        assert leaving[0].relation_to_head == HEAD_RELATION
        with pytest.raises(UpkeepError, match="原户主与"):
            merge_households(session, leaving[0].household_id, home.id, head_relation="", actor="x", scope=S)
        merged = merge_households(
            session, leaving[0].household_id, home.id, head_relation="子", actor="x", scope=S
        )
        assert (
            merged.people == 1 and leaving[0].household_id == home.id and leaving[0].relation_to_head == "子"
        )
        assert kinds(session, leaving[0]) == ["household_merged", "household_split"]
        changed = change_head(session, leaving[0].id_number, old_head_relation="父亲", actor="x", scope=S)
        assert home.head is leaving[0] and head.relation_to_head == "父亲" and changed.people == 2
        with pytest.raises(UpkeepError, match="已是户主"):
            change_head(session, leaving[0].id_number, old_head_relation="父亲", actor="x", scope=S)


def test_moving_away_dying_and_returning_delete_nobody(demo_db):
    with demo_db.sessions.begin() as session:
        total = session.scalar(select(func.count(Resident.id)))
        home = household_of(session)
        head, member = home.head, others(home)[0]
        with pytest.raises(UpkeepError, match="迁往何处"):
            record_moved_away(
                session, member.id_number, day=TODAY, destination=" ", actor="x", scope=S, today=TODAY
            )
        with pytest.raises(UpkeepError, match="不能晚于今天"):
            record_death(
                session, member.id_number, day=TODAY + dt.timedelta(days=1), actor="x", scope=S, today=TODAY
            )
        record_moved_away(
            session,
            member.id_number,
            day=dt.date(2026, 2, 1),
            destination="西安市雁塔区",
            actor="qiantai",
            scope=S,
            today=TODAY,
        )
        assert (member.state, member.left_on, member.moved_to) == (MOVED, dt.date(2026, 2, 1), "西安市雁塔区")
        with pytest.raises(UpkeepError, match="已于2026年2月1日迁出，不能迁往其他户"):
            move_person(
                session, member.id_number, Room(household_id=home.id), relation="子", actor="x", scope=S
            )
        record_return(session, member.id_number, actor="qiantai", scope=S)
        assert (member.state, member.left_on, member.moved_to) == (LIVING, None, "")
        with pytest.raises(UpkeepError, match="请指定新户主"):
            record_death(session, head.id_number, day=dt.date(2026, 3, 1), actor="x", scope=S, today=TODAY)
        change = record_death(
            session,
            head.id_number,
            day=dt.date(2026, 3, 1),
            new_head=member.id_number,
            actor="qiantai",
            scope=S,
            today=TODAY,
        )
        assert change.people == 2 and head.state == DEAD and home.head is member
        with pytest.raises(UpkeepError, match="已死亡，不能登记迁回"):
            record_return(session, head.id_number, actor="x", scope=S)
        with pytest.raises(UpkeepError, match="已于2026年3月1日死亡，不能登记死亡"):
            record_death(session, head.id_number, day=dt.date(2026, 3, 1), actor="x", scope=S, today=TODAY)
        assert kinds(session, member) == ["head_changed", "returned", "moved_away"]
        assert audits(session, member) == [
            "resident_moved_away",
            "resident_returned",
            "resident_head_changed",
        ]
        assert kinds(session, head) == ["died"]
        assert session.scalar(select(func.count(Resident.id))) == total
        assert head.household_id == home.id  # still on the household's file


def test_every_history_entry_has_its_audit_entry(demo_db):
    with demo_db.sessions.begin() as session:
        before_audit = session.scalar(select(func.count(AuditEntry.id)))
        home = household_of(session)
        member = others(home)[0]
        edit_resident(session, member.id_number, ResidentEdit(phone="13600000000"), actor="x", scope=S)
        record_moved_away(
            session, member.id_number, day=TODAY, destination="外省", actor="x", scope=S, today=TODAY
        )
        record_return(session, member.id_number, actor="x", scope=S)
        session.flush()
        entries = session.scalar(select(func.count(ResidentHistory.id)).where(ResidentHistory.actor == "x"))
        assert entries == 3 == session.scalar(select(func.count(AuditEntry.id))) - before_audit


def test_only_administrators_and_front_desk_change_residents(demo_db):
    with demo_db.sessions() as session:
        check_editor(session, "qiantai")
        check_editor(session, "admin")
        check_editor(session, None)
        with pytest.raises(UpkeepError, match="只有系统管理员和前台受理人员"):
            check_editor(session, "wangge")
        with pytest.raises(UpkeepError, match="不存在"):
            check_editor(session, "ghost")


def test_a_grid_worker_finds_no_resident_or_household_of_another_grid(demo_db):
    with demo_db.sessions.begin() as session:
        scope = scope_for(session, "wangge")
        outsider = next(
            r
            for r in session.scalars(
                select(Resident)
                .where(Resident.household_id.is_not(None))
                .order_by(Resident.id.desc())
                .limit(50)
            )
            if not scope.allows_resident(session, r)
        )
        with pytest.raises(UpkeepError, match="人口库中没有"):
            history_of(session, outsider.id_number, actor="wangge", scope=scope)
        with pytest.raises(UpkeepError, match="人口库中没有"):
            record_death(session, outsider.id_number, day=TODAY, actor="wangge", scope=scope, today=TODAY)
        label = outsider.household.label
        building = outsider.household.building.name
        assert all(c.label != label for c in find_households(session, building, scope=scope))
        assert any(
            c.label == label
            for c in find_households(session, f"{building} {outsider.household.room}", scope=S)
        )
