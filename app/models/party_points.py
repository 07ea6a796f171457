"""党员积分: the centre's copy of the point rules, points given by hand with a reason and an
approver, and the grade each member was given at the year's end (民主评议党员) with who decided.

Points drawn from records (meetings, 双报到 services, wishes) are not stored: they are computed from
those records whenever asked, so a late check-in or a corrected service changes them at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamped

# code -> Chinese name, best first
PARTY_GRADES: dict[str, str] = {
    "excellent": "优秀",
    "qualified": "合格",
    "basic": "基本合格",
    "unqualified": "不合格",
}


class PartyPointRule(Timestamped, Base):
    """One rule: ``points`` for every ``per`` units of what its source counts, at most ``cap`` a year."""

    __tablename__ = "party_point_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(40))
    params: Mapped[Any] = mapped_column(JSON, default=dict)
    points: Mapped[float] = mapped_column(Float)
    per: Mapped[float] = mapped_column(Float, default=1.0)
    unit: Mapped[str] = mapped_column(String(10), default="次")
    cap: Mapped[float | None] = mapped_column(Float, default=None)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class PartyPointEntry(Timestamped, Base):
    """Points given or taken by hand (a commendation, a breach of discipline), with the reason and
    the account that approved them."""

    __tablename__ = "party_point_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("party_members.id", ondelete="RESTRICT"), index=True)
    entered_on: Mapped[dt.date] = mapped_column(Date, index=True)
    points: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[str] = mapped_column(String(60))  # an account with party.points_approve
    recorded_by: Mapped[str] = mapped_column(String(60))
    # Withdrawn (typed in error): kept on record, no longer counted (migration 0034).
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    withdrawn_by: Mapped[str] = mapped_column(String(60), default="", server_default="")
    withdraw_approved_by: Mapped[str] = mapped_column(String(60), default="", server_default="")
    withdraw_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")


class PartyMemberGrade(Timestamped, Base):
    """The grade a branch gave a member for a year, beside what the program proposed."""

    __tablename__ = "party_member_grades"
    __table_args__ = (UniqueConstraint("member_id", "year", name="uq_party_member_grades_member_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("party_members.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    grade: Mapped[str] = mapped_column(String(12))
    proposed: Mapped[str] = mapped_column(String(12), default="")
    points: Mapped[float] = mapped_column(Float, default=0.0)
    note: Mapped[str] = mapped_column(String(200), default="")
    decided_by: Mapped[str] = mapped_column(String(60))
    decided_on: Mapped[dt.date] = mapped_column(Date)
