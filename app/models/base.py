"""Declarative base shared by every model, with a naming convention Alembic can rely on.

Named constraints matter: SQLite can only change a table by copying it (Alembic batch mode), and
that works reliably only when every constraint has a stable name.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    """Timestamps are stored in UTC and shown in local time by the views."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def as_local(moment: dt.datetime) -> dt.datetime:
    """A stored UTC timestamp in this machine's time zone, for people and JSON output."""
    return moment.replace(tzinfo=dt.UTC).astimezone()


def local_midnight_utc(day: dt.date) -> dt.datetime:
    """The stored (UTC, naive) moment at which ``day`` starts in this machine's time zone, so
    that a filter by local date compares like with like."""
    return dt.datetime.combine(day, dt.time.min).astimezone().astimezone(dt.UTC).replace(tzinfo=None)


class Timestamped:
    """created/updated columns for records staff edit by hand."""

    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )
