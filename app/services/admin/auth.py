"""Staff accounts: argon2id password hashes, roles, sign-in.

Sign-in answers "wrong user or password" for both an unknown name and a wrong password, so the
dialog does not reveal which accounts exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ROLES, User
from app.models.base import utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8


class AuthError(ValueError):
    """A refused account operation or sign-in, in a sentence for the person."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def add_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    display_name: str | None = None,
    community_id: int | None = None,
) -> User:
    username = username.strip()
    if not username:
        raise AuthError("用户名不能为空")
    if role not in ROLES:
        raise AuthError(f"角色“{role}”不存在，可选：{', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"密码至少需要{MIN_PASSWORD_LENGTH}个字符")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AuthError(f"用户“{username}”已存在")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        community_id=community_id,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """The active user with this name and password, or AuthError."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        _hasher.hash(password)  # spend the same time as a real check
        raise AuthError("用户名或密码不正确")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise AuthError("用户名或密码不正确") from None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


class StaffChoice(NamedTuple):
    """A person offered in a list: shown by name, stored by username."""

    display_name: str
    username: str


@dataclass(frozen=True, slots=True)
class StaffAccount:
    username: str
    display_name: str
    role: str
    active: bool
    last_login_at: dt.datetime | None


def staff_names(session: Session) -> dict[str, str]:
    """username -> display name for every account, to show people instead of login names."""
    return dict(session.execute(select(User.username, User.display_name)).all())


def back_office_staff(session: Session) -> list[StaffChoice]:
    """The active back-office staff, for dispatching a case, in username order."""
    stmt = (
        select(User.display_name, User.username)
        .where(User.role == "back_office", User.active.is_(True))
        .order_by(User.username)
    )
    return [StaffChoice(name, username) for name, username in session.execute(stmt)]


def staff_accounts(session: Session) -> list[StaffAccount]:
    """Every account, active or not, in username order."""
    return [
        StaffAccount(u.username, u.display_name, u.role, u.active, u.last_login_at)
        for u in session.scalars(select(User).order_by(User.username))
    ]
