"""Activities a team holds: planned with a start and an end (local time), then held or
cancelled; and the activities open for signing in at a given moment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ACTIVITY_STATUSES, TeamMembership, VolunteerActivity, VolunteerTeam
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.volunteers.teams import VolunteerError, allowed, team_in_scope

# Signing in opens this long before the start: volunteers gather before a patrol sets off.
EARLY_SIGN_IN = dt.timedelta(hours=1)
LONGEST = dt.timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class ActivityRow:
    id: int
    team: str
    title: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str  # in Chinese

    @property
    def when(self) -> str:
        """“3月5日 09:00–11:30”: what a volunteer reads on a button."""
        return f"{self.starts_at.month}月{self.starts_at.day}日 {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


def activity_row(activity: VolunteerActivity, team: VolunteerTeam) -> ActivityRow:
    return ActivityRow(
        activity.id,
        team.name,
        activity.title,
        activity.place,
        activity.starts_at,
        activity.ends_at,
        ACTIVITY_STATUSES.get(activity.status, activity.status),
    )


def add_activity(
    session: Session,
    team_id: int,
    *,
    title: str,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    scope: Scope,
    actor: str,
) -> ActivityRow:
    """Plan an activity of a team the person may see."""
    allowed(session, actor, "volunteer.manage")
    team = team_in_scope(session, team_id, scope)
    if not title.strip():
        raise VolunteerError("请填写活动名称")
    if ends_at <= starts_at:
        raise VolunteerError("活动结束时间应晚于开始时间")
    if ends_at - starts_at > LONGEST:
        raise VolunteerError("一次活动不超过12小时，跨天的活动请分天登记")
    activity = VolunteerActivity(
        team_id=team.id,
        title=title.strip(),
        place=place.strip(),
        starts_at=starts_at.replace(second=0, microsecond=0),
        ends_at=ends_at.replace(second=0, microsecond=0),
        created_by=actor,
    )
    session.add(activity)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="volunteer_activity",
        subject=f"活动{activity.id}",
        purpose=activity.title,
    )
    return activity_row(activity, team)


def activity_in_scope(
    session: Session, activity_id: int, scope: Scope
) -> tuple[VolunteerActivity, VolunteerTeam]:
    activity = session.get(VolunteerActivity, activity_id)
    team = session.get(VolunteerTeam, activity.team_id) if activity is not None else None
    if activity is None or team is None or not scope.allows_grid(team.grid_id):
        raise VolunteerError(f"没有编号为{activity_id}的活动，或不在您负责的网格")
    return activity, team


def list_activities(
    session: Session, *, scope: Scope, date_from: dt.date, date_to: dt.date, team_id: int | None = None
) -> list[ActivityRow]:
    """Activities of the person's teams starting between the two dates (inclusive), by start."""
    stmt = (
        select(VolunteerActivity, VolunteerTeam)
        .join(VolunteerTeam, VolunteerTeam.id == VolunteerActivity.team_id)
        .where(
            scope.grid_filter(VolunteerTeam.grid_id),
            VolunteerActivity.starts_at >= dt.datetime.combine(date_from, dt.time.min),
            VolunteerActivity.starts_at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min),
        )
        .order_by(VolunteerActivity.starts_at, VolunteerActivity.id)
    )
    if team_id is not None:
        stmt = stmt.where(VolunteerActivity.team_id == team_id)
    return [activity_row(a, t) for a, t in session.execute(stmt)]


def open_activities(session: Session, volunteer_id: int, now: dt.datetime) -> list[ActivityRow]:
    """Activities of the volunteer's teams that may be signed into at ``now``: from an hour
    before the start until the end, not cancelled."""
    stmt = (
        select(VolunteerActivity, VolunteerTeam)
        .join(VolunteerTeam, VolunteerTeam.id == VolunteerActivity.team_id)
        .join(TeamMembership, TeamMembership.team_id == VolunteerTeam.id)
        .where(
            TeamMembership.volunteer_id == volunteer_id,
            VolunteerActivity.status != "cancelled",
            VolunteerActivity.starts_at <= now + EARLY_SIGN_IN,
            VolunteerActivity.ends_at > now,
        )
        .order_by(VolunteerActivity.starts_at, VolunteerActivity.id)
    )
    return [activity_row(a, t) for a, t in session.execute(stmt)]
