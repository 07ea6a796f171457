"""The records of community life that travel up only (wishes, visits, 议事, partner units and
projects, grid party branches, party members, meetings and 双报到 services, volunteer activities):
one registry, read by both ends.

Each type is registered once, in ``REGISTRY``: its model (which carries ``sync_type``, so the
outbox queues its changes), the function that builds the ``data`` that travels, and the fields
that may travel with their kind and size. The field list is the privacy rule: the desk sends
exactly these and the street server refuses a record with any other (app.street.life), so a
column added to a model never reaches the street unless it is added here, on purpose. Free text
that does travel (a topic, a title) is scrubbed of anything shaped like an ID number or a phone
number first. docs/SYNC.md says for each type which fields travel and why.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from app.models import (
    Deliberation,
    PartnerProject,
    PartnerUnit,
    PartyMeeting,
    PartyMember,
    PartyOrganisation,
    ReportInService,
    Visit,
    VolunteerActivity,
    Wish,
)


@dataclass(frozen=True, slots=True)
class Field:
    """What one travelling field may hold: ``kind`` is text, date, int, float, bool or uuid."""

    kind: str
    size: int = 0  # the longest text
    scrubbed: bool = False  # free text: ID and phone numbers are masked before it travels


def text(size: int, *, scrubbed: bool = False) -> Field:
    return Field("text", size, scrubbed)


DATE, INT, FLOAT, BOOL, UUID = Field("date"), Field("int"), Field("float"), Field("bool"), Field("uuid", 36)
GRID = text(20)  # a grid's code; "" for the whole community
BRANCH = text(80)  # a grid branch's name as it was when the record was sent


@dataclass(frozen=True, slots=True)
class LifeType:
    name: str
    label: str  # in words, for the desk's report
    model: type
    fields: Mapping[str, Field]
    build: Callable[[Any, Any], dict[str, Any]]  # (row, lookups) -> the fields above


REGISTRY: dict[str, LifeType] = {}


def register(name: str, label: str, model: type, fields: Mapping[str, Field]):
    """Register a type with its builder (used as a decorator on the builder)."""

    def decorate(build: Callable[[Any, Any], dict[str, Any]]) -> Callable[[Any, Any], dict[str, Any]]:
        if getattr(model, "sync_type", None) != name:
            raise TypeError(f"{model.__name__}.sync_type must be {name!r}")
        REGISTRY[name] = LifeType(name, label, model, dict(fields), build)
        return build

    return decorate


# --- the privacy rule ---------------------------------------------------------------------------------
# An ID number (18 characters, the last may be X) or a mainland mobile or landline number, not
# part of a longer run of digits.
_ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}[0-9]{7}[0-9Xx](?![0-9])")
_PHONE = re.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})(?![0-9])")


def scrub(value: str) -> str:
    """Free text with ID numbers and phone numbers masked (a first and last few digits kept)."""
    value = _ID_NUMBER.sub(lambda m: f"{m[0][:6]}********{m[0][-4:]}", value)
    return _PHONE.sub(lambda m: f"{m[0][:3]}****{m[0][-2:]}", value)


def exposes(value: Any) -> bool:
    """Whether a value holds a full ID number or a phone number (what must never travel)."""
    if isinstance(value, str):
        return bool(_ID_NUMBER.search(value) or _PHONE.search(value))
    if isinstance(value, dict):
        return any(exposes(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(exposes(v) for v in value)
    return False


class Built(NamedTuple):
    community_id: int | None  # whose record it is (a desk sends only its own community's)
    data: dict[str, Any]  # as it travels


def content(record_type: str, row: Any, lookups: Any) -> Built:
    """One record as it travels: the registered fields only, dates as ISO text, free text
    scrubbed and cut to size; and the community it belongs to (the builder's ``community_id``)."""
    life = REGISTRY[record_type]
    built = life.build(row, lookups)
    data: dict[str, Any] = {}
    for name, field in life.fields.items():
        value = built.get(name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif field.kind == "text":
            value = str(value or "")
            value = (scrub(value) if field.scrubbed else value)[: field.size]
        data[name] = value
    return Built(built.get("community_id"), data)


def invalid(record_type: str, data: dict[str, Any]) -> str | None:
    """Why ``data`` is not a record of this type as registered, or None (the street's check)."""
    life = REGISTRY.get(record_type)
    if life is None:
        return f"未知的记录类型 {record_type}"
    extra = sorted(set(data) - set(life.fields))
    if extra:
        return f"data 含有不应上传的字段：{', '.join(extra)[:200]}"
    for name, field in life.fields.items():
        if name not in data:
            return f"data.{name} 缺失"
        if (why := _wrong(field, data[name])) is not None:
            return f"data.{name} {why}"
    if exposes(data):
        return "data 含有完整的身份证号或电话号码"
    return None


def _wrong(field: Field, value: Any) -> str | None:
    kind = field.kind
    if kind in ("text", "uuid"):
        ok = isinstance(value, str) and len(value) <= field.size and (kind == "text" or value != "")
        return None if ok else f"须为不超过 {field.size} 个字符的文本"
    if kind == "date":
        if value is None:
            return None
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            return "须为 ISO 日期 (YYYY-MM-DD) 或 null"
        return None
    if kind == "bool":
        return None if isinstance(value, bool) else "须为 true 或 false"
    if kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**9
        return None if ok else "须为 0 至 10 亿之间的整数"
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 10**6
    return None if ok else "须为 0 至 100 万之间的数"


# --- the types --------------------------------------------------------------------------------------
# Builders read a row and the lookups of app.services.sync.life_content (grids, branches, members,
# units, attendance, 议事 steps); they return more than travels at their peril: content() keeps
# only the registered fields.


@register(
    "wish",
    "微心愿",
    Wish,
    {
        "wish_no": text(20),
        "grid": GRID,
        "kind": text(20),
        "budget_yuan": INT,
        "channel": text(10),
        "status": text(12),
        "posted_on": DATE,
        "deadline": DATE,
        "claimer_kind": text(10),
        "claimed_on": DATE,
        "fulfilled_on": DATE,
        "confirmed": BOOL,
        "rating": INT,
    },
)
def _wish(row: Wish, look: Any) -> dict[str, Any]:
    return dict(_columns(row), grid=look.grid(row.grid_id), budget_yuan=max(row.budget_yuan or 0, 0))


@register(
    "visit",
    "走访记录",
    Visit,
    {"grid": GRID, "visited_on": DATE, "way": text(6), "target": text(10), "case_raised": BOOL},
)
def _visit(row: Visit, look: Any) -> dict[str, Any]:
    target = "household" if row.household_id is not None and row.resident_id is None else "resident"
    return dict(
        _columns(row),
        community_id=look.grid_community(row.grid_id),
        grid=look.grid(row.grid_id),
        target=target,
        case_raised=row.case_id is not None,
    )


@register(
    "deliberation",
    "议事记录",
    Deliberation,
    {
        "meeting_no": text(20),
        "kind": text(16),
        "topic": text(120, scrubbed=True),
        "grid": GRID,
        "held_on": DATE,
        "decided_on": DATE,
        "decision_published_on": DATE,
        "votes_for": INT,
        "votes_against": INT,
        "votes_abstain": INT,
        "result_on": DATE,
    },
)
def _deliberation(row: Deliberation, look: Any) -> dict[str, Any]:
    # 四议两公开 publishes its decision as a step of its own; the other kinds post the decision
    # (公示) when it is recorded.
    published = look.published(row.id) if row.kind == "four_two" else row.decided_on
    return dict(_columns(row), grid=look.grid(row.grid_id), decision_published_on=published)


@register(
    "partner_unit",
    "共建单位",
    PartnerUnit,
    {"name": text(80), "kind": text(12), "agreement_from": DATE, "agreement_to": DATE},
)
def _partner_unit(row: PartnerUnit, _look: Any) -> dict[str, Any]:
    return _columns(row)


@register(
    "partner_project",
    "共建项目",
    PartnerProject,
    {
        "project_no": text(20),
        "unit_uuid": UUID,
        "direction": text(10),
        "title": text(80, scrubbed=True),
        "status": text(10),
        "claimed_on": DATE,
        "finished_on": DATE,
    },
)
def _partner_project(row: PartnerProject, look: Any) -> dict[str, Any]:
    unit_uuid, community_id = look.unit(row.unit_id)
    return dict(_columns(row), unit_uuid=unit_uuid, community_id=community_id)


@register(
    "party_member",
    "党员",
    PartyMember,
    {
        "branch": BRANCH,
        "branch_grid": GRID,
        "status": text(12),
        "kind": text(12),
        "transferred_out_on": DATE,
        "unit_name": text(80, scrubbed=True),
    },
)
def _party_member(row: PartyMember, look: Any) -> dict[str, Any]:
    branch, grid, community_id = look.branch(row.branch_id)
    return dict(_columns(row), branch=branch, branch_grid=grid, community_id=community_id)


@register("party_branch", "网格党支部", PartyOrganisation, {"name": text(80, scrubbed=True), "grid": GRID})
def _party_branch(row: PartyOrganisation, look: Any) -> dict[str, Any]:
    return {"name": row.name, "grid": look.grid(row.grid_id), "community_id": row.community_id}


@register(
    "party_meeting",
    "党组织会议",
    PartyMeeting,
    {
        "branch": BRANCH,
        "branch_grid": GRID,
        "kind": text(12),
        "held_on": DATE,
        "held": BOOL,
        "topic": text(120, scrubbed=True),
        "present": INT,
        "absent": INT,
    },
)
def _party_meeting(row: PartyMeeting, look: Any) -> dict[str, Any]:
    branch, grid, community_id = look.branch(row.branch_id)
    present, absent = look.attendance(row.id)
    return dict(
        _columns(row),
        branch=branch,
        branch_grid=grid,
        community_id=community_id,
        present=present,
        absent=absent,
    )


@register(
    "report_in_service",
    "双报到服务",
    ReportInService,
    {
        "member_uuid": UUID,
        "branch": BRANCH,
        "branch_grid": GRID,
        "unit_name": text(80, scrubbed=True),
        "served_on": DATE,
        "post": text(30),
        "hours": FLOAT,
    },
)
def _report_in_service(row: ReportInService, look: Any) -> dict[str, Any]:
    member = look.member(row.member_id)
    branch, grid, community_id = look.branch(member.branch_id)
    return dict(
        _columns(row),
        community_id=community_id,
        member_uuid=member.uuid,
        branch=branch,
        branch_grid=grid,
        unit_name=member.unit_name,
        hours=float(row.hours or 0),
    )


@register(
    "volunteer_activity",
    "志愿服务活动",
    VolunteerActivity,
    {
        "team": text(60, scrubbed=True),
        "team_kind": text(12),
        "team_grid": GRID,
        "title": text(80, scrubbed=True),
        "held_on": DATE,
        "status": text(10),
        "volunteers": INT,
        "hours": FLOAT,
    },
)
def _volunteer_activity(row: VolunteerActivity, look: Any) -> dict[str, Any]:
    # Who served stays at the desk: the street learns how many did and their counted hours.
    team, kind, grid, community_id = look.team(row.team_id)
    served, hours = look.volunteer_hours(row.id)
    return dict(
        _columns(row),
        community_id=community_id,
        team=team,
        team_kind=kind,
        team_grid=grid,
        held_on=row.starts_at.date(),
        volunteers=served,
        hours=round(hours, 1),
    )


def _columns(row: Any) -> dict[str, Any]:
    """The row's own columns by name (the registry keeps only those that travel)."""
    return {c.key: getattr(row, c.key) for c in row.__mapper__.column_attrs}
