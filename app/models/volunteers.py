"""Volunteer service (志愿服务): teams, the volunteers in them, the activities a team holds and
who signed in and out of each.

A volunteer is a resident of the street (found by ID number) or a person from outside it; of an
outsider only the masked number is kept, with a keyed hash of the full one so that a swipe of
their card finds them again (the same HMAC as the kiosk's, app.services.kiosk.audit_key).

Activity and attendance times are local wall-clock times (what the volunteer's watch says): the
hours rule compares them with each other, never with a UTC timestamp.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamped
from app.models.cases import new_uuid

TEAM_KINDS: dict[str, str] = {
    "patrol": "巡防队",
    "elderly": "助老队",
    "environment": "环境整治队",
    "civility": "文明劝导队",
    "other": "其他",
}
ACTIVITY_STATUSES: dict[str, str] = {"planned": "计划", "held": "已开展", "cancelled": "已取消"}
SIGN_CHANNELS = ("desk", "kiosk", "cli")


class VolunteerTeam(Timestamped, Base):
    __tablename__ = "volunteer_teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="RESTRICT"), index=True)
    grid_id: Mapped[int | None] = mapped_column(
        ForeignKey("grids.id", ondelete="SET NULL"), index=True, default=None
    )  # None: the whole community
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(12), default="other")
    leader: Mapped[str] = mapped_column(String(50), default="")
    leader_phone: Mapped[str] = mapped_column(String(30), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Volunteer(Timestamped, Base):
    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="RESTRICT"), index=True)
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="RESTRICT"), unique=True, default=None
    )
    name: Mapped[str] = mapped_column(String(50))
    id_masked: Mapped[str] = mapped_column(String(20))
    id_key: Mapped[str] = mapped_column(String(64), unique=True)  # keyed hash of the full number
    phone: Mapped[str] = mapped_column(String(30), default="")
    skills: Mapped[str] = mapped_column(String(200), default="")
    joined_on: Mapped[dt.date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TeamMembership(Base):
    __tablename__ = "volunteer_memberships"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_teams.id", ondelete="CASCADE"), primary_key=True
    )
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_on: Mapped[dt.date] = mapped_column(Date)


class VolunteerActivity(Timestamped, Base):
    __tablename__ = "volunteer_activities"
    sync_type: ClassVar[str] = "volunteer_activity"  # travels up to the street, without the people

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), index=True, unique=True, default=new_uuid)
    team_id: Mapped[int] = mapped_column(ForeignKey("volunteer_teams.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    place: Mapped[str] = mapped_column(String(80), default="")
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)  # local time
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime)  # local time
    status: Mapped[str] = mapped_column(String(10), default="planned")
    created_by: Mapped[str] = mapped_column(String(60), default="")


class Attendance(Timestamped, Base):
    """A volunteer at an activity: signed in, signed out, the hours the rule gave and, when staff
    corrected them, the hours that count, why, and who approved."""

    __tablename__ = "volunteer_attendance"
    # The street counts who served and how long: a sign-out changes the activity's record there.
    sync_parent: ClassVar[tuple[Any, str]] = (VolunteerActivity, "activity_id")
    __table_args__ = (UniqueConstraint("activity_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_activities.id", ondelete="RESTRICT"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="RESTRICT"), index=True)
    signed_in_at: Mapped[dt.datetime] = mapped_column(DateTime)  # local time
    signed_out_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    computed_hours: Mapped[float] = mapped_column(Float, default=0.0)  # by the rule, at sign-out
    hours: Mapped[float] = mapped_column(Float, default=0.0)  # what counts
    channel: Mapped[str] = mapped_column(String(10), default="desk")
    signed_by: Mapped[str] = mapped_column(String(60), default="")
    correction_reason: Mapped[str] = mapped_column(String(200), default="")
    corrected_by: Mapped[str] = mapped_column(String(60), default="")  # who approved the correction
    corrected_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
