"""Records of community life reach the street server from a demo desk, and the street's figures
equal what the desk's own tables say; a wish claimed after its first push arrives as a new
version; a community writes only its own records."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid as uuidlib

import httpx
import pytest
from sqlalchemy import func, select

from app.db import open_database
from app.models import (
    Attendance,
    Community,
    Deliberation,
    DeliberationStep,
    Grid,
    MeetingAttendance,
    OutboxEntry,
    PartnerProject,
    PartnerUnit,
    PartyMeeting,
    PartyMember,
    PartyOrganisation,
    ReportInService,
    Visit,
    VolunteerActivity,
    VolunteerTeam,
    Wish,
)
from app.services.admin.centre import set_current_community
from app.services.engage.wishes import claim_wish
from app.services.sync.client import SyncClient
from app.street import admin
from app.street.life_stats import last_full_month
from app.street.models import StreetLifeRecord

TY, XH = "610202010001", "610202010002"
START, END = dt.date(2024, 1, 1), dt.date(2026, 12, 31)


@pytest.fixture
def keys(server):
    def key(code: str) -> str:
        return admin.register(server["sessions"], code, f"社区{code}", rotate=True)["api_key"]

    return {TY: key(TY), XH: key(XH)}


def _desk(demo_life_db_file, tmp_path, community: str):
    path = tmp_path / f"{community}.db"
    shutil.copy(demo_life_db_file, path)
    db = open_database(f"sqlite:///{path}")
    with db.sessions.begin() as session:
        set_current_community(session, community)
    return db


def _in(column, start=START, end=END):
    return column.between(start, end)


def _expected(db, community: str, today: dt.date) -> tuple[dict[str, float], list[str]]:
    """The figures counted straight from the desk's tables, by a road of their own."""
    with db.sessions() as s:
        cid = s.scalar(select(Community.id).where(Community.code == community))
        grids = select(Grid.id).where(Grid.community_id == cid)
        branches = select(PartyOrganisation.id).where(PartyOrganisation.community_id == cid)
        units = select(PartnerUnit.id).where(PartnerUnit.community_id == cid)
        mine_w = Wish.community_id == cid
        count = lambda *where: s.scalar(select(func.count()).where(*where))  # noqa: E731
        visits = Visit.grid_id.in_(grids)
        members = (PartyMember.branch_id.in_(branches), PartyMember.transferred_out_on.is_(None))
        held = (PartyMeeting.branch_id.in_(branches), PartyMeeting.held.is_(True))
        services = ReportInService.member_id.in_(
            select(PartyMember.id).where(PartyMember.branch_id.in_(branches))
        )
        published = select(DeliberationStep.deliberation_id).where(
            DeliberationStep.step == "publish_decision"
        )
        figures = {
            "wishes.posted": count(mine_w, _in(Wish.posted_on)),
            "wishes.claimed": count(mine_w, _in(Wish.claimed_on)),
            "wishes.fulfilled": count(mine_w, Wish.status == "fulfilled", _in(Wish.fulfilled_on)),
            "visits.made": count(visits, _in(Visit.visited_on)),
            "visits.home": count(visits, Visit.way == "入户", _in(Visit.visited_on)),
            "deliberations.held": count(Deliberation.community_id == cid, _in(Deliberation.held_on)),
            "deliberations.decisions_published": count(
                Deliberation.community_id == cid,
                ((Deliberation.kind == "four_two") & Deliberation.id.in_(published))
                | ((Deliberation.kind != "four_two") & _in(Deliberation.decided_on)),
            ),
            "partners.units": count(PartnerUnit.community_id == cid),
            "partners.projects_finished": count(
                PartnerProject.unit_id.in_(units),
                PartnerProject.status == "done",
                _in(PartnerProject.finished_on),
            ),
            "party.members_full": count(*members, PartyMember.status == "full"),
            "party.members_probation": count(*members, PartyMember.status == "probation"),
            "party.members_in_service": count(*members, PartyMember.kind == "in_service"),
            "party.meetings_held": count(*held, _in(PartyMeeting.held_on)),
            "party.meeting_attendance": s.scalar(
                select(func.count())
                .select_from(MeetingAttendance)
                .join(PartyMeeting, PartyMeeting.id == MeetingAttendance.meeting_id)
                .where(*held, _in(PartyMeeting.held_on), MeetingAttendance.present.is_(True))
            ),
            "report_in.services": count(services, _in(ReportInService.served_on)),
            "report_in.hours": s.scalar(
                select(func.coalesce(func.sum(ReportInService.hours), 0)).where(
                    services, _in(ReportInService.served_on)
                )
            ),
        }
        teams = select(VolunteerTeam.id).where(VolunteerTeam.community_id == cid)
        held_here = (
            VolunteerActivity.team_id.in_(teams),
            VolunteerActivity.status == "held",
            _in(func.date(VolunteerActivity.starts_at), START.isoformat(), END.isoformat()),
        )
        served = select(func.count(), func.coalesce(func.sum(Attendance.hours), 0)).join(
            VolunteerActivity, VolunteerActivity.id == Attendance.activity_id
        )
        figures["volunteers.activities"] = count(*held_here)
        figures["volunteers.attendances"], figures["volunteers.hours"] = s.execute(
            served.where(*held_here)
        ).one()
        first, last = last_full_month(today)
        known = set(  # every grid branch of the community, under its name now
            s.scalars(
                select(PartyOrganisation.name).where(
                    PartyOrganisation.community_id == cid, PartyOrganisation.level == "grid_branch"
                )
            )
        )
        met = set(
            s.scalars(
                select(PartyOrganisation.name)
                .join(PartyMeeting, PartyMeeting.branch_id == PartyOrganisation.id)
                .where(*held, _in(PartyMeeting.held_on, first, last))
            )
        )
    return figures, sorted(known - met)


