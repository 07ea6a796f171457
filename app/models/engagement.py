"""Community engagement beyond the window: micro-wishes (微心愿, 点单—接单—销单), home visits by
grid workers (走访) and the visiting rules that say how often a key group is visited.

Wishes and visits travel up to the street office (docs/SYNC.md), so each carries a UUID.
A wish's claimer (a party member, a volunteer or a partner unit) is kept as its kind and name in
words for now, so that it can be linked to the party and partner registers when they exist.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Timestamped, utcnow
from app.models.cases import new_uuid
from app.models.population import Resident, Tag

# status -> Chinese name, in the order a wish goes through them
WISH_STATUSES: dict[str, str] = {
    "pending": "待审核",
    "published": "已发布",
    "claimed": "已认领",
    "fulfilled": "已实现",
    "withdrawn": "已撤回",
    "failed": "未能实现",
}
WISH_CHANNELS: dict[str, str] = {"desk": "窗口", "kiosk": "自助终端", "grid": "网格员代报"}
CLAIMER_KINDS = ("党员", "志愿者", "共建单位")
VISIT_WAYS = ("入户", "电话", "微信")


class Wish(Timestamped, Base):
    """One micro-wish of one resident, from posting to fulfilment (or its end)."""

    __tablename__ = "wishes"
    sync_type: ClassVar[str] = "wish"  # travels up to the street (app.services.sync.life_types)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    version: Mapped[int] = mapped_column(Integer, default=1)
    wish_no: Mapped[str] = mapped_column(String(20), unique=True)  # XY-2026-0001
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="RESTRICT"), index=True)
    grid_id: Mapped[int | None] = mapped_column(
        ForeignKey("grids.id", ondelete="SET NULL"), index=True, default=None
    )
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="RESTRICT"), index=True)
    content: Mapped[str] = mapped_column(Text)  # the wish in the resident's words
    kind: Mapped[str] = mapped_column(String(20), default="物品")  # 物品, 服务, 其他
    budget_yuan: Mapped[int] = mapped_column(Integer, default=0)  # 0: no money value (a service)
    deadline: Mapped[dt.date | None] = mapped_column(Date, default=None)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    channel: Mapped[str] = mapped_column(String(10), default="desk")
    posted_by: Mapped[str] = mapped_column(String(60))
    posted_on: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    reviewed_by: Mapped[str] = mapped_column(String(60), default="")
    claimer_kind: Mapped[str] = mapped_column(String(10), default="")  # 党员 / 志愿者 / 共建单位
    claimer_name: Mapped[str] = mapped_column(String(80), default="")
    claimer_phone: Mapped[str] = mapped_column(String(30), default="")
    claimed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    fulfilled_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    fulfil_note: Mapped[str] = mapped_column(Text, default="")
    fulfil_photo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)  # the wisher confirmed it came true
    rating: Mapped[int] = mapped_column(Integer, default=0)  # 1–5 stars from the wisher, 0: none yet
    end_reason: Mapped[str] = mapped_column(Text, default="")  # why withdrawn or not fulfilled

    resident: Mapped[Resident] = relationship()


class VisitRule(Timestamped, Base):
    """How often residents with a tag are visited (独居 every 7 days, 特困 every 30 days)."""

    __tablename__ = "visit_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), unique=True)
    every_days: Mapped[int] = mapped_column(Integer)

    tag: Mapped[Tag] = relationship()


class Visit(Timestamped, Base):
    """One home visit (走访) by a grid worker to a resident or a household."""

    __tablename__ = "visits"
    # The 统计 tab counts a period's visits by way and by what they raised from this index alone.
    __table_args__ = (Index("ix_visits_day", "visited_on", "grid_id", "way", "case_id"),)
    sync_type: ClassVar[str] = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    version: Mapped[int] = mapped_column(Integer, default=1)
    grid_id: Mapped[int | None] = mapped_column(
        ForeignKey("grids.id", ondelete="SET NULL"), index=True, default=None
    )
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="RESTRICT"), index=True, default=None
    )
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="RESTRICT"), index=True, default=None
    )
    visitor: Mapped[str] = mapped_column(String(60))  # the grid worker (account name or name)
    visited_on: Mapped[dt.date] = mapped_column(Date)  # indexed with what a report counts: ix_visits_day
    way: Mapped[str] = mapped_column(String(6), default="入户")
    found: Mapped[str] = mapped_column(Text, default="")
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), default=None)
    recorded_by: Mapped[str] = mapped_column(String(60))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    resident: Mapped[Resident | None] = relationship()
