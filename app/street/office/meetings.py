"""Joint meetings (联席会, 常熟's 吹哨报到 with owners and progress schedules): the street records
who met, when and where, what was decided, and for each case taken up who owns the follow-up and
by when. Each case gets a street event ``joint_meeting`` with those details, so the desks that
hold it see the meeting in its timeline after their next sync."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models.base import utcnow
from app.street.models import StreetCase
from app.street.office.accounts import StaffMember, audit
from app.street.office.actions import actor_name
from app.street.office.cases import scoped_case
from app.street.office.models import StreetMeeting, StreetMeetingCase
from app.street.store import Invalid, street_note


@dataclass(frozen=True)
class Link:
    """One case the meeting took up, as typed in the form."""

    case_uuid: str
    owner: str
    due: str  # ISO date or ""
    task: str


def _date(text: str, what: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{what}须为日期（如 2026-12-08）") from None


def _clean(text: str, limit: int) -> str:
    return (text or "").replace("\x00", "").strip()[:limit]


def record_meeting(
    sessions: sessionmaker[Session],
    who: StaffMember,
    *,
    title: str,
    held_on: str,
    place: str,
    attendees: str,
    decisions: str,
    links: list[Link],
) -> str:
    """Store a joint meeting and tell each case's desks about it; returns the meeting's id."""
    title, place = _clean(title, 100), _clean(place, 100)
    people = [line.strip() for line in _clean(attendees, 4000).splitlines() if line.strip()]
    day = _date(held_on, "会议日期")
    if not title:
        raise Invalid("请填写会议名称")
    if day is None:
        raise Invalid("请填写会议日期")
    if not people:
        raise Invalid("请填写参会单位和人员（每行一个）")
    chosen = [link for link in links if link.case_uuid]
    if not chosen:
        raise Invalid("请至少选择一件议定的办件")
    if len({link.case_uuid for link in chosen}) != len(chosen):
        raise Invalid("同一办件只能选择一次")
    for link in chosen:
        if not link.owner.strip():
            raise Invalid("每件议定的办件须填写责任人")
    meeting_id = str(uuidlib.uuid4())
    with sessions.begin() as session:
        session.add(
            StreetMeeting(
                id=meeting_id,
                street=who.street,
                title=title,
                held_on=day,
                place=place,
                attendees="\n".join(people),
                decisions=_clean(decisions, 4000),
                recorded_by=who.username,
                recorded_at=utcnow(),
            )
        )
        for link in chosen:
            case, _ = scoped_case(session, who, link.case_uuid, lock=True)
            due = _date(link.due, "完成时限")
            owner, task = _clean(link.owner, 60), _clean(link.task, 2000)
            session.add(
                StreetMeetingCase(meeting_id=meeting_id, case_uuid=case.uuid, owner=owner, due=due, task=task)
            )
            details = {
                "meeting": title,
                "held_on": day.isoformat(),
                "owner": owner,
                "due": due.isoformat() if due else None,
                "attendees": people,
            }
            street_note(session, case, "joint_meeting", task, details, actor=actor_name(who))
        audit(session, who.username, who.street, "meeting_record", meeting_id, title)
    return meeting_id


def list_meetings(sessions: sessionmaker[Session], who: StaffMember, limit: int = 200) -> list[dict]:
    """The street's meetings, latest first, each with the cases it took up."""
    with sessions() as session:
        meetings = session.scalars(
            select(StreetMeeting)
            .where(StreetMeeting.street == who.street)
            .order_by(StreetMeeting.held_on.desc(), StreetMeeting.recorded_at.desc())
            .limit(limit)
        ).all()
        ids = [m.id for m in meetings]
        links: dict[str, list[dict]] = {i: [] for i in ids}
        if ids:
            rows = session.execute(
                select(StreetMeetingCase, StreetCase.case_no)
                .join(StreetCase, StreetCase.uuid == StreetMeetingCase.case_uuid)
                .where(StreetMeetingCase.meeting_id.in_(ids))
                .order_by(StreetCase.case_no)
            )
            for link, case_no in rows:
                links[link.meeting_id].append(
                    {
                        "uuid": link.case_uuid,
                        "case_no": case_no,
                        "owner": link.owner,
                        "due": link.due,
                        "task": link.task,
                    }
                )
        return [
            {
                "id": m.id,
                "title": m.title,
                "held_on": m.held_on,
                "place": m.place,
                "attendees": m.attendees.splitlines(),
                "decisions": m.decisions,
                "cases": links[m.id],
            }
            for m in meetings
        ]
