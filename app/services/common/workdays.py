"""Working days for promised time limits (承诺时限).

Deadlines are counted in working days: statutory holidays are off and the 调休 make-up days
(weekend days that are worked) are on. The ``chinese_calendar`` package knows the State Council's
arrangement only up to the year it was released for; the administrator's ``calendar_days`` table
fills later years (published each November or December) and local closures, and beats the
package. For a year nobody covers, Monday to Friday is used and the deadline is flagged as an
estimate (:meth:`WorkCalendar.unknown_years`) so the desk can say so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CalendarDay

NOTE_MAX = 60  # CalendarDay.note is String(60)


@lru_cache(maxsize=32_768)
def _package_workday(day: dt.date) -> bool | None:
    """The package's answer, or None for a year it does not know. Cached: the desk computes
    deadlines for thousands of cases and the package looks each day up in dicts of strings."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def _package_knows(year: int) -> bool:
    return _package_workday(dt.date(year, 1, 1)) is not None


def _as_date(day: dt.date) -> dt.date:
    # A datetime is a date too, but never equals a date key in the overrides dict.
    return day.date() if isinstance(day, dt.datetime) else day


class WorkCalendar:
    """Which days count, from overrides first, then the package, then the weekday rule."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        self._overrides = {_as_date(d): bool(w) for d, w in (overrides or {}).items()}
        self._override_years = {d.year for d in self._overrides}

    @classmethod
    def load(cls, session: Session) -> WorkCalendar:
        """A calendar with the administrator's table read once; reload after editing it."""
        rows = session.execute(select(CalendarDay.day, CalendarDay.is_workday)).all()
        return cls({day: is_workday for day, is_workday in rows})

    @property
    def overrides(self) -> dict[dt.date, bool]:
        return dict(self._overrides)

    def is_workday(self, day: dt.date) -> bool:
        """Override > chinese_calendar > Monday to Friday (for years nobody has published)."""
        day = _as_date(day)
        if day in self._overrides:
            return self._overrides[day]
        known = _package_workday(day)
        if known is not None:
            return known
        return day.weekday() < 5

    def is_known(self, day: dt.date) -> bool:
        """False when neither the package nor any override row covers the day's year, i.e. the
        answer is only the weekday guess and 调休 may be missing."""
        year = _as_date(day).year
        return year in self._override_years or _package_knows(year)

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The deadline for a case accepted on ``start``: counting begins the next day
        (自受理之次日起计算), so ``days == 0`` (即办) is ``start`` itself."""
        if days < 0:
            raise ValueError(f"promised working days cannot be negative: {days}")
        day = _as_date(start)
        left = days
        while left:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative (the same count) when end is before start,
        so ``between(a, b) == -between(b, a)``."""
        start, end = _as_date(start), _as_date(end)
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return sign * count

    def unknown_years(self, start: dt.date, end: dt.date) -> list[int]:
        """Years in [start, end] (either order) where the deadline is only estimated."""
        first, last = sorted((_as_date(start).year, _as_date(end).year))
        return [y for y in range(first, last + 1) if not self.is_known(dt.date(y, 1, 1))]


def deadline_state(due: dt.date | None, today: dt.date, calendar: WorkCalendar, *, soon_days: int = 1) -> str:
    """The state behind the desk's list colours: "none", "overdue", "due_soon" or "on_time".

    "Soon" is measured in working days left, so a case due on Monday is already due soon on
    the Friday before: the weekend gives the back office no time.
    """
    if due is None:
        return "none"
    due, today = _as_date(due), _as_date(today)
    if today > due:
        return "overdue"
    if calendar.working_days_between(today, due) <= soon_days:
        return "due_soon"
    return "on_time"


def set_override(session: Session, day: dt.date, is_workday: bool, note: str = "") -> None:
    """Insert or update the administrator's ruling for ``day``; the caller commits."""
    day = _as_date(day)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValueError(f"备注不能超过 {NOTE_MAX} 个字：{note[:20]}…")
    row = session.get(CalendarDay, day)
    if row is None:
        session.add(CalendarDay(day=day, is_workday=bool(is_workday), note=note))
        session.flush()  # a second call for the same day in this transaction must find it
    else:
        row.is_workday = bool(is_workday)
        row.note = note


def remove_override(session: Session, day: dt.date) -> None:
    """Drop the ruling for ``day`` (the package or weekday rule applies again); no-op if none."""
    row = session.get(CalendarDay, _as_date(day))
    if row is not None:
        session.delete(row)


def import_overrides(session: Session, rows: Iterable[tuple[dt.date, bool, str]]) -> int:
    """Load an administrator's yearly table (holidays and make-up days); later rows for the
    same day win. Returns the number of rows applied; the caller commits."""
    count = 0
    for day, is_workday, note in rows:
        set_override(session, day, is_workday, note or "")
        count += 1
    return count


class CalendarOverride(NamedTuple):
    day: dt.date
    workday: bool
    note: str


def year_overrides(session: Session, year: int) -> list[CalendarOverride]:
    """The administrator's overrides within ``year``, by day."""
    stmt = (
        select(CalendarDay)
        .where(CalendarDay.day.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        .order_by(CalendarDay.day)
    )
    return [CalendarOverride(r.day, r.is_workday, r.note) for r in session.scalars(stmt)]
