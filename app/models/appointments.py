"""Window appointments (一键预约) booked at the self-service kiosk or by the desk.

A booking names a day and a time slot of the centre's configured slots. The holder's ID number is
never stored: ``holder_hash`` is its keyed hash (HMAC-SHA256 under the installation's secret, see
app/services/kiosk/audit_key.py), enough to recognise the same person again, and ``resident_id``
links the population record while it exists.

Capacity per slot and one booking per person and slot are checked by the kiosk service in the
booking transaction; the partial unique index below is the last line of defence for the second.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow
from app.models.cases import new_uuid

APPOINTMENT_STATUSES: dict[str, str] = {"booked": "已预约", "cancelled": "已取消", "attended": "已到场"}
APPOINTMENT_CHANNELS = ("kiosk", "desk")


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_community_day", "community_id", "day"),
        Index(
            "uq_appointments_booked_slot",
            "community_id",
            "day",
            "slot",
            "resident_id",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="RESTRICT"))
    day: Mapped[dt.date] = mapped_column(Date)
    slot: Mapped[str] = mapped_column(String(11))  # "09:00-09:30"
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), index=True, default=None
    )
    holder_hash: Mapped[str] = mapped_column(String(64), index=True)  # never the number itself
    holder_name: Mapped[str] = mapped_column(String(50))  # full name, for the window staff only
    phone: Mapped[str] = mapped_column(String(30), default="")
    item_code: Mapped[str] = mapped_column(String(20), default="")
    item_name: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(12), default="booked")  # booked, cancelled, attended
    channel: Mapped[str] = mapped_column(String(10), default="kiosk")  # kiosk, desk
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