def _stats(server) -> dict[str, dict]:
    answer = httpx.get(
        f"{server['url']}/api/v1/stats",
        params={"from": START.isoformat(), "to": END.isoformat()},
        headers={"Authorization": f"Bearer {server['street_key']}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return {row["community"]: row for row in answer.json()["counted"]}


def test_a_demo_desk_pushes_its_community_life_and_the_street_counts_it(
    server, keys, demo_life_db_file, tmp_path
):
    ty = _desk(demo_life_db_file, tmp_path, TY)
    report = SyncClient(ty.sessions, server["url"], keys[TY]).sync_once()
    assert report.ok and report.rejected == 0, report.errors
    with ty.sessions() as session:  # another community's records in the demo's street stay here
        assert session.scalar(select(func.count()).where(OutboxEntry.sent_at.is_(None))) == 0
    with server["sessions"]() as session:
        stored = dict(
            session.execute(
                select(StreetLifeRecord.type, func.count())
                .where(StreetLifeRecord.origin_community == TY)
                .group_by(StreetLifeRecord.type)
            ).all()
        )
    assert {
        "wish",
        "visit",
        "party_branch",
        "party_member",
        "party_meeting",
        "report_in_service",
        "volunteer_activity",
    } <= set(stored)

    today = dt.date.today()  # the server's figures are as of its own today
    expected, flagged = _expected(ty, TY, today)
    row = _stats(server)[TY]
    for figure, value in expected.items():
        assert row["figures"][figure] == pytest.approx(value), figure
    assert (
        expected["wishes.posted"] > 0
        and expected["party.members_full"] > 0
        and expected["volunteers.hours"] > 0
    )
    assert row["flags"]["party.branches_without_meeting"] == flagged
    assert row["figures"]["party.branches_without_meeting"] == len(flagged)

    again = SyncClient(ty.sessions, server["url"], keys[TY]).sync_once()
    assert again.ok and again.pushed == 0


def test_a_wish_claimed_after_its_push_arrives_as_a_new_version(server, keys, demo_life_db_file, tmp_path):
    ty = _desk(demo_life_db_file, tmp_path, TY)
    assert SyncClient(ty.sessions, server["url"], keys[TY]).sync_once().ok
    with ty.sessions.begin() as session:
        cid = session.scalar(select(Community.id).where(Community.code == TY))
        wish = session.scalars(
            select(Wish).where(Wish.community_id == cid, Wish.status == "published")
        ).first()
        claim_wish(
            session,
            wish,
            kind="党员",
            name="王建国",
            phone="13912345678",
            actor="admin",
            today=dt.date.today(),
        )
        wish_uuid = wish.uuid
    report = SyncClient(ty.sessions, server["url"], keys[TY]).sync_once()
    assert report.ok and report.pushed == 1 and report.applied == 1
    with server["sessions"]() as session:
        row = session.get(StreetLifeRecord, (TY, "wish", wish_uuid))
    assert (
        row.version == 2
        and row.data["status"] == "claimed"
        and row.data["claimed_on"] == dt.date.today().isoformat()
    )
    assert "13912345678" not in str(row.data) and "王建国" not in str(row.data)


def _push(server, key: str, records: list[dict]) -> list[dict]:
    answer = httpx.post(
        f"{server['url']}/api/v1/push",
        json={"batch_id": str(uuidlib.uuid4()), "records": records},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def _visit(origin: str, uuid: str, way: str = "入户") -> dict:
    data = {"grid": "", "visited_on": "2026-11-02", "way": way, "target": "resident", "case_raised": False}
    return {"type": "visit", "uuid": uuid, "version": 0, "origin_community": origin, "data": data}


def test_a_community_writes_only_its_own_records(server, keys):
    uuid = str(uuidlib.uuid4())
    assert _push(server, keys[TY], [_visit(TY, uuid)])[0]["status"] == "applied"
    refused = _push(server, keys[XH], [_visit(TY, uuid, "电话")])[0]
    assert refused["status"] == "rejected" and "本社区" in refused["reason"]
    own = _push(server, keys[XH], [_visit(XH, uuid, "电话")])[0]  # the same uuid is XH's own record
    assert own["status"] == "applied" and own["server_version"] == 1
    with server["sessions"]() as session:
        assert session.get(StreetLifeRecord, (TY, "visit", uuid)).data["way"] == "入户"
    assert _push(server, keys[TY], [_visit(TY, uuid)])[0]["status"] == "unchanged"
    bad = dict(_visit(TY, str(uuidlib.uuid4())), data={**_visit(TY, "x")["data"], "phone": "13912345678"})
    answer = _push(server, keys[TY], [bad])[0]
    assert answer["status"] == "rejected" and "phone" in answer["reason"]


def test_the_street_knows_every_branch_by_what_it_is_now(server, keys, demo_life_db_file, tmp_path):
    """Branches travel themselves: one with neither members nor meetings is flagged, a renamed
    one is flagged (or not) under its new name, and its meetings sent before the rename still
    count for it. (Last in the module: the branch it adds stays on the module's server.)"""
    ty = _desk(demo_life_db_file, tmp_path, TY)
    today = dt.date.today()
    first, _ = last_full_month(today)
    with ty.sessions.begin() as session:  # one branch met in the street's last full month
        cid = session.scalar(select(Community.id).where(Community.code == TY))
        meeting = session.scalars(
            select(PartyMeeting)
            .join(PartyOrganisation, PartyOrganisation.id == PartyMeeting.branch_id)
            .where(PartyOrganisation.community_id == cid)
            .order_by(PartyMeeting.id)
        ).first()
        meeting.held, meeting.held_on = True, first
        met_id = meeting.branch_id
    assert SyncClient(ty.sessions, server["url"], keys[TY]).sync_once().ok
    _, flagged = _expected(ty, TY, today)
    with ty.sessions.begin() as session:
        top = session.scalars(
            select(PartyOrganisation).where(
                PartyOrganisation.community_id == cid, PartyOrganisation.level == "community"
            )
        ).one()
        session.add(
            PartyOrganisation(
                level="grid_branch", name="新设流动党员党支部", parent_id=top.id, community_id=cid
            )
        )
        met = session.get(PartyOrganisation, met_id)
        was_met, met.name = met.name, "桃园社区更名后的党支部"
        group = session.scalars(
            select(PartyOrganisation).where(
                PartyOrganisation.community_id == cid, PartyOrganisation.level == "building_group"
            )
        ).first()
        group.name = "王建国楼栋党小组"  # a lower node stays at the desk
    report = SyncClient(ty.sessions, server["url"], keys[TY]).sync_once()
    assert report.ok and report.pushed == 2 and report.rejected == 0, report
    shown = _stats(server)[TY]["flags"]["party.branches_without_meeting"]
    assert was_met not in flagged and shown == sorted([*flagged, "新设流动党员党支部"])
    assert shown == _expected(ty, TY, today)[1] and "桃园社区更名后的党支部" not in shown
    with server["sessions"]() as session:
        names = [
            d["name"]
            for d in session.scalars(
                select(StreetLifeRecord.data).where(
                    StreetLifeRecord.origin_community == TY, StreetLifeRecord.type == "party_branch"
                )
            )
        ]
    assert "桃园社区更名后的党支部" in names and was_met not in names and "王建国楼栋党小组" not in names
