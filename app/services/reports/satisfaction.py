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
    # Only the evaluate events whose rating (in the event's JSON) is 不满意 or 非常不满意 are read,
    # with their case's columns (not Case objects: a year's few thousand complaints would each
    # load a whole case); a case rated unsatisfied twice keeps its first complaint.
    level_of = CaseEvent.data["evaluation"].as_string()
    stmt = (
        select(
            Case.id,
            CaseEvent.at,
            level_of,
            Case.case_no,
            Case.item_name,
            Grid.name,
            Case.status,
            Case.completed_at,
            Case.evaluation,
            Case.result,
        )
        .join(Case, Case.id == CaseEvent.case_id)
        .outerjoin(Grid, Grid.id == Case.grid_id)
        .where(where, CaseEvent.action == "evaluate", level_of.in_(sorted(UNSATISFIED)))
        .order_by(CaseEvent.case_id, CaseEvent.id)
    )
    first: dict[int, UnsatisfiedCase] = {}
    for case_id, at, level, case_no, item, grid, status, completed_at, latest, result in session.execute(
        stmt
    ):
        if case_id in first:
            continue
        rehandled = status in CLOSED_STATUSES and completed_at is not None and completed_at > at
        first[case_id] = UnsatisfiedCase(
            case_no, item, grid or "", level, at, status, status_name(status), latest, rehandled, result
        )
    return sorted(first.values(), key=lambda c: c.case_no)
