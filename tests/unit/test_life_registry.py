"""The registry of records that travel up only: what each type sends, and what it never sends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from app.models import (
    Attendance,
    Base,
    Grid,
    OutboxEntry,
    PartyMember,
    PartyOrganisation,
    Volunteer,
    VolunteerActivity,
    Wish,
)
from app.services.sync import life_content
from app.services.sync.life_types import REGISTRY, content, exposes, invalid, scrub

ROOT = Path(__file__).resolve().parents[2]
ID = "11010519491231002X"
PHONE = "13912345678"


def test_every_model_that_travels_up_is_registered_once():
    marked = {m.class_.sync_type for m in Base.registry.mappers if hasattr(m.class_, "sync_type")}
    assert marked == set(REGISTRY)
    for name, life in REGISTRY.items():
        assert life.model.sync_type == name and life.fields


def test_scrub_masks_id_and_phone_numbers_in_free_text():
    text = f"张三 {ID} 电话{PHONE}，座机 0919-2345678，门牌 12 号"
    cleaned = scrub(text)
    assert ID not in cleaned and PHONE not in cleaned and "2345678" not in cleaned
    assert "110105********002X" in cleaned and "门牌 12 号" in cleaned and not exposes(cleaned)


def test_built_records_carry_the_registered_fields_and_nothing_personal(demo_db):
    with demo_db.sessions.begin() as session:
        wish = session.scalars(select(Wish)).first()
        wish.claimer_phone, wish.claimer_name, wish.content = PHONE, "王建国", f"给 {ID} 送米"
        member = session.scalars(select(PartyMember)).first()
        member.phone, member.unit_name = PHONE, f"区税务局（联系 {PHONE}）"
        session.flush()
        lookups = life_content.Lookups(session)
        for name, life in REGISTRY.items():
            rows = session.scalars(select(life.model).limit(20)).all()
            assert rows, name  # the demo has every type
            for row in rows:
                data = content(name, row, lookups).data
                assert set(data) == set(life.fields), name
                assert not exposes(data), (name, data)
                assert invalid(name, data) is None, (name, invalid(name, data))
        wish_data = content("wish", wish, lookups).data
        assert "王建国" not in str(wish_data) and "content" not in wish_data and "photo" not in wish_data
        member_data = content("party_member", member, lookups).data
        assert member_data["unit_name"].startswith("区税务局") and PHONE not in member_data["unit_name"]


def test_the_street_refuses_data_beyond_the_registered_fields():
    good = {"grid": "", "visited_on": "2026-11-02", "way": "入户", "target": "resident", "case_raised": False}
    assert invalid("visit", good) is None
    assert "phone" in invalid("visit", {**good, "phone": "1"})
    assert "缺失" in invalid("visit", {k: v for k, v in good.items() if k != "way"})
    assert "ISO" in invalid("visit", {**good, "visited_on": "昨天"})
    assert "身份证" in invalid(
        "deliberation",
        {
            **dict.fromkeys(REGISTRY["deliberation"].fields, None),
            "meeting_no": "YS",
            "kind": "bench",
            "topic": ID,
            "grid": "",
            "votes_for": 0,
            "votes_against": 0,
            "votes_abstain": 0,
        },
    )
    assert invalid("nothing", {}) is not None


def test_a_change_to_a_wish_and_its_outbox_row_commit_together(demo_db):
    with demo_db.sessions.begin() as session:
        wish = session.scalars(select(Wish).where(Wish.status == "published")).first()
        before = session.scalar(select(func.count()).select_from(OutboxEntry))
        wish_uuid = wish.uuid
        wish.rating = 4
    with demo_db.sessions() as session:
        rows = session.scalars(select(OutboxEntry).order_by(OutboxEntry.id.desc()).limit(1)).all()
        assert session.scalar(select(func.count()).select_from(OutboxEntry)) == before + 1
        assert (rows[0].record_type, rows[0].record_uuid, rows[0].sent_at) == ("wish", wish_uuid, None)


def test_a_process_killed_before_its_commit_leaves_neither_the_change_nor_an_outbox_row(demo_db):
    url = str(demo_db.engine.url)
    with demo_db.sessions() as session:
        wish = session.scalars(select(Wish).where(Wish.status == "published")).first()
        wish_id, status = wish.id, wish.status
        before = session.scalar(select(func.count()).select_from(OutboxEntry))
    demo_db.dispose()
    script = f"""
