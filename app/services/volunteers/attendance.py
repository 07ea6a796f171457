"""Signing in and out of an activity, and the hours an attendance counts.

The rule (docs/VOLUNTEERS.md): the time from the later of sign-in and the activity's start to the
earlier of sign-out and its end, rounded down to the half hour. Arriving early or leaving late
adds nothing, so no attendance counts more than the activity lasted. A volunteer who did not sign
out within two hours of the end counts nothing until staff correct the hours; a correction keeps
the rule's figure beside it, with the reason and the account that approved it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import SIGN_CHANNELS, Attendance, Volunteer, VolunteerActivity
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.common import audit
from app.services.volunteers.activities import EARLY_SIGN_IN, ActivityRow, activity_in_scope, open_activities
from app.services.volunteers.people import volunteer_by_card, volunteer_in_scope
from app.services.volunteers.teams import VolunteerError, allowed

SIGN_OUT_GRACE = dt.timedelta(hours=2)
NOT_A_VOLUNTEER = "您还没有登记为志愿者，请到服务窗口登记"


class NotAVolunteer(VolunteerError):
    """The card holder is on no volunteer register (the kiosk's 签到 page may still serve them)."""


def counted_hours(
    signed_in: dt.datetime, signed_out: dt.datetime, starts: dt.datetime, ends: dt.datetime
) -> float:
    """The rule: the overlap of presence and activity, rounded down to the half hour."""
    begin, end = max(signed_in, starts), min(signed_out, ends)
    minutes = max(0, int((end - begin).total_seconds() // 60))
    return (minutes // 30) * 0.5


@dataclass(frozen=True, slots=True)
class OpenAttendance:
    attendance_id: int
    activity_id: int
    title: str
    signed_in_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SignState:
    """Who swiped and what they may do now: sign out of ``open``, or sign into one of ``choices``."""

    volunteer_id: int
    name: str
    id_masked: str
    open: OpenAttendance | None
    choices: tuple[ActivityRow, ...]


@dataclass(frozen=True, slots=True)
class SignResult:
    signed_in: bool  # False: signed out
    name: str
    title: str
    at: dt.datetime
    hours: float  # counted at sign-out; 0 at sign-in


def _open(
    session: Session, volunteer_id: int, now: dt.datetime
) -> tuple[Attendance, VolunteerActivity] | None:
    row = session.execute(
        select(Attendance, VolunteerActivity)
        .join(VolunteerActivity, VolunteerActivity.id == Attendance.activity_id)
        .where(
            Attendance.volunteer_id == volunteer_id,
            Attendance.signed_out_at.is_(None),
            VolunteerActivity.ends_at >= now - SIGN_OUT_GRACE,
        )
        .order_by(Attendance.signed_in_at.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def signing_state(
    session: Session,
    *,
    now: dt.datetime,
    actor: str,
    id_text: str = "",
    resident_id: int | None = None,
    scope: Scope = WHOLE_STREET,
) -> SignState:
    """The volunteer behind a card (or, at the kiosk, a card holder's resident row), audited as a
    lookup for signing."""
    allowed(session, actor, "volunteer.sign")
    if resident_id is not None:
        volunteer = session.scalar(select(Volunteer).where(Volunteer.resident_id == resident_id))
    else:
        volunteer = volunteer_by_card(session, id_text)
    if volunteer is None or not volunteer.active:
        raise NotAVolunteer(NOT_A_VOLUNTEER)
    volunteer = volunteer_in_scope(session, volunteer.id, scope)
    audit.record(session, actor=actor, action="lookup", subject=volunteer.id_masked, purpose="志愿服务签到")
    current = _open(session, volunteer.id, now)
    opened = (
        OpenAttendance(current[0].id, current[1].id, current[1].title, current[0].signed_in_at)
        if current
        else None
    )
    signed = set(
        session.scalars(select(Attendance.activity_id).where(Attendance.volunteer_id == volunteer.id))
    )
    choices = tuple(a for a in open_activities(session, volunteer.id, now) if a.id not in signed)
    return SignState(volunteer.id, volunteer.name, volunteer.id_masked, opened, choices)


def sign_in(
    session: Session,
    volunteer_id: int,
    activity_id: int,
    *,
    now: dt.datetime,
    channel: str,
    actor: str,
    scope: Scope = WHOLE_STREET,
) -> SignResult:
    allowed(session, actor, "volunteer.sign")
    if channel not in SIGN_CHANNELS:
        raise VolunteerError(f"未知的签到渠道“{channel}”")
    volunteer = volunteer_in_scope(session, volunteer_id, scope)
    activity, _team = activity_in_scope(session, activity_id, scope)
    if activity.status == "cancelled":
        raise VolunteerError("该活动已取消")
    if not (activity.starts_at - EARLY_SIGN_IN <= now < activity.ends_at):
        raise VolunteerError("只能在活动开始前1小时至活动结束前签到")
    if session.scalar(
        select(Attendance.id).where(
            Attendance.activity_id == activity.id, Attendance.volunteer_id == volunteer.id
        )
    ):
        raise VolunteerError(f"{volunteer.name}已在“{activity.title}”签到")
    if _open(session, volunteer.id, now) is not None:
        raise VolunteerError("请先签退正在参加的活动")
    session.add(
        Attendance(
            activity_id=activity.id,
            volunteer_id=volunteer.id,
            signed_in_at=now.replace(microsecond=0),
            channel=channel,
            signed_by=actor,
        )
    )
    if activity.status == "planned":
        activity.status = "held"
    audit.record(
        session, actor=actor, action="volunteer_sign_in", subject=volunteer.id_masked, purpose=activity.title
    )
    session.flush()
    return SignResult(True, volunteer.name, activity.title, now.replace(microsecond=0), 0.0)


def sign_out(
    session: Session, volunteer_id: int, *, now: dt.datetime, actor: str, scope: Scope = WHOLE_STREET
) -> SignResult:
    """Close the volunteer's open attendance and count its hours by the rule."""
    allowed(session, actor, "volunteer.sign")
    volunteer = volunteer_in_scope(session, volunteer_id, scope)
    current = _open(session, volunteer.id, now)
    if current is None:
        raise VolunteerError(f"{volunteer.name}没有需要签退的活动")
    attendance, activity = current
    attendance.signed_out_at = now.replace(microsecond=0)
    hours = counted_hours(
        attendance.signed_in_at, attendance.signed_out_at, activity.starts_at, activity.ends_at
    )
    attendance.computed_hours = attendance.hours = hours
    audit.record(
        session,
        actor=actor,
        action="volunteer_sign_out",
        subject=volunteer.id_masked,
        purpose=f"{activity.title} {hours:g}小时",
    )
    session.flush()
    return SignResult(False, volunteer.name, activity.title, attendance.signed_out_at, hours)


def correct_hours(
    session: Session,
    attendance_id: int,
    hours: float,
    *,
    reason: str,
    actor: str,
    scope: Scope = WHOLE_STREET,
) -> float:
    """Set the hours an attendance counts, by hand: a reason, at most the activity's length, and
    approved by an account that may (the one named in ``actor``)."""
    allowed(session, actor, "volunteer.correct")
    attendance = session.get(Attendance, attendance_id)
    if attendance is None:
        raise VolunteerError(f"没有编号为{attendance_id}的签到记录")
    activity, _team = activity_in_scope(session, attendance.activity_id, scope)
    if not reason.strip():
        raise VolunteerError("核定时长须写明原因")
    longest = (activity.ends_at - activity.starts_at).total_seconds() / 3600
    if not 0 <= hours <= longest or hours * 2 != int(hours * 2):
        raise VolunteerError(f"时长应为0到{longest:g}小时之间、以半小时计")
    volunteer = session.get(Volunteer, attendance.volunteer_id)
    attendance.hours = hours
    attendance.correction_reason = reason.strip()[:200]
    attendance.corrected_by = actor
    attendance.corrected_at = dt.datetime.now().replace(microsecond=0)
    audit.record(
        session,
        actor=actor,
        action="volunteer_correct",
        subject=volunteer.id_masked if volunteer else "",
        purpose=f"{activity.title} {hours:g}小时：{reason.strip()}"[:200],
    )
    session.flush()
    return hours


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    id: int
    name: str
    id_masked: str
    signed_in_at: dt.datetime
    signed_out_at: dt.datetime | None
    hours: float
    corrected: str  # "" or “原因（核定人）”


def attendance_rows(session: Session, activity_id: int, *, scope: Scope, actor: str) -> list[AttendanceRow]:
    """Who came to an activity, audited as one list."""
    activity, _team = activity_in_scope(session, activity_id, scope)
    rows = [
        AttendanceRow(
            a.id,
            v.name,
            v.id_masked,
            a.signed_in_at,
            a.signed_out_at,
            a.hours,
            f"{a.correction_reason}（{a.corrected_by}）" if a.corrected_by else "",
        )
        for a, v in session.execute(
            select(Attendance, Volunteer)
            .join(Volunteer, Volunteer.id == Attendance.volunteer_id)
            .where(Attendance.activity_id == activity.id)
            .order_by(Attendance.signed_in_at, Attendance.id)
        )
    ]
    audit.record_list(
        session,
        actor=actor,
        action="volunteer_attendance",
        shown=len(rows),
        what=f"“{activity.title}”签到名单",
    )
    return rows
