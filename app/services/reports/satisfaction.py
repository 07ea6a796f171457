"""好差评: how the cases received in a period were rated, and what became of the unsatisfied ones.

A case's rating is its latest evaluation (Case.evaluation); a case counts as unsatisfied when any of
its evaluations was 不满意 or 非常不满意 (the evaluate events keep each one), so re-rating after
re-handling does not make the first complaint disappear from the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.models import Case, CaseEvent, Grid
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.cases.workflow import EVALUATIONS, UNSATISFIED, status_name
from app.services.reports.case_facts import CLOSED_STATUSES
from app.services.reports.figures import Figure, rate
from app.services.reports.periods import Period

SATISFIED = tuple(level for level in EVALUATIONS if level not in UNSATISFIED)


@dataclass(frozen=True, slots=True)
class UnsatisfiedCase:
    """One case rated unsatisfied, and its re-handling: no applicant, only the case."""

    case_no: str
    item_name: str
    grid_name: str
    first_unsatisfied: str  # the first unsatisfied rating
    rated_at: dt.datetime  # when it was given (UTC)
    status: str
    status_name: str
    latest_evaluation: str
    rehandled: bool  # closed again after the complaint
    result: str  # the handling result on record

    def as_json(self) -> dict:
        return {
            "case_no": self.case_no,
            "item": self.item_name,
            "grid": self.grid_name,
            "first_unsatisfied": self.first_unsatisfied,
            "status": self.status,
            "status_name": self.status_name,
            "latest_evaluation": self.latest_evaluation,
            "rehandled": self.rehandled,
            "result": self.result,
        }


@dataclass(frozen=True, slots=True)
class SatisfactionReport:
    period: Period
    levels: tuple[tuple[str, int], ...]  # (level, cases) in EVALUATIONS order, zeros included
    unsatisfied: tuple[UnsatisfiedCase, ...]

    @property
    def rated(self) -> int:
        return sum(n for _, n in self.levels)

    @property
    def satisfied(self) -> int:
        return sum(n for level, n in self.levels if level in SATISFIED)

    @property
    def rate(self) -> float | None:
        return rate(self.satisfied, self.rated)

    @property
    def rehandled(self) -> int:
        return sum(1 for c in self.unsatisfied if c.rehandled)

    def figures(self) -> list[Figure]:
        out = [Figure("satisfaction.rated", self.rated)]
        out += [Figure(f"satisfaction.level.{level}", n) for level, n in self.levels]
        out += [
            Figure("satisfaction.satisfied", self.satisfied),
            Figure("satisfaction.rate", self.rate),
            Figure("satisfaction.unsatisfied", len(self.unsatisfied)),
            Figure("satisfaction.rehandled", self.rehandled),
        ]
        return out


def satisfaction_report(
    session: Session, period: Period, *, scope: Scope = WHOLE_STREET
) -> SatisfactionReport:
    start, end = period.utc_bounds
    where = and_(Case.received_at >= start, Case.received_at < end, scope.grid_filter(Case.grid_id))
    counts = dict(
        session.execute(
            select(Case.evaluation, func.count(Case.id))
            .where(where, Case.evaluation.in_(EVALUATIONS))
            .group_by(Case.evaluation)
        ).all()
    )
    levels = tuple((level, counts.get(level, 0)) for level in EVALUATIONS)
    return SatisfactionReport(period, levels, tuple(_unsatisfied(session, where)))


def _unsatisfied(session: Session, where) -> list[UnsatisfiedCase]:
    # Only the evaluate events whose rating (in the event's JSON) is 不满意 or 非常不满意 are read:
    # a year of ratings is a hundred thousand events, a few percent of them unsatisfied.
    level_of = CaseEvent.data["evaluation"].as_string()
    stmt = (
        select(CaseEvent.case_id, CaseEvent.at, level_of)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(where, CaseEvent.action == "evaluate", level_of.in_(sorted(UNSATISFIED)))
        .order_by(CaseEvent.case_id, CaseEvent.id)
    )
    first: dict[int, tuple[str, dt.datetime]] = {}
    for case_id, at, level in session.execute(stmt):
        if case_id not in first:
            first[case_id] = (level, at)
    if not first:
        return []
    cases = session.execute(
        select(Case, Grid.name).outerjoin(Grid, Grid.id == Case.grid_id).where(Case.id.in_(sorted(first)))
    ).all()
    out = []
    for case, grid_name in sorted(cases, key=lambda r: r[0].case_no):
        level, at = first[case.id]
        rehandled = (
            case.status in CLOSED_STATUSES and case.completed_at is not None and case.completed_at > at
        )
        out.append(
            UnsatisfiedCase(
                case.case_no,
                case.item_name,
                grid_name or "",
                level,
                at,
                case.status,
                status_name(case.status),
                case.evaluation,
                rehandled,
                case.result,
            )
        )
    return out
