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
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, delete, func, insert, literal, select
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
    _check(grouping)
    during = facts.c.day.between(period.start.isoformat(), period.end.isoformat())
    total = _groups(session, facts, "", during)
    groups = _groups(session, facts, grouping, during) if grouping else []
    return CaseReport(period, as_of, grouping, total[0] if total else EMPTY, tuple(groups))


def reports_by(
    session: Session, facts: Table, period: Period, groupings: Sequence[str], as_of: dt.date
) -> tuple[CaseReport, dict[str, CaseReport]]:
    """The period's totals and one report per grouping, as the full report shows them. The
    period's cases are first rolled up by every key at once (a few thousand rows for a year of a
    hundred thousand cases), and each grouping sums the roll-up instead of the cases again."""
    for grouping in groupings:
        if grouping not in ROLLUP_GROUPINGS:
            raise ReportError(f"不能按“{grouping}”分组，可选：{'、'.join(ROLLUP_GROUPINGS)}")
    rollup = _roll_up(session, facts, period)
    totals = _groups(session, rollup, "", None)
    total = totals[0] if totals else EMPTY
    by = {g: CaseReport(period, as_of, g, total, tuple(_groups(session, rollup, g, None))) for g in groupings}
    return CaseReport(period, as_of, "", total, ()), by


EMPTY = CaseGroup("", "", *([0] * 9), None, 0, 0)
COUNTED = (*FLAGS, "hotline", "hotline_closed")  # summed; the days to close are averaged
ROLLUP_GROUPINGS = ("item", "category", "grid", "channel", "staff")  # every grouping but month
ROLLUP_KEYS = tuple(GROUP_COLUMNS[g][0] for g in ROLLUP_GROUPINGS)
ROLLUP_LABELS = ("item_name", "category_name", "grid_name", "staff_name")
_rollup_metadata = MetaData()
ROLLUP = Table(
    "report_case_rollup",
    _rollup_metadata,
    *[Column(name, String(90)) for name in (*ROLLUP_KEYS, *ROLLUP_LABELS)],
    *[Column(name, Integer) for name in COUNTED],
    Column("days_sum", Float),  # working days to close, summed over the closed cases
    Column("days_n", Integer),  # how many closed cases those are
    prefixes=["TEMPORARY"],
)


def _check(grouping: str) -> None:
    if grouping not in GROUP_COLUMNS:
        raise ReportError(f"不能按“{grouping}”分组，可选：{'、'.join(CASE_GROUPINGS)}")


def _roll_up(session: Session, facts: Table, period: Period) -> Table:
    keys = [facts.c[name] for name in ROLLUP_KEYS]
    columns = [
        *keys,
        *[func.min(facts.c[name]) for name in ROLLUP_LABELS],  # one label per key
        *[func.sum(facts.c[name]) for name in COUNTED],
        func.sum(facts.c.days_to_close),
        func.count(facts.c.days_to_close),
    ]
    source = (
        select(*columns)
        .where(facts.c.day.between(period.start.isoformat(), period.end.isoformat()))
        .group_by(*keys)
    )
    connection = session.connection()
    ROLLUP.create(connection, checkfirst=True)
    connection.execute(delete(ROLLUP))
    connection.execute(insert(ROLLUP).from_select([c.name for c in ROLLUP.columns], source))
    return ROLLUP


def _groups(session: Session, source: Table, grouping: str, where) -> list[CaseGroup]:
    """Grouped figures from the facts (one row per case, ``where`` choosing the period's) or from
    the period's roll-up (``where`` None; days to close kept as a sum and a count)."""
    key_name, label_name = GROUP_COLUMNS[grouping]
    key = source.c[key_name] if key_name else literal("")
    label = source.c[label_name] if label_name else literal("")
    sums = [func.coalesce(func.sum(source.c[name]), 0) for name in COUNTED]
    if where is None:
        average = func.sum(source.c.days_sum) / func.nullif(func.sum(source.c.days_n), 0)
    else:
        average = func.avg(source.c.days_to_close)
    stmt = (
        select(key.label("key"), func.min(label).label("label"), *sums, average).group_by(key).order_by(key)
    )
    if where is not None:
        stmt = stmt.where(where)
    out = []
    for row in session.execute(stmt):
        if grouping == "" and not row[2]:
            continue
        group_key, group_label = _label(grouping, row.key, row.label)
        average = round(row[13], 2) if row[13] is not None else None
        out.append(CaseGroup(group_key, group_label, *row[2:11], average, row[11], row[12]))
    return out
