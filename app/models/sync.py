"""The client side of the sync with the street office: the outbox and the sync state.

Every new or changed case, new case event and new or changed certificate adds an outbox row in the
same transaction as the change (app.models.outbox), so a change and its "to be sent" note
commit or roll back together. The push serialises the record as it is when sent; several rows
for one record are sent once.

Importing the models package installs that listener (app/models/__init__.py): whatever can write
a Case (desk, kiosk, command line, tests, sessions made without open_database) also writes its
outbox row.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

RECORD_TYPES = ("case", "case_event", "certificate")


class OutboxEntry(Base):
    """One record to send. ``attempts`` counts the server's refusals ("rejected"), not network
    failures: an entry refused REJECT_LIMIT times stays unsent and is shown as an error."""

    __tablename__ = "sync_outbox"
    __table_args__ = (
        Index("ix_sync_outbox_pending", "sent_at", "record_type"),
        Index("ix_sync_outbox_record", "record_type", "record_uuid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(20))  # case, case_event, certificate
    record_uuid: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer, default=1)  # the record's version at the change
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # The columns this change set (["*"] for a new record): what a rebase re-applies over a newer
    # server copy (app.services.sync.apply).
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)


class SyncState(Base):
    """A single row (id 1): where the pull stands and how the last round went.

    ``cursor`` and ``last_success_at`` come from the server (its clock orders everything);
    ``last_attempt_at`` is this machine's clock and only shown, never compared.
    """

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    server_time_offset_s: Mapped[float] = mapped_column(Float, default=0.0)
    server_url: Mapped[str] = mapped_column(String(200), default="")  # the cursor belongs to it
    # The highest change number of this desk's own writes the server has confirmed in a push
    # answer. A desk restored from an older copy has an older one, and its pull then brings back
    # what it wrote after that copy was made (docs/SYNC.md, restore).
    receipt: Mapped[int] = mapped_column(Integer, default=0)
    # Records the last round set aside because the server does not know their type yet (an older
    # server): said on the desk's status line until a round sends them.
    held_back_note: Mapped[str] = mapped_column(String(300), default="")


class HeldRecord(Base):
    """A pulled record that cannot be placed yet (an event whose case has not come down): kept
    until its case arrives, so the pull's cursor never passes a record that was not stored."""

    __tablename__ = "sync_held"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(20))
    record_uuid: Mapped[str] = mapped_column(String(36))
    parent_uuid: Mapped[str] = mapped_column(String(36), index=True)  # the case it waits for
    record: Mapped[dict] = mapped_column(JSON)  # as it came down
    held_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SyncConflict(Base):
    """A change of this desk the server's rule did not take (a status on a case another community
    or the street now holds): the server's value stands, and staff see what was not taken until
    they acknowledge it."""

    __tablename__ = "sync_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(20))
    record_uuid: Mapped[str] = mapped_column(String(36))
    label: Mapped[str] = mapped_column(String(60))  # the case number staff know it by
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
