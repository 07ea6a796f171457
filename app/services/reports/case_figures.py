"""Case figures for a period and a scope, in total or grouped by item, category, grid, channel,
staff member or month: the cases are read once into a facts table (case_facts.py), and each
breakdown is a grouped query over it.

The definitions are in docs/REPORTS.md; in short, a case belongs to the period of the local day it
was received, and its state is the one it has when the report is made (``as_of``). Working days
come from a running count of the centre's calendar in a temporary table (workday_index.py), so
even on-time and average days to close are one grouped query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Table, func, literal, select
from sqlalchemy.orm import Session

from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.common.workdays import WorkCalendar
from app.services.reports.case_facts import FLAGS, load_case_facts
from app.services.reports.figures import CASE_GROUPINGS, CHANNEL_NAMES, Figure, rate
from app.services.reports.periods import Period

NO_GRID, NO_CATEGORY = "未落格", "未编目事项"


class ReportError(ValueError):
    """A report that cannot be made as asked; one sentence for the person."""


@dataclass(frozen=True, slots=True)
class CaseGroup:
    """The case figures of one group (or of the whole period, key "")."""

    key: str
    label: str
    received: int
    closed: int
    in_progress: int
    overdue: int
    awaiting_materials: int
    supplement_requested: int
    refused: int
    withdrawn: int
    closed_on_time: int
    avg_days_to_close: float | None
    hotline_received: int
    hotline_closed: int

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.closed_on_time, self.closed)

    @property
    def hotline_closure_rate(self) -> float | None:
        return rate(self.hotline_closed, self.hotline_received)

    def figures(self, grouping: str = "") -> list[Figure]:
        values = {
            "cases.received": self.received,
            "cases.closed": self.closed,
            "cases.in_progress": self.in_progress,
            "cases.overdue": self.overdue,
            "cases.awaiting_materials": self.awaiting_materials,
            "cases.supplement_requested": self.supplement_requested,
            "cases.refused": self.refused,
            "cases.withdrawn": self.withdrawn,
            "cases.closed_on_time": self.closed_on_time,
            "cases.on_time_rate": self.on_time_rate,
            "cases.avg_days_to_close": self.avg_days_to_close,
            "cases.hotline_received": self.hotline_received,
            "cases.hotline_closed": self.hotline_closed,
            "cases.hotline_closure_rate": self.hotline_closure_rate,
        }
        return [Figure(code, value, grouping, self.key, self.label) for code, value in values.items()]


@dataclass(frozen=True, slots=True)
class CaseReport:
    period: Period
    as_of: dt.date
    grouping: str  # "" or one of CASE_GROUPINGS
    total: CaseGroup
    groups: tuple[CaseGroup, ...]  # empty without a grouping

    def figures(self) -> list[Figure]:
        out = self.total.figures()
        for group in self.groups:
            out.extend(group.figures(self.grouping))
        return out


GROUP_COLUMNS = {  # grouping -> (key, label) columns of the facts table
    "": (None, None),
    "item": ("item_key", "item_name"),
    "category": ("category_code", "category_name"),
    "grid": ("grid_code", "grid_name"),
    "channel": ("channel", "channel"),
    "staff": ("staff", "staff_name"),
    "month": ("month", "month"),
}


def _label(grouping: str, key: str | None, label: str | None) -> tuple[str, str]:
    key = key or ""
    if grouping == "item":
        return key, label or ""
    if grouping == "channel":
        return key, CHANNEL_NAMES.get(key, key)
    if grouping == "grid" and not key:
        return "", NO_GRID
    if grouping == "category" and not key:
        return "", NO_CATEGORY
    return key, label or key


def case_report(
    session: Session,
    period: Period,
    *,
    grouping: str = "",
    scope: Scope = WHOLE_STREET,
    as_of: dt.date | None = None,
    calendar: WorkCalendar | None = None,
) -> CaseReport:
    """The case figures of ``period`` within ``scope``, in total and (if asked) per group."""
    as_of = as_of or dt.date.today()
    calendar = calendar or WorkCalendar.load(session)
    facts = load_case_facts(session, period, scope=scope, as_of=as_of, calendar=calendar)
    return report_from_facts(session, facts, period, grouping, as_of)


def report_from_facts(
    session: Session, facts: Table, period: Period, grouping: str, as_of: dt.date
) -> CaseReport:
    """The figures of ``period`` (inside the span the facts were loaded for), grouped."""
    if grouping not in GROUP_COLUMNS:
        raise ReportError(f"不能按“{grouping}”分组，可选：{'、'.join(CASE_GROUPINGS)}")
    total = _groups(session, facts, period, "")
    groups = _groups(session, facts, period, grouping) if grouping else []
    empty = CaseGroup("", "", *([0] * 9), None, 0, 0)
    return CaseReport(period, as_of, grouping, total[0] if total else empty, tuple(groups))


def _groups(session: Session, facts: Table, period: Period, grouping: str) -> list[CaseGroup]:
    key_name, label_name = GROUP_COLUMNS[grouping]
    key = facts.c[key_name] if key_name else literal("")
    label = facts.c[label_name] if label_name else literal("")
    sums = [func.coalesce(func.sum(facts.c[flag]), 0) for flag in FLAGS]
    stmt = (
        select(
            key.label("key"),
            func.min(label).label("label"),
            *sums,
            func.avg(facts.c.days_to_close),
            func.coalesce(func.sum(facts.c.hotline), 0),
            func.coalesce(func.sum(facts.c.hotline_closed), 0),
        )
        .where(facts.c.day.between(period.start.isoformat(), period.end.isoformat()))
        .group_by(key)
        .order_by(key)
    )
    out = []
    for row in session.execute(stmt):
        if grouping == "" and not row[2]:
            continue
        group_key, group_label = _label(grouping, row.key, row.label)
        average = round(row[11], 2) if row[11] is not None else None
        out.append(CaseGroup(group_key, group_label, *row[2:11], average, row[12], row[13]))
    return out
