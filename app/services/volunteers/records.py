"""A volunteer's service record: the plain rows other parts of the program may count (sync,
party points), the A4 record of one volunteer, and the hours certificate issued through the
certificate register."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Attendance, Resident, TeamMembership, Volunteer, VolunteerActivity, VolunteerTeam
from app.services.admin.scope import Scope
from app.services.certificates.issue import CertificateRenderer, IssuedCertificate, issue_certificate
from app.services.common import audit
from app.services.population.lookup import find_resident
from app.services.volunteers.people import volunteer_in_scope
from app.services.volunteers.teams import VolunteerError

HOURS_TEMPLATE = "ZYSC"


@dataclass(frozen=True, slots=True)
class ServiceRecord:
    """One attendance that counts, in a form that names the person by masked ID number only."""

    id_masked: str
    served_on: dt.date
    hours: float
    team: str
    activity: str


@dataclass(frozen=True, slots=True)
class RecordLine:
    served_on: dt.date
    team: str
    activity: str
    place: str
    signed_in: str  # “09:02”
    signed_out: str  # “11:30”, or “未签退”
    hours: float
    note: str  # the correction's reason, when staff corrected the hours


@dataclass(frozen=True, slots=True)
class VolunteerRecord:
    """One volunteer's activities in a period: the A4 志愿服务记录 and the certificate's figures."""

    volunteer_id: int
    name: str
    id_masked: str
    teams: tuple[str, ...]
    date_from: dt.date
    date_to: dt.date
    lines: tuple[RecordLine, ...]

    @property
    def hours(self) -> float:
        return sum(line.hours for line in self.lines)

    @property
    def activities(self) -> int:
        return sum(1 for line in self.lines if line.hours > 0)


def service_records(
    session: Session,
    *,
    volunteer_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Iterator[ServiceRecord]:
    """Every attendance with hours, oldest first (one volunteer's when ``volunteer_id`` is given):
    what the street's sync and the party members' points can count without reading a name."""
    stmt = (
        select(
            Volunteer.id_masked,
            VolunteerActivity.starts_at,
            Attendance.hours,
            VolunteerTeam.name,
            VolunteerActivity.title,
        )
        .join(Attendance, Attendance.volunteer_id == Volunteer.id)
        .join(VolunteerActivity, VolunteerActivity.id == Attendance.activity_id)
        .join(VolunteerTeam, VolunteerTeam.id == VolunteerActivity.team_id)
        .where(Attendance.hours > 0)
        .order_by(VolunteerActivity.starts_at, Attendance.id)
    )
    if volunteer_id is not None:
        stmt = stmt.where(Volunteer.id == volunteer_id)
    if date_from is not None:
        stmt = stmt.where(VolunteerActivity.starts_at >= dt.datetime.combine(date_from, dt.time.min))
    if date_to is not None:
        stmt = stmt.where(
            VolunteerActivity.starts_at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min)
        )
    for id_masked, starts_at, hours, team, title in session.execute(stmt):
        yield ServiceRecord(id_masked, starts_at.date(), hours, team, title)


def volunteer_record(
    session: Session, volunteer_id: int, *, date_from: dt.date, date_to: dt.date, scope: Scope, actor: str
) -> VolunteerRecord:
    """One volunteer's activities between two dates (inclusive), audited as a read of their record."""
    if date_to < date_from:
        raise VolunteerError("结束日期应不早于开始日期")
    volunteer = volunteer_in_scope(session, volunteer_id, scope)
    teams = tuple(
        session.scalars(
            select(VolunteerTeam.name)
            .join(TeamMembership, TeamMembership.team_id == VolunteerTeam.id)
            .where(TeamMembership.volunteer_id == volunteer.id)
            .order_by(VolunteerTeam.id)
        )
    )
    rows = session.execute(
        select(Attendance, VolunteerActivity, VolunteerTeam.name)
        .join(VolunteerActivity, VolunteerActivity.id == Attendance.activity_id)
        .join(VolunteerTeam, VolunteerTeam.id == VolunteerActivity.team_id)
        .where(
            Attendance.volunteer_id == volunteer.id,
            VolunteerActivity.starts_at >= dt.datetime.combine(date_from, dt.time.min),
            VolunteerActivity.starts_at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min),
        )
        .order_by(VolunteerActivity.starts_at, Attendance.id)
    ).all()
    lines = tuple(
        RecordLine(
            activity.starts_at.date(),
            team,
            activity.title,
            activity.place,
            f"{a.signed_in_at:%H:%M}",
            f"{a.signed_out_at:%H:%M}" if a.signed_out_at else "未签退",
            a.hours,
            f"核定：{a.correction_reason}" if a.corrected_by else "",
        )
        for a, activity, team in rows
    )
    audit.record(
        session,
        actor=actor,
        action="volunteer_record",
        subject=volunteer.id_masked,
        purpose=f"{date_from.isoformat()}至{date_to.isoformat()}",
    )
    return VolunteerRecord(
        volunteer.id, volunteer.name, volunteer.id_masked, teams, date_from, date_to, lines
    )


def issue_hours_certificate(
    session: Session,
    renderer: CertificateRenderer,
    volunteer_id: int,
    *,
    date_from: dt.date,
    date_to: dt.date,
    scope: Scope,
    actor: str,
    channel: str = "desk",
    today: dt.date | None = None,
) -> IssuedCertificate:
    """The 志愿服务时长证明 for a period, its figures worked out from the record, issued through the
    register with the signed QR (so ``yichuang certificate verify`` checks it offline). A
    volunteer from outside the street has no record in the population base to hold the
    certificate; their record sheet is what the centre gives them."""
    today = today or dt.date.today()
    record = volunteer_record(
        session, volunteer_id, date_from=date_from, date_to=date_to, scope=scope, actor=actor
    )
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None or volunteer.resident_id is None:
        raise VolunteerError("辖区外志愿者的时长请打印志愿服务记录；时长证明只为本街道居民开具")
    if record.hours <= 0:
        raise VolunteerError(f"{record.name}在这段时间没有计入时长的志愿服务")
    number = session.scalar(select(Resident.id_number).where(Resident.id == volunteer.resident_id))
    resident = find_resident(session, number)
    values = {
        "teams": "、".join(record.teams) or "—",
        "period": f"{_day(date_from)}至{_day(date_to)}",
        "activities": str(record.activities),
        "hours": f"{record.hours:g}",
    }
    return issue_certificate(
        session,
        renderer,
        template_code=HOURS_TEMPLATE,
        resident=resident,
        staff_values=values,
        actor=actor,
        channel=channel,
        today=today,
        computed=True,
    )


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
