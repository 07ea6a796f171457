"""Community life beside the window, in figures: micro-wishes, home visits, 议事 meetings, partner
projects and party life (members, meetings, branches without their monthly meeting, 双报到 services).

The 统计 tab shows them beside the case figures, so that a community secretary reports what the
centre does beyond the counter as well (the source articles measure a centre by both). Each figure
is defined in docs/REPORTS.md ("Community life"), counted with plain SQL over the records the
desk keeps, and opened to the records behind it by :mod:`app.services.reports.drill_community`.
Within a grid worker's grids, records that belong to no grid (a 议事 meeting of the whole
community, partner projects) are not counted: their figures show as None.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.models import (
    Deliberation,
    MeetingAttendance,
    PartnerProject,
    PartyMeeting,
    PartyMember,
    PartyOrganisation,
    ReportInService,
    Visit,
    Wish,
)
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.party.meetings import MissingBranch, branches_without_meeting, last_month
from app.services.reports.figures import Figure, rate
from app.services.reports.periods import Period

OPEN_WISH_STATES = ("published", "claimed")
CHARTED_FIGURES = (  # activities of comparable size, drawn as bars; every figure is in the tables
    "wishes.posted",
    "wishes.claimed",
    "wishes.fulfilled",
    "deliberations.held",
    "deliberations.decided",
    "partners.projects_claimed",
    "partners.projects_finished",
)


@dataclass(frozen=True, slots=True)
class CommunityReport:
    period: Period
    as_of: dt.date
    values: dict[str, int | float | None]  # figure code -> value, in the order of COMMUNITY_FIGURES
    missing: tuple[MissingBranch, ...]  # branches that held no meeting in the last full month

    def figures(self) -> list[Figure]:
        return [Figure(code, value) for code, value in self.values.items()]


def community_report(
    session: Session, period: Period, *, scope: Scope = WHOLE_STREET, as_of: dt.date | None = None
) -> CommunityReport:
    as_of = as_of or dt.date.today()
    start, end = period.start, period.end

    def count(model, day_column, *conditions) -> int:
        grid = model.grid_id
        stmt = select(func.count()).select_from(model).where(day_column.between(start, end), *conditions)
        return session.scalar(stmt.where(scope.grid_filter(grid))) or 0

    values: dict[str, int | float | None] = {
        "wishes.posted": count(Wish, Wish.posted_on),
        "wishes.claimed": count(Wish, Wish.claimed_on),
        "wishes.fulfilled": count(Wish, Wish.fulfilled_on),
        "wishes.open": session.scalar(
            select(func.count())
            .select_from(Wish)
            .where(
                Wish.status.in_(OPEN_WISH_STATES), Wish.posted_on <= as_of, scope.grid_filter(Wish.grid_id)
            )
        )
        or 0,
        **_visits(session, start, end, scope),
    }
    whole = scope.whole_street
    values["deliberations.held"] = count(Deliberation, Deliberation.held_on) if whole else None
    values["deliberations.decided"] = count(Deliberation, Deliberation.decided_on) if whole else None
    values["deliberations.results_published"] = count(Deliberation, Deliberation.result_on) if whole else None
    values["partners.projects_claimed"] = (
        _projects(session, PartnerProject.claimed_on, start, end) if whole else None
    )
    values["partners.projects_finished"] = (
        _projects(session, PartnerProject.finished_on, start, end) if whole else None
    )
    values.update(_party(session, start, end, scope, as_of))
    missing = tuple(branches_without_meeting(session, last_month(as_of), scope=scope))
    values["party.branches_without_meeting"] = len(missing)
    return CommunityReport(period, as_of, values, missing)


def _visits(session: Session, start: dt.date, end: dt.date, scope: Scope) -> dict[str, int]:
    """One pass over the period's visits (a busy street records a thousand a day)."""
    made, home, raised = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((Visit.way == "入户", 1), else_=0)), 0),
            func.count(Visit.case_id),
        ).where(Visit.visited_on.between(start, end), scope.grid_filter(Visit.grid_id))
    ).one()
    return {"visits.made": made, "visits.home": home, "visits.cases_raised": raised}


def _projects(session: Session, day_column, start: dt.date, end: dt.date) -> int:
    return (
        session.scalar(select(func.count()).select_from(PartnerProject).where(day_column.between(start, end)))
        or 0
    )


def _party(
    session: Session, start: dt.date, end: dt.date, scope: Scope, as_of: dt.date
) -> dict[str, int | float]:
    in_scope = scope.grid_filter(PartyOrganisation.grid_id)
    on_roll = (
        select(PartyMember.status, PartyMember.kind, func.count())
        .join(PartyOrganisation, PartyOrganisation.id == PartyMember.branch_id)
        .where(
            in_scope, (PartyMember.transferred_out_on.is_(None)) | (PartyMember.transferred_out_on > as_of)
        )
        .group_by(PartyMember.status, PartyMember.kind)
    )
    members = probation = in_service = 0
    for status, kind, n in session.execute(on_roll):
        members += n
        probation += n if status == "probation" else 0
        in_service += n if kind == "in_service" else 0
    held = (
        select(PartyMeeting.id)
        .join(PartyOrganisation, PartyOrganisation.id == PartyMeeting.branch_id)
        .where(in_scope, PartyMeeting.held.is_(True), PartyMeeting.held_on.between(start, end))
    )
    meetings = session.scalar(select(func.count()).select_from(held.subquery())) or 0
    # Counted in one pass without grouping: a year of a big street's meetings is a million marks.
    marked, present = session.execute(
        select(
            func.count(), func.coalesce(func.sum(case((MeetingAttendance.present.is_(True), 1), else_=0)), 0)
        ).where(MeetingAttendance.meeting_id.in_(held))
    ).one()
    services, hours = session.execute(
        select(func.count(ReportInService.id), func.coalesce(func.sum(ReportInService.hours), 0.0))
        .join(PartyMember, PartyMember.id == ReportInService.member_id)
        .join(PartyOrganisation, PartyOrganisation.id == PartyMember.branch_id)
        .where(in_scope, ReportInService.served_on.between(start, end))
    ).one()
    return {
        "party.members": members,
        "party.members_probation": probation,
        "party.members_in_service": in_service,
        "party.meetings_held": meetings,
        "party.attendance_rate": rate(present, marked),
        "report_in.services": services,
        "report_in.hours": round(float(hours), 1),
    }
