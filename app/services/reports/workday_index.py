"""Working days between two days without day-by-day loops: the centre's calendar is read once
for a span and turned into a running count per day (working days from the span's first day). The
count goes into a temporary table of the report's session, so a grouped query can subtract two
counts and get the working days between acceptance and closing for 100,000 cases at once."""

from __future__ import annotations

import datetime as dt
from itertools import accumulate

from sqlalchemy import Column, Integer, MetaData, String, Table, delete, insert
from sqlalchemy.orm import Session

from app.services.common.workdays import WorkCalendar

_metadata = MetaData()
# day as SQLite's date() writes it ("2026-11-23"); n: working days in (span start, day]
RUNNING_COUNT = Table(
    "report_workday_count",
    _metadata,
    Column("day", String(10), primary_key=True),
    Column("n", Integer, nullable=False),
    prefixes=["TEMPORARY"],
)


class WorkdayIndex:
    """``between(a, b)`` equals ``WorkCalendar.working_days_between(a, b)`` for days in the span."""

    def __init__(self, calendar: WorkCalendar, first: dt.date, last: dt.date):
        self.calendar = calendar
        self.first = first
        days = (last - first).days + 1
        flags = (calendar.is_workday(first + dt.timedelta(days=n)) for n in range(1, max(days, 0)))
        self._running = [0, *accumulate(int(f) for f in flags)]  # working days in (first, day]

    def _count(self, day: dt.date) -> int:
        offset = (day - self.first).days
        if offset < 0 or offset >= len(self._running):
            raise IndexError(day)
        return self._running[offset]

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; falls back to the calendar outside the span."""
        try:
            return self._count(end) - self._count(start)
        except IndexError:
            return self.calendar.working_days_between(start, end)

    def load_into(self, session: Session) -> Table:
        """Write the running count into the session's temporary table (replacing what a previous
        report left there) and return the table, for joins on ``date(…)`` of a stored moment."""
        connection = session.connection()
        RUNNING_COUNT.create(connection, checkfirst=True)
        connection.execute(delete(RUNNING_COUNT))
        rows = [
            {"day": (self.first + dt.timedelta(days=n)).isoformat(), "n": count}
            for n, count in enumerate(self._running)
        ]
        if rows:
            connection.execute(insert(RUNNING_COUNT), rows)
        return RUNNING_COUNT
