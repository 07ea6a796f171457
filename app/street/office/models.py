"""The street office's tables on the street server (migration s0007): staff accounts, web
sessions, joint meetings and the audit of what staff read and did. Same MetaData as the sync
tables (app.street.models.StreetBase), migrated by app/street/migrations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import utcnow
from app.street.models import StreetBase

ROLES = {"admin": "街道管理员", "staff": "街道工作人员"}


class StreetUser(StreetBase):
    """A street office's staff member: signs in to the pages with a password (argon2id hash)."""

    __tablename__ = "street_users"

    username: Mapped[str] = mapped_column(String(40), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(60))
    street: Mapped[str] = mapped_column(String(15), index=True)  # a role "street" community code
    role: Mapped[str] = mapped_column(String(10))  # a ROLES key
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class StreetWebSession(StreetBase):
    """A signed-in browser: the cookie holds a random token, the table only its SHA-256, so a
    copy of the database signs nobody in. The CSRF token of its forms lives here too."""

    __tablename__ = "street_web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(
        String(40), ForeignKey("street_users.username", ondelete="CASCADE"), index=True
    )
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class StreetMeeting(StreetBase):
    """A joint meeting (联席会) the street called on escalated cases."""

    __tablename__ = "street_meetings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    street: Mapped[str] = mapped_column(String(15), index=True)
    title: Mapped[str] = mapped_column(String(100))
    held_on: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(100), default="")
    attendees: Mapped[str] = mapped_column(Text, default="")  # one attendee (unit and person) a line
    decisions: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class StreetMeetingCase(StreetBase):
    """A case the meeting took up: who owns the follow-up, by when, and what they are to do."""

    __tablename__ = "street_meeting_cases"

    meeting_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("street_meetings.id", ondelete="CASCADE"), primary_key=True
    )
    case_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner: Mapped[str] = mapped_column(String(60))
    due: Mapped[dt.date | None] = mapped_column(Date, default=None)
    task: Mapped[str] = mapped_column(Text, default="")


class StreetAudit(StreetBase):
    """Who read which case and who did what, at the street office's pages."""

    __tablename__ = "street_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(40), index=True)
    street: Mapped[str] = mapped_column(String(15))
    action: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(60), default="")  # a case number or a meeting id
    detail: Mapped[str] = mapped_column(String(200), default="")
