"""The named reads and steps the desk's case views, registration and the command line ask the
services for, instead of building queries themselves."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.models import Building, Community, Grid, Resident, User
from app.services.admin.auth import back_office_staff, staff_accounts, staff_names
from app.services.admin.centre import communities, community_id_of
from app.services.cases.accept import IntakeRequest, record_intake
from app.services.cases.detail import CaseNotSaved, case_detail, record_case_opened, take_step
from app.services.cases.search import CaseFilter, CaseSearchFailed, community_grids, list_cases
from app.services.cases.workflow import WorkflowError
from app.services.common.workdays import set_override, year_overrides
from app.services.population.lookup import LookupFailed
from app.services.population.registration import building_choices, grid_choices
from app.services.population.tags import TagError, TagInfo, all_tags, save_tag, set_tag


def test_staff_lists(demo_db):
    with demo_db.sessions() as session:
        names = staff_names(session)
        back = back_office_staff(session)
        accounts = staff_accounts(session)
        users = list(session.scalars(select(User)))
    assert names == {u.username: u.display_name for u in users}
    assert [c.username for c in back] == sorted(
        u.username for u in users if u.role == "back_office" and u.active
    )
    assert back and all(c.display_name == names[c.username] for c in back)
    assert [a.username for a in accounts] == sorted(u.username for u in users)


def test_communities_grids_and_buildings(demo_db):
    with demo_db.sessions() as session:
        community = session.scalars(select(Community).order_by(Community.code)).first()
        listed = communities(session)
        own_grids = community_grids(session, community.code)
        all_grids = grid_choices(session)
        grid = session.get(Grid, own_grids[0].id)
        buildings = building_choices(session, grid.id)
        expected_buildings = list(
            session.scalars(
                select(Building.name).where(Building.grid_id == grid.id).order_by(Building.sort_order)
            )
        )
        assert community_id_of(session, community.code) == community.id
        assert community_id_of(session, "NO-SUCH") is None
    assert listed[0] == (community.code, community.name)
    assert own_grids and all(session_grid.label for session_grid in own_grids)
    assert {g.id for g in own_grids} <= {g.id for g in all_grids}
    assert f"{community.name} {grid.name}" in [g.label for g in all_grids]
    assert [b.label for b in buildings] == expected_buildings


def test_calendar_overrides_of_one_year(db):
    with db.sessions.begin() as session:
        set_override(session, dt.date(2031, 10, 8), True, "调休上班")
        set_override(session, dt.date(2032, 1, 1), False, "元旦")
    with db.sessions() as session:
        assert year_overrides(session, 2031) == [(dt.date(2031, 10, 8), True, "调休上班")]


def test_tags_are_saved_and_set_with_the_same_refusals(demo_db):
    with demo_db.sessions() as session:
        number = session.scalars(select(Resident.id_number).limit(1)).first()
    with demo_db.sessions.begin() as session:
        with pytest.raises(TagError, match="不能为空"):
            save_tag(session, TagInfo("", "x", None, None, "#000", ""))
        with pytest.raises(TagError, match="应小于"):
            save_tag(session, TagInfo("x", "x", 60, 14, "#000", ""))
        saved = save_tag(session, TagInfo("empty_nest", "空巢老人", None, None, "#805ad5", ""))
        change = set_tag(session, "empty_nest", number, assigned=True, actor="admin")
        with pytest.raises(TagError, match="不存在"):
            set_tag(session, "no_such", "not a number", assigned=True, actor="admin")
        with pytest.raises(TagError, match="年龄"):
            set_tag(session, "elderly_80", number, assigned=True, actor="admin")
        with pytest.raises(LookupFailed):
            set_tag(session, "empty_nest", "11010519491231002X", assigned=True, actor="admin")
    assert saved.name == "空巢老人" and change.tag_code == "empty_nest" and change.assigned
    with demo_db.sessions() as session:
        assert all_tags(session)[-1].code == "empty_nest"


def test_a_case_in_detail_and_a_step_on_it(demo_db):
    with demo_db.sessions() as session:
        number = session.scalars(select(Resident.id_number).where(Resident.household_id.is_not(None))).first()
    case_no = record_intake(demo_db.sessions, IntakeRequest(number, "LL-001", "qiantai")).case_no
    with demo_db.sessions.begin() as session:
        detail = case_detail(session, case_no, dt.date.today())
        assert detail.case.case_no == case_no and detail.deadline in ("on_time", "due_soon", "overdue")
        assert detail.staff["qiantai"] and detail.item_department and detail.grid_name
        record_case_opened(session, detail.case, actor="houtai")
        assert case_detail(session, "NO-SUCH", dt.date.today()) is None
    with pytest.raises(WorkflowError):
        take_step(demo_db.sessions, case_no, "complete", actor="houtai", note="")
    take_step(demo_db.sessions, case_no, "dispatch", actor="houtai", to="houtai")
    rows = list_cases(demo_db.sessions, CaseFilter(text=case_no), today=dt.date.today(), actor="houtai")
    assert [(r.case_no, r.status) for r in rows] == [(case_no, "in_progress")]


def test_database_failures_come_back_as_sentences(demo_db, monkeypatch):
    from sqlalchemy.orm import Session

    def locked(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    for method in ("execute", "scalar", "scalars"):
        monkeypatch.setattr(Session, method, locked)
    with pytest.raises(CaseSearchFailed, match="OperationalError"):
        list_cases(demo_db.sessions, CaseFilter(), today=dt.date.today(), actor="houtai")
    with pytest.raises(CaseNotSaved, match="OperationalError"):
        take_step(demo_db.sessions, "ANY", "dispatch", actor="houtai", to="houtai")
