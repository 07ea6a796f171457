"""The party member register: a member is a resident of the street, or a person registered
with the community from outside it (in-service members reporting under 双报到)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import Date, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamped
from app.models.cases import new_uuid

MEMBER_STATUSES: dict[str, str] = {"full": "正式党员", "probation": "预备党员"}
MEMBER_KINDS: dict[str, str] = {
    "registered": "在册党员",
    "floating": "流动党员",
    "in_service": "在职党员到社区报到",
}


class PartyMember(Timestamped, Base):
    __tablename__ = "party_members"
    sync_type: ClassVar[str] = "party_member"  # travels up to the street

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), index=True, unique=True, default=new_uuid)
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="RESTRICT"), index=True, unique=True, default=None
    )
    # An outside member: name and masked number only (the full number stays with their unit).
    name: Mapped[str] = mapped_column(String(50), default="")
    id_masked: Mapped[str] = mapped_column(String(20), default="")
    branch_id: Mapped[int] = mapped_column(
        ForeignKey("party_organisations.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(12), default="full")
    kind: Mapped[str] = mapped_column(String(12), default="registered")
    joined_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    full_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    transferred_in_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    transferred_out_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    unit_name: Mapped[str] = mapped_column(String(80), default="")  # 双报到: the reporting unit, free text
    phone: Mapped[str] = mapped_column(String(30), default="")
    # Leaving the register (death, 出党, moved away with the relation) keeps the row for the
    # meeting records that name the member; the lists show only those still on it.
    left_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    left_reason: Mapped[str] = mapped_column(String(80), default="")


# Posts an in-service member claims when reporting to the community (双报到 岗位).
REPORT_IN_POSTS = ("楼栋长助理", "文明劝导", "助老", "政策宣讲", "环境整治", "矛盾调解", "志愿服务")


class ReportInService(Timestamped, Base):
    """One service an in-service member gave the community (报到服务记实)."""

    __tablename__ = "party_report_in_services"
    sync_type: ClassVar[str] = "report_in_service"  # travels up to the street

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), index=True, unique=True, default=new_uuid)
    member_id: Mapped[int] = mapped_column(ForeignKey("party_members.id", ondelete="RESTRICT"), index=True)
    served_on: Mapped[dt.date] = mapped_column(Date, index=True)
    post: Mapped[str] = mapped_column(String(30))
    hours: Mapped[float] = mapped_column(Float)
    content: Mapped[str] = mapped_column(String(300))
    confirmed_by: Mapped[str] = mapped_column(String(50), default="")


MEETING_KINDS: dict[str, str] = {
    "general": "支部党员大会",
    "committee": "支委会",
    "group": "党小组会",
    "lecture": "党课",
    "theme_day": "主题党日",
}


class PartyMeeting(Timestamped, Base):
    """One meeting of a branch (三会一课, 主题党日), planned or held."""

    __tablename__ = "party_meetings"
    sync_type: ClassVar[str] = "party_meeting"  # travels up to the street

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), index=True, unique=True, default=new_uuid)
    branch_id: Mapped[int] = mapped_column(
        ForeignKey("party_organisations.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(80), default="")
    topic: Mapped[str] = mapped_column(String(120))
    held: Mapped[bool] = mapped_column(default=False)  # False: planned
    minutes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    host: Mapped[str] = mapped_column(String(50), default="")  # 主持人
    recorder: Mapped[str] = mapped_column(String(50), default="")  # 记录人


class MeetingPhoto(Timestamped, Base):
    """A photo of a meeting: the file lives in the centre's data folder under the meeting's own
    folder (``stored_name`` inside it), never in the database; ``original_name`` is what the
    person chose."""

    __tablename__ = "party_meeting_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("party_meetings.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80))
    original_name: Mapped[str] = mapped_column(String(200), default="")


class MeetingAttendance(Base):
    """A member at a meeting: checked in (by card or ticked), or absent with a reason."""

    __tablename__ = "party_meeting_attendance"
    # The street counts who came: a mark changes the meeting's record there.
    sync_parent: ClassVar[tuple[Any, str]] = (PartyMeeting, "meeting_id")

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("party_meetings.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("party_members.id", ondelete="RESTRICT"), primary_key=True
    )
    present: Mapped[bool] = mapped_column(default=True)
    absence_reason: Mapped[str] = mapped_column(String(80), default="")
    how: Mapped[str] = mapped_column(String(8), default="")  # card / kiosk / tick ("" for an absentee)
