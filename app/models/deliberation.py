"""议事 records: meetings where the community deliberates with residents and units (联合议事厅,
居民议事会, 联席会, 长板凳议事) and the 四议两公开 procedure with its six dated steps; the decision
with its vote, the result, and the cases and wishes the meeting answers.

A case sent for joint handling (共商共办) is linked here and also gets a 联办 event of its own, so the
case's history (which travels to the street office) names the meeting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamped
from app.models.cases import new_uuid

DELIBERATION_KINDS: dict[str, str] = {
    "joint_hall": "联合议事厅",
    "council": "居民议事会",
    "joint_meeting": "联席会",
    "bench": "长板凳议事",
    "four_two": "四议两公开",
}
# 四议两公开: the six steps, in the order they must be taken
FOUR_TWO_STEPS: dict[str, str] = {
    "propose": "党组织提议",
    "discuss": "两委商议",
    "review": "党员大会审议",
    "resolve": "居民会议决议",
    "publish_decision": "决议公开",
    "publish_result": "实施结果公开",
}


class Deliberation(Timestamped, Base):
    __tablename__ = "deliberations"
    sync_type: ClassVar[str] = "deliberation"  # travels up to the street

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    version: Mapped[int] = mapped_column(Integer, default=1)
    meeting_no: Mapped[str] = mapped_column(String(20), unique=True)  # YS2026-0001
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="RESTRICT"), index=True)
    grid_id: Mapped[int | None] = mapped_column(
        ForeignKey("grids.id", ondelete="SET NULL"), index=True, default=None
    )  # None: the whole community
    kind: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(120))
    convenor: Mapped[str] = mapped_column(String(60))
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(80), default="")
    attendees: Mapped[str] = mapped_column(Text, default="")  # names and units, one a line
    opinions: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    votes_for: Mapped[int] = mapped_column(Integer, default=0)
    votes_against: Mapped[int] = mapped_column(Integer, default=0)
    votes_abstain: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[str] = mapped_column(Text, default="")  # 实施结果
    result_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    recorded_by: Mapped[str] = mapped_column(String(60))


class DeliberationStep(Base):
    """One dated step of a 四议两公开 meeting."""

    __tablename__ = "deliberation_steps"
    # A step (决议公开) changes what the meeting's record says at the street.
    sync_parent: ClassVar[tuple[Any, str]] = (Deliberation, "deliberation_id")
    __table_args__ = (UniqueConstraint("deliberation_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deliberation_id: Mapped[int] = mapped_column(
        ForeignKey("deliberations.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[str] = mapped_column(String(20))
    done_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(60))


class DeliberationLink(Base):
    """A case or a wish the meeting answers (exactly one of the two)."""

    __tablename__ = "deliberation_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    deliberation_id: Mapped[int] = mapped_column(
        ForeignKey("deliberations.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True, default=None
    )
    wish_id: Mapped[int | None] = mapped_column(
        ForeignKey("wishes.id", ondelete="CASCADE"), index=True, default=None
    )
    joint: Mapped[bool] = mapped_column(default=False)  # 共商共办: the case was sent here for joint handling
