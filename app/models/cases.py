"""Cases (办件/工单) and their append-only history of events.

Cases and events sync to the street office later, so each carries a UUID, a version counter and
the community it started in, as DESIGN.md asks of every record that syncs.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Timestamped, utcnow


def new_uuid() -> str:
    return str(uuid.uuid4())


class Case(Timestamped, Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    version: Mapped[int] = mapped_column(Integer, default=1)
    sync_base: Mapped[int] = mapped_column(Integer, default=0)  # the server version this copy is based on
    origin_community: Mapped[str] = mapped_column(String(15))  # community code the case started in
    case_no: Mapped[str] = mapped_column(String(40), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="RESTRICT"), index=True)
    channel: Mapped[str] = mapped_column(String(20), default="window")  # window, hotline, kiosk
    status: Mapped[str] = mapped_column(String(30), index=True)

    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_items.id", ondelete="SET NULL"), default=None
    )
    item_code: Mapped[str] = mapped_column(String(20), default="")  # snapshot: items may be edited later
    item_name: Mapped[str] = mapped_column(String(60), default="")
    promised_days: Mapped[int] = mapped_column(Integer, default=0)

    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), index=True, default=None
    )
    applicant_name: Mapped[str] = mapped_column(String(50), default="")
    applicant_id_number: Mapped[str] = mapped_column(String(18), default="", index=True)
    applicant_phone: Mapped[str] = mapped_column(String(30), default="")
    agent_name: Mapped[str] = mapped_column(String(50), default="")  # 帮办代办
    agent_id_number: Mapped[str] = mapped_column(String(18), default="")
    agent_phone: Mapped[str] = mapped_column(String(30), default="")

    grid_id: Mapped[int | None] = mapped_column(
        ForeignKey("grids.id", ondelete="SET NULL"), index=True, default=None
    )
    first_responder: Mapped[str] = mapped_column(String(40), default="")  # 首问责任人 (username)
    owner: Mapped[str] = mapped_column(String(60), default="")  # who holds it now: user or department
    content: Mapped[str] = mapped_column(Text, default="")  # the request in the applicant's words
    address: Mapped[str] = mapped_column(String(200), default="")
    materials_received: Mapped[list[str]] = mapped_column(JSON, default=list)
    materials_missing: Mapped[list[str]] = mapped_column(JSON, default=list)
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")

    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    due_date: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    evaluation: Mapped[str] = mapped_column(String(10), default="")
    supervised: Mapped[bool] = mapped_column(Boolean, default=False, index=True)  # 督办
    supervision_note: Mapped[str] = mapped_column(Text, default="")
    hotline_order_no: Mapped[str | None] = mapped_column(String(40), unique=True, default=None)

    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )


class CaseEvent(Base):
    """One thing that happened to a case: who, when, what, and a note. Never updated."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str] = mapped_column(String(30), default="")
    to_status: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")


class CaseSequence(Base):
    """The last case number handed out per community and day. Incremented in the same
    transaction that stores the case, so a number is used exactly when its case exists."""

    __tablename__ = "case_sequences"

    community_code: Mapped[str] = mapped_column(String(15), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class CalendarDay(Timestamped, Base):
    """An administrator's correction of the working-day calendar: a holiday or a make-up working
    day (调休) for a year the chinese-calendar package does not know yet, or a local closure."""

    __tablename__ = "calendar_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(60), default="")


ESCALATION_LEVELS: dict[str, str] = {  # the five levels of 吹哨报到, from the grid up
    "grid": "网格",
    "community": "社区",
    "street": "街道",
    "district": "区",
    "city": "市",
}


class EscalationTarget(Timestamped, Base):
    """A department or office a case can be escalated to (吹哨): its level and how to reach it.
    Kept by the administrator; never deleted, only disabled, since old events name it."""

    __tablename__ = "escalation_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    level: Mapped[str] = mapped_column(String(12))  # an ESCALATION_LEVELS key
    contact: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