import os
from app.db import open_database
from app.models import OutboxEntry, Wish
import pytest
from sqlalchemy import func, select
db = open_database({url!r})
session = db.sessions()
wish = session.get(Wish, {wish_id})
wish.status = "claimed"
session.flush()  # the change and its outbox row are written, not committed
assert session.scalar(select(func.count()).select_from(OutboxEntry)) == {before} + 1
os._exit(9)
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=dict(os.environ), timeout=120)
    assert done.returncode == 9
    with demo_db.sessions() as session:
        assert session.get(Wish, wish_id).status == status
        assert session.scalar(select(func.count()).select_from(OutboxEntry)) == before


def test_a_volunteers_hours_changed_queue_their_activity_and_no_one_travels(demo_db):
    with demo_db.sessions.begin() as session:
        attendance = session.scalars(select(Attendance).where(Attendance.hours > 0)).first()
        activity = session.get(VolunteerActivity, attendance.activity_id)
        volunteer = session.get(Volunteer, attendance.volunteer_id)
        before = session.scalar(select(func.count()).select_from(OutboxEntry))
        built = content("volunteer_activity", activity, life_content.Lookups(session)).data
        attendance.hours += 1  # a correction, as correct_hours makes it
    with demo_db.sessions() as session:
        latest = session.scalars(select(OutboxEntry).order_by(OutboxEntry.id.desc()).limit(1)).one()
        again = content(
            "volunteer_activity", session.get(VolunteerActivity, activity.id), life_content.Lookups(session)
        )
        assert session.scalar(select(func.count()).select_from(OutboxEntry)) == before + 1
    assert (latest.record_type, latest.record_uuid) == ("volunteer_activity", activity.uuid)
    assert (
        again.data["hours"] == pytest.approx(built["hours"] + 1)
        and again.data["volunteers"] == built["volunteers"]
    )
    assert volunteer.name not in str(built) and volunteer.id_masked not in str(built)
    assert (
        set(built) == set(REGISTRY["volunteer_activity"].fields)
        and built["held_on"] == activity.starts_at.date().isoformat()
    )


def test_only_grid_branches_of_the_organisation_travel(demo_db):
    with demo_db.sessions.begin() as session:
        branch = session.scalars(
            select(PartyOrganisation)
            .where(PartyOrganisation.level == "grid_branch")
            .order_by(PartyOrganisation.id)
        ).first()
        group = session.scalars(
            select(PartyOrganisation).where(PartyOrganisation.level == "building_group")
        ).first()
        before = session.scalar(select(func.max(OutboxEntry.id)))
        branch.name, group.name = "更名后的网格党支部", "王建国楼栋党小组"
        session.flush()
        queued = session.execute(
            select(OutboxEntry.record_type, OutboxEntry.record_uuid).where(OutboxEntry.id > before)
        ).all()
        assert queued == [("party_branch", branch.uuid)]
        data = content("party_branch", branch, life_content.Lookups(session)).data
        assert data == {"name": "更名后的网格党支部", "grid": session.get(Grid, branch.grid_id).code}
        # a node once queued in bulk: only the branches are queued again, never a lower node
        session.execute(delete(OutboxEntry).where(OutboxEntry.record_type == "party_branch"))
        requeued = life_content.queue_existing(session)
        branches = session.scalar(select(func.count()).where(PartyOrganisation.level == "grid_branch"))
        assert requeued == branches > 0
        kinds = session.scalars(
            select(PartyOrganisation.level)
            .join(OutboxEntry, OutboxEntry.record_uuid == PartyOrganisation.uuid)
            .where(OutboxEntry.record_type == "party_branch")
            .distinct()
        ).all()
        assert kinds == ["grid_branch"]
        assert life_content.load(session, "party_branch", [group.uuid]) == []
