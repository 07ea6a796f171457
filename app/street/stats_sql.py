"""The street office's figures counted by the database: one GROUP BY over the synced cases and one
over the certificates, on PostgreSQL and on SQLite alike, instead of reading every row into
Python. The records keep their columns as JSON, so the few values a figure needs are taken out of
``data`` by the database; the moments and days are normalised there exactly as the Python reading
did (an offset honoured, stored UTC compared with the period's UTC bounds, text that is no moment
counted nowhere), so the figures stay those of docs/REPORTS.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import Date, DateTime, and_, case, cast, func, literal, null, select
from sqlalchemy.orm import Session

from app.services.cases.workflow import EVALUATIONS, RUNNING_STATUSES, UNSATISFIED
from app.services.reports.periods import Period
from app.street.models import StreetCase, StreetCertificate

CLOSED = frozenset({"completed", "called_back", "evaluated"})

# PostgreSQL refuses to cast text that is not a moment; these patterns let only ISO text through
# (what the desks send), as SQLite's datetime() answers NULL for anything else.
_PG_MOMENT = (
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    r"([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d\d(:?\d\d)?)?)?$"
)
_PG_OFFSET = r"[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d(:?\d\d)?)$"
_PG_DAY = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"

CASE_FIGURES = (
    "cases.received",
    "cases.closed",
    "cases.in_progress",
    "cases.overdue",
    "cases.refused",
    "cases.hotline_received",
    "cases.hotline_closed",
    "cases.grid_reported",
    "satisfaction.rated",
    "satisfaction.satisfied",
)


def _utc_moment(dialect: str, text):
    """SQL: ISO text as a naive UTC moment (NULL when it is none)."""
    if dialect == "postgresql":
        return case(
            (~text.regexp_match(_PG_MOMENT), null()),
            (text.regexp_match(_PG_OFFSET), func.timezone("UTC", cast(text, DateTime(timezone=True)))),
            else_=cast(text, DateTime()),
        )
    return func.datetime(text)


def _bound(dialect: str, moment: dt.datetime):
    return moment if dialect == "postgresql" else moment.strftime("%Y-%m-%d %H:%M:%S")


def _month_of(dialect: str, moment, offset_minutes: int):
    """SQL: the local "YYYY-MM" of a UTC moment."""
    if dialect == "postgresql":
        return func.to_char(moment + dt.timedelta(minutes=offset_minutes), "YYYY-MM")
    return func.strftime("%Y-%m", moment, f"{offset_minutes:+d} minutes")


def _day(dialect: str, text):
    """SQL: the date of ISO text's first ten characters (NULL when they are no date)."""
    if dialect == "postgresql":
        return case((text.regexp_match(_PG_DAY), cast(func.substr(text, 1, 10), Date())), else_=null())
    return func.date(func.substr(text, 1, 10))


def _count(condition) -> Any:
    return func.sum(case((condition, 1), else_=0))


def counted_cases(
    session: Session,
    period: Period,
    *,
    by_month: bool,
    today: dt.date,
    offset_minutes: int,
    communities: Collection[str] | None = None,
) -> dict[tuple[str, str], dict[str, int]]:
    """The case figures of the cases received in ``period``, per (community, local month or "")."""
    dialect = session.get_bind().dialect.name
    received = _utc_moment(dialect, StreetCase.data["received_at"].as_string()).label("received")
    channel = StreetCase.data["channel"].as_string()
    rating = StreetCase.data["evaluation"].as_string()
    inner = select(
        StreetCase.origin_community.label("origin"),
        StreetCase.status.label("status"),
        StreetCase.due_date.label("due"),
        channel.label("channel"),
        rating.label("rating"),
        received,
    )
    if communities is not None:
        inner = inner.where(StreetCase.origin_community.in_(list(communities)))
    rows = inner.subquery()
    start, end = period.utc_bounds
    running = rows.c.status.in_(sorted(RUNNING_STATUSES))
    closed = rows.c.status.in_(sorted(CLOSED))
    hotline = rows.c.channel == "hotline"
    rated = rows.c.rating.in_(sorted(EVALUATIONS))
    month = _month_of(dialect, rows.c.received, offset_minutes) if by_month else literal("")
    query = (
        select(
            rows.c.origin,
            month.label("month"),
            func.count(),
            _count(closed),
            _count(running),
            _count(and_(running, rows.c.due.is_not(None), rows.c.due < today)),
            _count(rows.c.status == "refused"),
            _count(hotline),
            _count(and_(hotline, closed)),
            _count(rows.c.channel == "grid"),  # 网格上报
            _count(rated),
            _count(and_(rated, rows.c.rating.not_in(sorted(UNSATISFIED)))),
        )
        .where(rows.c.received >= _bound(dialect, start), rows.c.received < _bound(dialect, end))
        .group_by(rows.c.origin, month)
    )
    return {
        (origin, month): dict(zip(CASE_FIGURES, (int(v or 0) for v in values), strict=True))
        for origin, month, *values in session.execute(query)
    }


def counted_certificates(
    session: Session, period: Period, *, by_month: bool, communities: Collection[str] | None = None
) -> dict[tuple[str, str], int]:
    """Certificates whose issue date is in ``period``, per (community, month of issue or "")."""
    dialect = session.get_bind().dialect.name
    issued = _day(dialect, StreetCertificate.data["issue_date"].as_string()).label("issued")
    inner = select(StreetCertificate.origin_community.label("origin"), issued)
    if communities is not None:
        inner = inner.where(StreetCertificate.origin_community.in_(list(communities)))
    rows = inner.subquery()
    if dialect == "postgresql":
        month = func.to_char(rows.c.issued, "YYYY-MM") if by_month else literal("")
        within = and_(rows.c.issued >= period.start, rows.c.issued <= period.end)
    else:
        month = func.strftime("%Y-%m", rows.c.issued) if by_month else literal("")
        within = and_(rows.c.issued >= period.start.isoformat(), rows.c.issued <= period.end.isoformat())
    query = (
        select(rows.c.origin, month.label("month"), func.count()).where(within).group_by(rows.c.origin, month)
    )
    return {(origin, month): int(n) for origin, month, n in session.execute(query)}
