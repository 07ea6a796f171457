"""What street staff read: the escalated cases of their own street's communities, and one case
with its whole timeline. Everything is scoped to the caller's street: a case of another street
is "not found", exactly like a case that does not exist, so a page tells nothing about it.

No ID number, name or phone of an applicant is ever read out of a case's data here: the street
sees the matter (item, request, deadline, history), not the person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.services.cases.handling import EVENT_NAMES, MODES
from app.services.cases.workflow import TRANSITIONS, status_name
from app.street.models import STREET, StreetCase, StreetCaseEvent, StreetCommunity
from app.street.office.accounts import StaffMember, audit
from app.street.office.models import StreetMeeting, StreetMeetingCase
from app.street.store import NotFound

SOON_DAYS = 2  # a deadline this close is shown amber
FILTERS = {"waiting": "待街道处理", "answered": "已答复", "all": "全部"}
STREET_EVENTS = {
    "street_accept": "街道受理",
    "street_assign": "派单部门",
    "street_note": "街道答复",
    "joint_meeting": "联席会",
    "accept": "受理",
    "request_materials": "一次性告知",
    "grid_report": "网格上报",
    "kiosk_request": "自助提交诉求",
    "open311_request": "网上提交诉求",
    "hotline_import": "12345 工单",
}


def event_name(action: str, data: dict) -> str:
    if action == "return":
        kind = (data.get("data") or {}).get("kind")
        return {"returned": "街道退回", "transfer": "转办（一体通办）", "close": "街道办结"}.get(
            kind, "街道答复"
        )
    if action in STREET_EVENTS:
        return STREET_EVENTS[action]
    if action in EVENT_NAMES:
        return EVENT_NAMES[action]
    return TRANSITIONS[action].label if action in TRANSITIONS else action


def street_communities(session: Session, street: str) -> dict[str, str]:
    """The street's communities: code → name."""
    rows = session.execute(
        select(StreetCommunity.code, StreetCommunity.name)
        .where(StreetCommunity.street == street, StreetCommunity.role == "community")
        .order_by(StreetCommunity.code)
    )
    return dict(rows.all())


@dataclass(frozen=True)
class CaseRow:
    uuid: str
    case_no: str
    community: str
    owner: str
    item_name: str
    status: str
    with_street: bool
    escalated_to: str
    level: str
    deadline: dt.date | None  # the answer asked for by the escalation, else the case's due date
    days_left: int | None
    colour: str  # late, soon or ""


def _escalations(session: Session, uuids: list[str]) -> dict[str, dict]:
    """The last escalate event of each case (its target, level and the date asked for)."""
    found: dict[str, dict] = {}
    for start in range(0, len(uuids), 500):
        rows = session.execute(
            select(StreetCaseEvent.case_uuid, StreetCaseEvent.data, StreetCaseEvent.seq)
            .where(StreetCaseEvent.case_uuid.in_(uuids[start : start + 500]))
            .order_by(StreetCaseEvent.seq)
        )
        for case_uuid, data, _seq in rows:
            if data.get("action") == "escalate":
                found[case_uuid] = data
    return found


