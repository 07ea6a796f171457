"""The whole report for one period and scope, as the 统计 tab and the monthly report show it:
case figures by every grouping, satisfaction, certificates, population, the twelve-month trend and
community life (wishes, visits, 议事, partner projects, party life).
Also the entry point the command line uses, which audits one report view per run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.common import audit
from app.services.common.workdays import WorkCalendar
from app.services.reports.case_facts import load_case_facts
from app.services.reports.case_figures import CaseReport, report_from_facts, reports_by
from app.services.reports.certificate_figures import CertificateReport, certificate_report
from app.services.reports.community_figures import CommunityReport, community_report
from app.services.reports.figures import CASE_GROUPINGS
from app.services.reports.periods import Period, last_twelve_months
from app.services.reports.population_figures import PopulationReport, population_report
from app.services.reports.satisfaction import SatisfactionReport, satisfaction_report
from app.services.reports.side_reading import read_beside

REPORT_ACTION = "report_view"


@dataclass(frozen=True, slots=True)
class FullReport:
    period: Period
    as_of: dt.date
    cases: CaseReport  # totals only
    by: dict[str, CaseReport]  # grouping -> report
    satisfaction: SatisfactionReport
    certificates: CertificateReport
    population: PopulationReport
    trend: CaseReport  # the twelve months ending with the period's last month, by month
    community: CommunityReport  # wishes, visits, 议事, partner projects, party life


def full_report(
    session: Session, period: Period, *, scope: Scope = WHOLE_STREET, as_of: dt.date | None = None
) -> FullReport:
    """Every section for ``period``. The certificates, population and community sections are read
    beside the case figures, on a second connection when that sees what ``session`` sees
    (side_reading.py): at a million residents that halves the wait on two cores."""
    as_of = as_of or dt.date.today()

    def other_sections(side: Session) -> tuple[CertificateReport, PopulationReport, CommunityReport]:
        return (
            certificate_report(side, period, scope=scope),
            population_report(side, scope=scope, as_of=as_of),
            community_report(side, period, scope=scope, as_of=as_of),
        )

    # Asked first: once the facts table is written, the session no longer qualifies.
    beside = read_beside(session, other_sections)
    calendar = WorkCalendar.load(session)
    trend = last_twelve_months(period.end)
    span = Period(min(period.start, trend.start), max(period.end, trend.end))
    facts = load_case_facts(session, span, scope=scope, as_of=as_of, calendar=calendar)  # read once
    overall, by = reports_by(session, facts, period, [g for g in CASE_GROUPINGS if g != "month"], as_of)
    trend_report = report_from_facts(session, facts, trend, "month", as_of)
    satisfaction = satisfaction_report(session, period, scope=scope)
    certificates, population, community = beside.result()
    return FullReport(
        period=period,
        as_of=as_of,
        cases=overall,
        by=by,
        satisfaction=satisfaction,
        certificates=certificates,
        population=population,
        trend=trend_report,
        community=community,
    )


def record_report_view(
    session: Session, *, actor: str, what: str, period: Period | None, scope_note: str
) -> None:
    """One audit entry per report shown or copied: the figures are aggregates, but they are drawn
    from personal data, so who looked at which report and when is kept."""
    span = f"{period.start.isoformat()}至{period.end.isoformat()}" if period else "当前"
    audit.record(session, actor=actor, action=REPORT_ACTION, subject=what, purpose=span, detail=scope_note)
