"""Staff accounts and the audit log of who looked at whose personal data (个人信息保护法)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamped, utcnow

# role code -> Chinese name
ROLES: dict[str, str] = {
    "admin": "系统管理员",
    "front_desk": "前台受理",
    "back_office": "后台办理",
    "grid_worker": "网格员",
    "kiosk": "自助终端",
}


# The grids a grid worker (网格员) serves: what their account may see of residents, cases and boards.
user_grids = Table(
    "user_grids",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("grid_id", ForeignKey("grids.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class User(Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, never the password
    role: Mapped[str] = mapped_column(String(20))
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="SET NULL"), default=None
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # in a row
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)  # UTC

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)


class AuditEntry(Base):
    """Append-only: one row per lookup, print, export or import of personal data.

    The subject is kept as the resident's row id plus the masked ID number, so the log itself
    does not become a second copy of the population base.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(60), index=True)  # username, or "cli:<os user>"
    action: Mapped[str] = mapped_column(String(30), index=True)  # lookup, print, export, import …
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), index=True, default=None
    )
    subject: Mapped[str] = mapped_column(String(40), default="")  # masked ID number or a count
    purpose: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
