"""The period a report covers and the scope it is narrowed to.

A period is a closed range of local calendar days, [start, end]; a case belongs to it by the day it
was received (see docs/REPORTS.md). Beijing time has no daylight saving, so one UTC offset turns
stored UTC moments into local days in SQL.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func

from app.models.base import local_midnight_utc
from app.services.admin.scope import Scope

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class PeriodError(ValueError):
    """A period that cannot be reported; one sentence for the person."""


@dataclass(frozen=True, slots=True)
class Period:
    """Local days ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"结束日期 {self.end} 早于开始日期 {self.start}")

    @property
    def label(self) -> str:
        if self.start.day == 1 and self.end == _month_end(self.start) and self.start.month == self.end.month:
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"

    @property
    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[from, to) in stored UTC, for a ``received_at`` column."""
        return local_midnight_utc(self.start), local_midnight_utc(self.end + dt.timedelta(days=1))

    def months(self) -> list[str]:
        """ "YYYY-MM" of every month the period touches, in order."""
        out, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def as_json(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "label": self.label}


def _month_end(day: dt.date) -> dt.date:
    following = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def month(text: str) -> Period:
    """ "2026-11" as the whole month of November 2026."""
    found = MONTH.match(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise PeriodError(f"月份“{text}”格式不对，应为 2026-11 这样的年-月")
    first = dt.date(int(found.group(1)), int(found.group(2)), 1)
    return Period(first, _month_end(first))


def this_month(today: dt.date) -> Period:
    return Period(today.replace(day=1), _month_end(today))


def last_month(today: dt.date) -> Period:
    return this_month(today.replace(day=1) - dt.timedelta(days=1))


def this_quarter(today: dt.date) -> Period:
    first = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return Period(first, _month_end(dt.date(first.year, first.month + 2, 1)))


def this_year(today: dt.date) -> Period:
    return Period(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))


def last_twelve_months(end: dt.date) -> Period:
    """The twelve whole months ending with ``end``'s month: the trends' window."""
    first = end.replace(day=1)
    for _ in range(11):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return Period(first, _month_end(end))


def utc_offset_minutes() -> int:
    """The local offset from UTC (480 in China), taken once per report."""
    offset = dt.datetime.now().astimezone().utcoffset() or dt.timedelta()
    return int(offset.total_seconds() // 60)


def local_month(column, offset_minutes: int):
    """SQL: the local "YYYY-MM" of a stored UTC moment."""
    return func.strftime("%Y-%m", column, f"{offset_minutes:+d} minutes")


def local_day(moment: dt.datetime | None, offset_minutes: int) -> dt.date | None:
    if moment is None:
        return None
    return (moment + dt.timedelta(minutes=offset_minutes)).date()


def narrowed(scope: Scope, grid_id: int | None) -> Scope:
    """``scope`` limited to one grid (a grid outside a grid worker's scope gives nothing)."""
    if grid_id is None:
        return scope
    if scope.grid_ids is None:
        return Scope(frozenset({grid_id}))
    return Scope(scope.grid_ids & {grid_id})
