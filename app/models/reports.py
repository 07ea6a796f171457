"""The monthly report upward (月度工作报表): one per community and month, kept at the desk and sent
to the street office with the next sync. Its figures are a snapshot taken when it was made (the
street office receives what the community signed off, not a recount), its notes are the
community's own words. Made again, the same row is replaced and its version moves, so the next
sync sends it again and the street keeps the newer one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow
from app.models.cases import new_uuid


class MonthlyReport(Base):
    __tablename__ = "monthly_reports"
    __table_args__ = (UniqueConstraint("community_code", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    community_code: Mapped[str] = mapped_column(String(15))
    month: Mapped[str] = mapped_column(String(7))  # "2026-11"
    version: Mapped[int] = mapped_column(Integer, default=1)
    figures: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{"figure", "name", "value", ...}]
    notes: Mapped[str] = mapped_column(Text, default="")
    made_by: Mapped[str] = mapped_column(String(60))
    made_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_version: Mapped[int] = mapped_column(Integer, default=0)  # the version the street holds
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
