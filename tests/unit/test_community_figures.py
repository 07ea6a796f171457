"""Community-life figures of the 统计 tab: each computed here again from the raw records, without
the report's code, and each opened to exactly as many records as it counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

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
from app.services.reports import periods
from app.services.reports.community_figures import community_report
from app.services.reports.drill import FigureRef, figure_rows
from app.services.reports.figures import COMMUNITY_FIGURES, figure_name
from tests.conftest import DEMO_TODAY

FULL_ID = re.compile(r"\d{17}[\dXx]")
YEAR = periods.Period(dt.date(2026, 1, 1), dt.date(2026, 11, 30))


def _in(day: dt.date | None, period=YEAR) -> bool:
    return day is not None and period.start <= day <= period.end


def _by_hand(session, grids: set[int] | None) -> dict[str, float | int | None]:
    def mine(grid_id) -> bool:
        return grids is None or grid_id in grids

    wishes = [w for w in session.scalars(select(Wish)) if mine(w.grid_id)]
    visits = [v for v in session.scalars(select(Visit)) if mine(v.grid_id)]
    branches = {o.id: o for o in session.scalars(select(PartyOrganisation)) if mine(o.grid_id)}
    members = [
        m
        for m in session.scalars(select(PartyMember))
        if m.branch_id in branches and (m.transferred_out_on is None or m.transferred_out_on > DEMO_TODAY)
    ]
    held = [
        m
        for m in session.scalars(select(PartyMeeting))
        if m.branch_id in branches and m.held and _in(m.held_on)
    ]
    held_ids = {m.id for m in held}
    marks = [a.present for a in session.scalars(select(MeetingAttendance)) if a.meeting_id in held_ids]
    all_members = {m.id: m for m in session.scalars(select(PartyMember))}
    services = [
        s
        for s in session.scalars(select(ReportInService))
        if _in(s.served_on) and all_members[s.member_id].branch_id in branches
    ]
    figures = {
        "wishes.posted": sum(_in(w.posted_on) for w in wishes),
        "wishes.claimed": sum(_in(w.claimed_on) for w in wishes),
        "wishes.fulfilled": sum(_in(w.fulfilled_on) for w in wishes),
        "wishes.open": sum(
            w.status in ("published", "claimed") and w.posted_on <= DEMO_TODAY for w in wishes
        ),
        "visits.made": sum(_in(v.visited_on) for v in visits),
        "visits.home": sum(_in(v.visited_on) and v.way == "入户" for v in visits),
        "visits.cases_raised": sum(_in(v.visited_on) and v.case_id is not None for v in visits),
        "party.members": len(members),
        "party.members_probation": sum(m.status == "probation" for m in members),
        "party.members_in_service": sum(m.kind == "in_service" for m in members),
        "party.meetings_held": len(held),
        "party.attendance_rate": round(sum(marks) / len(marks), 4) if marks else None,
        "report_in.services": len(services),
        "report_in.hours": round(sum(s.hours for s in services), 1),
    }
    if grids is None:
        deliberations = list(session.scalars(select(Deliberation)))
        projects = list(session.scalars(select(PartnerProject)))
        figures |= {
            "deliberations.held": sum(_in(d.held_on) for d in deliberations),
            "deliberations.decided": sum(_in(d.decided_on) for d in deliberations),
            "deliberations.results_published": sum(_in(d.result_on) for d in deliberations),
            "partners.projects_claimed": sum(_in(p.claimed_on) for p in projects),
            "partners.projects_finished": sum(_in(p.finished_on) for p in projects),
        }
    return figures


@pytest.mark.parametrize("whole", [True, False])
def test_every_figure_equals_the_count_made_by_hand_from_the_records(demo_db, whole):
    with demo_db.sessions() as session:
        grids = (
            None
            if whole
            else {min(o.grid_id for o in session.scalars(select(PartyOrganisation)) if o.grid_id)}
        )
        scope = WHOLE_STREET if whole else Scope(frozenset(grids))
        report = community_report(session, YEAR, scope=scope, as_of=DEMO_TODAY)
        expected = _by_hand(session, grids)
    assert list(report.values) == list(COMMUNITY_FIGURES)  # every figure, in the table's order
    for code, value in expected.items():
        assert report.values[code] == value, code
    assert report.values["wishes.posted"] > 0 and report.values["party.meetings_held"] > 0
    if not whole:  # records of no grid are not counted for a grid worker
        assert (
            report.values["deliberations.held"] is None and report.values["partners.projects_claimed"] is None
        )
    assert (
        report.values["party.branches_without_meeting"] == len(report.missing) >= 1
    )  # the demo leaves one out


def test_every_count_opens_to_as_many_records_naming_nobody_in_full(demo_db):
    with demo_db.sessions() as session:
        report = community_report(session, YEAR, as_of=DEMO_TODAY)
    for code, value in report.values.items():
        if not isinstance(value, int) or code.endswith(("rate", "hours")):
            continue
        with demo_db.sessions.begin() as session:
            rows = figure_rows(
                session, FigureRef(code), YEAR, actor="houtai", scope=WHOLE_STREET, as_of=DEMO_TODAY
            )
        assert len(rows.ids) == len(rows.rows) == value, code
        assert rows.title.startswith(figure_name(code))
        assert not any(FULL_ID.search(cell) for row in rows.rows for cell in row), code