def _date(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def _row(case: StreetCase, names: dict[str, str], escalation: dict, today: dt.date) -> CaseRow:
    details = escalation.get("data") or {}
    deadline = _date(details.get("requested")) or case.due_date
    days = (deadline - today).days if deadline else None
    with_street = case.owner_community == STREET
    colour = ""
    if with_street and days is not None:
        colour = "late" if days < 0 else "soon" if days <= SOON_DAYS else ""
    return CaseRow(
        uuid=case.uuid,
        case_no=case.case_no,
        community=names.get(case.origin_community, case.origin_community),
        owner="街道" if with_street else names.get(case.owner_community, case.owner_community),
        item_name=str(case.data.get("item_name", "")),
        status=status_name(case.status),
        with_street=with_street,
        escalated_to=str(escalation.get("data", {}).get("to", "")) if escalation else "",
        level=str(details.get("level", "")),
        deadline=deadline,
        days_left=days,
        colour=colour,
    )


def list_cases(
    sessions: sessionmaker[Session],
    who: StaffMember,
    today: dt.date,
    *,
    show: str = "waiting",
    community: str = "",
    overdue: bool = False,
    search: str = "",
    limit: int = 500,
) -> list[CaseRow]:
    """The escalated cases of ``who``'s street: ``waiting`` those with the street now, ``answered``
    those it handed back, ``all`` both; most urgent first."""
    with sessions() as session:
        names = street_communities(session, who.street)
        codes = [community] if community in names else list(names)
        query = select(StreetCase).where(
            StreetCase.origin_community.in_(codes),
            or_(StreetCase.escalated_from != "", StreetCase.owner_community == STREET),
        )
        if show == "waiting":
            query = query.where(StreetCase.owner_community == STREET)
        elif show == "answered":
            query = query.where(StreetCase.owner_community != STREET)
        if search.strip():
            query = query.where(StreetCase.case_no.contains(search.strip()[:40], autoescape=True))
        cases = session.scalars(query.order_by(StreetCase.case_no).limit(limit)).all()
        escalations = _escalations(session, [c.uuid for c in cases])
        rows = [_row(c, names, escalations.get(c.uuid, {}), today) for c in cases]
    if overdue:
        rows = [r for r in rows if r.colour == "late"]
    far = dt.date.max
    return sorted(rows, key=lambda r: (not r.with_street, r.deadline or far, r.case_no))


@dataclass(frozen=True)
class TimelineEntry:
    at: str
    actor: str
    action: str
    change: str
    note: str
    details: str


@dataclass(frozen=True)
class CaseView:
    row: CaseRow
    content: str
    channel: str
    grid: str
    mode: str
    origin_code: str
    escalated_from: str
    status_code: str
    version: int
    timeline: list[TimelineEntry]
    meetings: list[dict] = field(default_factory=list)
    accepted: bool = False  # the street has accepted (受理) since the last escalation


def _details(action: str, inner: dict) -> str:
    """The event's details in words, for the timeline (never personal data: the desks' event
    data holds units, dates, measures, levels)."""
    parts = []
    for key, label in (
        ("to", "至"),
        ("level", "层级"),
        ("requested", "要求答复"),
        ("owner", "责任人"),
        ("planned", "计划完成"),
        ("done", "完成"),
        ("unit", "责任单位"),
        ("person", "责任人"),
        ("department", "部门"),
        ("evaluation", "评价"),
        ("meeting", "会议"),
        ("due", "完成时限"),
        ("owner_community", "办理社区"),
    ):
        value = inner.get(key)
        if value not in (None, "", False):
            parts.append(f"{label}：{value}")
    if action == "mode" and inner.get("mode") in MODES:
        parts.append(MODES[inner["mode"]])
    return "；".join(parts)


def case_view(sessions: sessionmaker[Session], who: StaffMember, uuid: str, today: dt.date) -> CaseView:
    """One case of ``who``'s street with its whole timeline (audited as read); NotFound for a case
    that does not exist or belongs to another street."""
    with sessions.begin() as session:
        case, names = _scoped(session, who, uuid)
        events = session.scalars(
            select(StreetCaseEvent)
            .where(
                StreetCaseEvent.case_uuid == case.uuid, StreetCaseEvent.case_origin == case.origin_community
            )
            .order_by(StreetCaseEvent.seq)
        ).all()
        datas = [e.data for e in events]
        ordered = sorted(datas, key=lambda d: str(d.get("at", "")))
        escalation = next((d for d in reversed(ordered) if d.get("action") == "escalate"), {})
        last_escalation = str(escalation.get("at", ""))
        accepted = any(
            d.get("action") == "street_accept" and str(d.get("at", "")) >= last_escalation for d in ordered
        )
        timeline = [
            TimelineEntry(
                at=_local(d.get("at")),
                actor=str(d.get("actor", "")),
                action=event_name(str(d.get("action", "")), d),
                change=_change(d),
                note=str(d.get("note", "")),
                details=_details(str(d.get("action", "")), d.get("data") or {}),
            )
            for d in ordered
        ]
        meetings = [
            {
                "id": m.id,
                "title": m.title,
                "held_on": m.held_on,
                "owner": link.owner,
                "due": link.due,
                "task": link.task,
            }
            for m, link in session.execute(
                select(StreetMeeting, StreetMeetingCase)
                .join(StreetMeetingCase, StreetMeetingCase.meeting_id == StreetMeeting.id)
                .where(StreetMeetingCase.case_uuid == case.uuid, StreetMeeting.street == who.street)
                .order_by(StreetMeeting.held_on)
            )
        ]
        mode = next(
            (
                MODES.get((d.get("data") or {}).get("mode", ""), "")
                for d in reversed(ordered)
                if d.get("action") == "mode"
            ),
            "",
        )
        audit(session, who.username, who.street, "case_read", case.case_no)
        data = case.data
        return CaseView(
            row=_row(case, names, escalation, today),
            content=str(data.get("content", "")),
            channel=str(data.get("channel", "")),
            grid=str(data.get("grid_code", "")),
            mode=mode,
            origin_code=case.origin_community,
            escalated_from=case.escalated_from,
            status_code=case.status,
            version=case.version,
            timeline=timeline,
            meetings=meetings,
            accepted=accepted,
        )


def _local(at: object) -> str:
    """An event's moment (ISO, UTC from the desks) in the server's time zone, to the minute."""
    try:
        moment = dt.datetime.fromisoformat(str(at).replace("Z", "+00:00"))
    except ValueError:
        return str(at or "")[:16]
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


def _change(data: dict) -> str:
    before, after = data.get("from_status") or "", data.get("to_status") or ""
    if before and after and before != after:
        return f"{status_name(before)} → {status_name(after)}"
    return status_name(after) if after else ""


def _scoped(
    session: Session, who: StaffMember, uuid: str, *, lock: bool = False
) -> tuple[StreetCase, dict[str, str]]:
    names = street_communities(session, who.street)
    query = select(StreetCase).where(StreetCase.uuid == uuid[:36])
    if lock:
        query = query.with_for_update()
    case = session.scalars(query).first()
    if case is None or case.origin_community not in names:
        raise NotFound("没有这个办件")
    return case, names


scoped_case = _scoped  # for app.street.office.actions and meetings
