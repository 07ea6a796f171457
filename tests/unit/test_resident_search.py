"""Finding a resident without the card: name, pinyin, initials, phone, address; filters; scope;
masked numbers; the audit entry; the index the queries use; the command."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from app.cli import main
from app.models import AuditEntry, Building, Grid, Household, Resident, Tag
from app.models.resident_keys import search_keys
from app.services.admin.scope import WHOLE_STREET, scope_for, user_grid_codes
from app.services.common.idcard import mask
from app.services.population.search import (
    ResidentQuery,
    SearchError,
    id_number_for,
    list_found,
    search_residents,
)
from app.services.population.search_terms import address_of, terms_of
from tests.conftest import DEMO_TODAY


def _find(session, text_: str, scope=WHOLE_STREET, **filters):
    return search_residents(session, ResidentQuery(text_, **filters), scope=scope, today=DEMO_TODAY)


def _someone(session, *where) -> Resident:
    stmt = select(Resident).join(Household).where(Resident.phone != "", *where).order_by(Resident.id)
    return session.scalars(stmt.limit(1)).one()


def _ids(result) -> set[int]:
    return {hit.resident_id for hit in result.hits}


def test_search_keys_are_pinyin_initials_and_phone_digits():
    assert search_keys("张伟", "138 1234-5678") == {
        "name_pinyin": "zhangwei",
        "name_initials": "zw",
        "phone_digits": "13812345678",
    }
    assert search_keys("单丽", "")["name_pinyin"] == "shanli"  # a surname read as a surname
    assert search_keys("吕梅", "")["name_pinyin"] == "lvmei"


def test_the_keys_follow_every_orm_write_and_the_demo_bulk_insert(demo_db):
    with demo_db.sessions.begin() as session:
        person = _someone(session)
        assert person.name_pinyin == search_keys(person.name, person.phone)["name_pinyin"]
        person.name, person.phone = "欧阳娜娜", "139-0000-1122"
    with demo_db.sessions() as session:
        assert _ids(_find(session, "oyn")) == {person.id}
        assert person.id in _ids(_find(session, "ouyangn"))
        assert _ids(_find(session, "00001122")) == {person.id}  # the FTS index followed the update
        assert _ids(_find(session, "0000112")) == {person.id}


def test_a_person_is_found_by_name_pinyin_initials_phone_and_room(demo_db):
    with demo_db.sessions() as session:
        person = _someone(session)
        household = person.household
        building = household.building.name
        keys = search_keys(person.name, person.phone)
        for typed in (
            person.name,
            person.name[:2],
            keys["name_pinyin"],
            keys["name_pinyin"].upper(),
            keys["name_initials"],
            person.phone[-4:],
            person.phone[3:8],
            person.phone,
            f"{building}{household.unit}单元{household.room}",
            f"{building[-3:]}{household.unit}单元{household.room}室",
            household.room,
            f"{person.name[0]} {household.room}",
            person.id_number,
        ):
            result = _find(session, typed)
            assert person.id in _ids(result), typed
        hit = next(h for h in _find(session, person.name).hits if h.resident_id == person.id)
        assert hit.id_number == mask(person.id_number) and "*" in hit.id_number
        assert hit.address == f"{building}{household.unit}单元{household.room}室"
        assert hit.state_name == "在册"
        # every hit of a name search starts with what was typed; of a phone search holds it
        assert all(h.name.startswith(person.name[:2]) for h in _find(session, person.name[:2]).hits)
        assert all(person.phone[3:8] in h.phone for h in _find(session, person.phone[3:8]).hits)


def test_a_building_ending_is_not_the_end_of_a_longer_number():
    assert address_of("3号楼2单元502").building == "3号楼"
    assert address_of("2单元502").unit == 2
    assert address_of("502室").room == "502"
    assert address_of("张伟") is None
    assert [t.kind for t in terms_of("张 502 zw 13812345678")] == ["name", "digits", "latin", "digits"]


def test_room_search_matches_the_room_exactly(demo_db):
    with demo_db.sessions() as session:
        result = _find(session, "1号楼 101")
        assert result.hits
        assert all(h.address.endswith("101室") and "1号楼" in h.address for h in result.hits)
        assert not any("11号楼" in h.address for h in result.hits)


def test_filters_narrow_by_grid_tag_and_state(demo_db):
    with demo_db.sessions.begin() as session:
        person = _someone(session)
        grid = session.scalar(
            select(Grid.code).join(Building).join(Household).where(Household.id == person.household_id)
        )
        other_grid = session.scalar(select(Grid.code).where(Grid.code != grid).limit(1))
        assert person.id in _ids(_find(session, person.name, grid_code=grid))
        assert person.id not in _ids(_find(session, person.name, grid_code=other_grid))
        assert person.id not in _ids(_find(session, person.name, state="moved"))
        person.state = "moved"
    with demo_db.sessions() as session:
        moved = _find(session, person.name, state="moved")
        assert person.id in _ids(moved) and all(h.state == "moved" for h in moved.hits)
        party = _find(session, "", tag_code="party_member")
        tagged = session.scalars(select(Tag).where(Tag.code == "party_member")).one()
        assert party.hits and all(tagged in session.get(Resident, h.resident_id).tags for h in party.hits)
        elderly = _find(session, "", tag_code="elderly_80")
        assert elderly.hits and all(h.age >= 80 for h in elderly.hits)
        with pytest.raises(SearchError, match="网格"):
            _find(session, "张", grid_code="nope")
        with pytest.raises(SearchError, match="标签"):
            _find(session, "张", tag_code="nope")
        with pytest.raises(SearchError, match="状态"):
            _find(session, "张", state="gone")
        with pytest.raises(SearchError, match="请输入"):
            _find(session, "  ")


def test_the_limit_says_there_were_more(demo_db):
    with demo_db.sessions() as session:
        result = search_residents(session, ResidentQuery("z", limit=5), scope=WHOLE_STREET)
        assert len(result.hits) == 5 and result.more
        person = _someone(session)
        assert not _find(session, person.id_number).more


def test_a_grid_worker_never_finds_a_resident_of_another_grid(demo_db):
    with demo_db.sessions() as session:
        scope = scope_for(session, "wangge")
        codes = user_grid_codes(session, "wangge")
        outsider = _someone(
            session, Household.building_id.in_(select(Building.id).join(Grid).where(Grid.code.not_in(codes)))
        )
        insider = _someone(
            session, Household.building_id.in_(select(Building.id).join(Grid).where(Grid.code.in_(codes)))
        )
        room = outsider.household.room
        for typed in (outsider.name, outsider.phone, outsider.id_number, room, outsider.name_initials):
            assert outsider.id not in _ids(_find(session, typed, scope=scope)), typed
            assert all(h.grid_code in codes for h in _find(session, typed, scope=scope).hits)
        assert outsider.id in _ids(_find(session, outsider.phone))
        assert insider.id in _ids(_find(session, insider.phone, scope=scope))
        with pytest.raises(SearchError):
            id_number_for(session, outsider.id, scope=scope)
        assert id_number_for(session, insider.id, scope=scope) == insider.id_number


def test_showing_a_list_is_audited_without_the_number(demo_db):
    with demo_db.sessions.begin() as session:
        person = _someone(session)
        result = list_found(
            session, ResidentQuery(person.id_number), scope=WHOLE_STREET, actor="qiantai", today=DEMO_TODAY
        )
        assert len(result.hits) == 1
    with demo_db.sessions() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.actor, entry.action, entry.subject) == ("qiantai", "search", "1条")
    assert mask(person.id_number) in entry.detail and person.id_number not in entry.detail


@pytest.mark.parametrize(
    ("typed", "index"),
    [
        ("zw", "ix_residents_name_initials"),
        ("zhangw", "ix_residents_name_pinyin"),
        ("张伟", "ix_residents_name"),
        ("502", "ix_households_room"),
        ("12345678", "resident_phones"),
    ],
)
def test_each_kind_of_search_reads_an_index(demo_db, typed, index):
    from app.services.population.search import _alternatives, _base

    with demo_db.sessions() as session:
        term = terms_of(typed)[0]
        plans = []
        for alternative in _alternatives(session, term, for_filter=False):
            sql = str(_base().where(alternative).limit(201).compile(compile_kwargs={"literal_binds": True}))
            plans += [row[3] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql))]
    assert any(index in step for step in plans), plans
    assert not any(step.startswith("SCAN residents") for step in plans), plans


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_the_residents_command_prints_masked_lines_narrowed_to_the_user(capsys, demo_db):
    with demo_db.sessions() as session:
        codes = user_grid_codes(session, "wangge")
        outsider = _someone(
            session, Household.building_id.in_(select(Building.id).join(Grid).where(Grid.code.not_in(codes)))
        )
    code, lines, _ = _run(capsys, "--db", demo_db.url, "residents", "--search", outsider.phone)
    assert code == 0
    line = next(line for line in lines if line["name"] == outsider.name)
    assert line["id_number"] == mask(outsider.id_number) and line["phone"] == outsider.phone
    code, lines, _ = _run(
        capsys, "--db", demo_db.url, "residents", "--search", outsider.phone, "--user", "wangge"
    )
    assert code == 0 and all(line["name"] != outsider.name for line in lines)
    code, lines, _ = _run(capsys, "--db", demo_db.url, "residents", "--search", "z", "--user", "wangge")
    assert lines and all("****" in line.get("phone", "****") for line in lines if line.get("phone"))
    assert all(line["grid"] in codes for line in lines if "name" in line)
    code, lines, _ = _run(capsys, "--db", demo_db.url, "residents", "--search", "z", "--limit", "3")
    assert len(lines) == 4 and lines[-1] == {"more": True, "shown": 3}
    code, _, err = _run(capsys, "--db", demo_db.url, "residents", "--search", "z", "--grid", "nope")
    assert code == 1 and "网格" in err
    code, _, err = _run(capsys, "--db", demo_db.url, "residents", "--search", "z", "--user", "ghost")
    assert code == 1 and "不存在" in err
    with demo_db.sessions() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(4)).all()
    assert actions.count("search") >= 3


def test_a_short_word_inside_one_grid_is_read_through_the_grid(demo_db):
    from app.services.population.search import _alternatives, _grids_of
    from app.services.population.search_plan import driving, in_grids, in_state

    with demo_db.sessions() as session:
        grid = session.scalars(select(Grid.code).order_by(Grid.code).limit(1)).one()
        query = ResidentQuery("z", grid_code=grid)
        result = search_residents(session, query, scope=WHOLE_STREET)
        assert result.hits and all(h.grid_code == grid for h in result.hits)
        place = in_grids(_grids_of(session, query, WHOLE_STREET))
        weak = _alternatives(session, terms_of("z")[0], for_filter=False)
        assert driving(session, [place], weak) is place
        person = _someone(session)
        strong = _alternatives(session, terms_of(person.id_number)[0], for_filter=False)
        assert driving(session, [place], strong) is None
        few = in_state("dead")  # the demo's three dead drive: a few rows to check, not the zh… range
        assert driving(session, [place, few], weak) is few
        hits = search_residents(session, ResidentQuery("z", state="dead"), scope=WHOLE_STREET).hits
        assert all(h.state == "dead" for h in hits)


def test_a_search_among_those_who_left_reads_their_partial_index(demo_db):
    """Only the few who moved away or died are indexed by state (migration 0027); a search
    confined to them must name the index's condition so that SQLite reads it."""
    from sqlalchemy import select
    from sqlalchemy.dialects import sqlite

    from app.models import Resident
    from app.services.population.search_plan import in_state

    for state, index_used in (("moved", True), ("dead", True), ("living", False)):
        stmt = select(Resident.id).where(in_state(state).indexed)
        sql = str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        with demo_db.engine.connect() as conn:
            plan = " | ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
        assert ("ix_residents_left" in plan) is index_used, (state, plan)
