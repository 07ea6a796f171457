"""Case figures for a period and a scope, in total or grouped by item, category, grid, channel,
staff member or month: one grouped query per breakdown.

The definitions are in docs/REPORTS.md; in short, a case belongs to the period of the local day it
was received, and its state is the one it has when the report is made (``as_of``). Working days
come from a running count of the centre's calendar in a temporary table (workday_index.py), so
even on-time and average days to close are one grouped query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, literal, select
from sqlalchemy.orm import Session

from app.models import Case, CaseEvent, Grid, ServiceCategory, ServiceItem, User
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.cases.workflow import RUNNING_STATUSES
from app.services.common.workdays import WorkCalendar
from app.services.reports.figures import CASE_GROUPINGS, CHANNEL_NAMES, Figure, rate
from app.services.reports.periods import Period, local_month, utc_offset_minutes
from app.services.reports.workday_index import WorkdayIndex

CLOSED_STATUSES = ("completed", "called_back", "evaluated")  # 办结, and what follows it
HOTLINE = "hotline"
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


def _group_columns(grouping: str, offset: int):
    """(key, label) SQL expressions and the outer joins they need."""
    if grouping == "":
        return literal(""), literal(""), []
    if grouping == "item":
        return Case.item_code + "|" + Case.item_name, Case.item_name, []
    if grouping == "category":
        joins = [
            (ServiceItem, ServiceItem.id == Case.item_id),
            (ServiceCategory, ServiceCategory.code == ServiceItem.category_code),
        ]
        return ServiceCategory.code, ServiceCategory.name, joins
    if grouping == "grid":
        return Grid.code, Grid.name, [(Grid, Grid.id == Case.grid_id)]
    if grouping == "channel":
        return Case.channel, Case.channel, []
    if grouping == "staff":
        return Case.first_responder, User.display_name, [(User, User.username == Case.first_responder)]
    if grouping == "month":
        month = local_month(Case.received_at, offset)
        return month, month, []
    raise ReportError(f"不能按“{grouping}”分组，可选：{'、'.join(CASE_GROUPINGS)}")


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
    offset = utc_offset_minutes()
    # Acceptance is on or after the period's first day, closing no later than now.
    last = max(as_of, period.end, dt.date.today()) + dt.timedelta(days=1)
    counts = WorkdayIndex(calendar, period.start - dt.timedelta(days=1), last).load_into(session)
    total = _groups(session, period, "", scope, as_of, counts, offset)
    groups = _groups(session, period, grouping, scope, as_of, counts, offset) if grouping else []
    empty = CaseGroup("", "", *([0] * 9), None, 0, 0)
    return CaseReport(period, as_of, grouping, total[0] if total else empty, tuple(groups))


def _groups(
    session: Session, period: Period, grouping: str, scope: Scope, as_of: dt.date, counts, offset: int
):
    key, label, joins = _group_columns(grouping, offset)
    start, end = period.utc_bounds
    shift = f"{offset:+d} minutes"
    running = Case.status.in_(RUNNING_STATUSES)
    closed = and_(Case.status.in_(CLOSED_STATUSES), Case.completed_at.is_not(None))
    hotline = Case.channel == HOTLINE
    # Correlated, so each case looks at its own few events through the case_id index.
    supplemented = exists().where(CaseEvent.case_id == Case.id, CaseEvent.action == "request_materials")
    accepted_count, closed_count = counts.alias("accepted_count"), counts.alias("closed_count")
    # Working days from acceptance to closing: the difference of two running counts.
    taken = closed_count.c.n - accepted_count.c.n

    def count(condition) -> object:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    stmt = (
        select(
            key.label("key"),
            func.min(label).label("label"),
            func.count(Case.id),
            count(closed),
            count(running),
            count(and_(running, Case.due_date < as_of)),
            count(Case.status == "awaiting_materials"),
            count(supplemented),
            count(Case.status == "refused"),
            count(Case.status == "withdrawn"),
            count(and_(closed, taken <= Case.promised_days)),
            func.avg(case((closed, taken), else_=None)),
            count(hotline),
            count(and_(hotline, closed)),
        )
        .select_from(Case)
        .outerjoin(
            accepted_count,
            accepted_count.c.day == func.date(func.coalesce(Case.accepted_at, Case.received_at), shift),
        )
        .outerjoin(closed_count, closed_count.c.day == func.date(Case.completed_at, shift))
    )
    for target, on in joins:
        stmt = stmt.outerjoin(target, on)
    where = and_(Case.received_at >= start, Case.received_at < end, scope.grid_filter(Case.grid_id))
    out = []
    for row in session.execute(stmt.where(where).group_by(key).order_by(key)):
        if grouping == "" and not row[2]:
            continue
        group_key, group_label = _label(grouping, row.key, row.label)
        average = round(row[11], 2) if row[11] is not None else None
        out.append(CaseGroup(group_key, group_label, *row[2:11], average, row[12], row[13]))
    return out
