"""The outbox rows still to send, read and marked in one place, so that the push and the desk's
status line count a record the same way: several unsent rows of one record are one record, and a
record the server refused REJECT_LIMIT times waits for a person instead of travelling again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session

from app.models import OutboxEntry
from app.models.base import utcnow

REJECT_LIMIT = 3  # a record the server refused this many times waits for a person
SENT_KEPT_DAYS = 30  # outbox rows the server accepted are removed after this many days
TYPE_ORDER = {"case": 0, "certificate": 1, "case_event": 2}  # a case reaches the server before its events

RecordKey = tuple[str, str]  # (record type, uuid)


class Waiting(NamedTuple):
    """One record with unsent outbox rows."""

    record_type: str
    record_uuid: str
    first_id: int  # its oldest unsent row: records travel in the order they were first changed
    last_id: int  # its newest unsent row read now: rows written later wait for the next batch
    version: int  # the highest noted; a record's version only grows

    @property
    def key(self) -> RecordKey:
        return self.record_type, self.record_uuid


def _grouped(*, refused: bool = False) -> Select:
    limit = OutboxEntry.attempts >= REJECT_LIMIT if refused else OutboxEntry.attempts < REJECT_LIMIT
    return (
        select(
            OutboxEntry.record_type,
            OutboxEntry.record_uuid,
            func.min(OutboxEntry.id),
            func.max(OutboxEntry.id),
            func.max(OutboxEntry.version),
        )
        .where(OutboxEntry.sent_at.is_(None), limit)
        .group_by(OutboxEntry.record_type, OutboxEntry.record_uuid)
    )


def waiting(session: Session) -> list[Waiting]:
    """The records to send, cases before certificates before events, then oldest change first."""
    rows = map(Waiting._make, session.execute(_grouped()))
    return sorted(rows, key=lambda w: (TYPE_ORDER.get(w.record_type, 9), w.first_id))


def count_waiting(session: Session, *, refused: bool = False) -> int:
    return session.scalar(select(func.count()).select_from(_grouped(refused=refused).subquery())) or 0


def last_refusal(session: Session) -> str | None:
    """The server's reason for the most recent record it refused for good."""
    return session.scalar(
        select(OutboxEntry.last_error)
        .where(OutboxEntry.sent_at.is_(None), OutboxEntry.attempts >= REJECT_LIMIT)
        .order_by(OutboxEntry.id.desc())
        .limit(1)
    )


def newest(rows: list[Waiting]) -> dict[RecordKey, int]:
    """The highest outbox id read for each record of these rows (see mark)."""
    return {w.key: w.last_id for w in rows}


def mark(session: Session, keys: list[RecordKey], top: dict[RecordKey, int], **values: Any) -> None:
    """Update the unsent outbox rows of ``keys`` read for this batch; rows written since (a newer
    change of the same record: a higher id than any read) wait for the next batch."""
    if not keys:
        return
    highest = max(top.values())
    by_type: dict[str, list[str]] = {}
    for record_type, record_uuid in keys:
        by_type.setdefault(record_type, []).append(record_uuid)
    for record_type, uuids in by_type.items():
        session.execute(
            update(OutboxEntry)
            .where(
                OutboxEntry.record_type == record_type,
                OutboxEntry.record_uuid.in_(uuids),
                OutboxEntry.sent_at.is_(None),
                OutboxEntry.id <= highest,
            )
            .values(**values)
        )


def settle(session: Session, record_type: str, uuid: str, note: str = "") -> None:
    """Every unsent outbox row of one record is done with, nothing of it to travel again: what it
    said is on the server already, or will never be taken there (``note`` says why)."""
    session.execute(
        update(OutboxEntry)
        .where(
            OutboxEntry.record_type == record_type,
            OutboxEntry.record_uuid == uuid,
            OutboxEntry.sent_at.is_(None),
        )
        .values(sent_at=utcnow(), last_error=note[:500])
    )


def one_more_refusal() -> Any:
    """The ``attempts`` value for mark(): counted by the database, not read and written back."""
    return OutboxEntry.attempts + 1


def forget_sent(session: Session, now: dt.datetime) -> None:
    """The server holds what it accepted; without this the outbox would grow by every change ever
    made. Unsent and refused rows are never touched."""
    session.execute(delete(OutboxEntry).where(OutboxEntry.sent_at < now - dt.timedelta(days=SENT_KEPT_DAYS)))
