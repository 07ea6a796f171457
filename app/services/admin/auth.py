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
from sqlalchemy.orm import Session, sessionmaker

from app.models import ROLES, User
from app.models.base import as_local, utcnow
from app.services.admin.permissions import can
from app.services.admin.security import security_settings
from app.services.common import audit

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
WRONG = "用户名或密码不正确"
# Passwords every guesser tries first (compared without case, spaces, dashes or dots).
COMMON_PASSWORDS = frozenset(
    {
        "12345678", "123456789", "1234567890", "87654321", "11111111", "00000000", "88888888",
        "66666666", "12341234", "11223344", "abcd1234", "abc12345", "a1234567", "1qaz2wsx",
        "qwertyui", "qwerty123", "password", "password1", "password123", "passw0rd", "iloveyou",
        "admin123", "admin1234", "administrator", "welcome1", "changeme", "letmein1", "woaini520",
        "woaini1314", "5201314520", "qazwsxedc", "asdfghjk", "zxcvbnm1", "aaaaaaaa", "abcdefgh",
    }
)  # fmt: skip


class AuthError(ValueError):
    """A refused account operation or sign-in, in a sentence for the person."""


class AccountLocked(AuthError):
    """Too many failed sign-ins in a row: the account waits until ``until`` (local time)."""

    def __init__(self, until: dt.datetime):
        self.until = until
        super().__init__(f"该账号因连续登录失败已被锁定，请于 {until:%H:%M} 后再试，或请系统管理员解锁")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(username: str, password: str) -> None:
    """Raise AuthError when ``password`` may not be used by ``username``."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"密码至少需要{MIN_PASSWORD_LENGTH}个字符")
    plain = password.casefold()
    name = username.strip().casefold()
    if name and name in plain:
        raise AuthError("密码不能包含用户名")
    squeezed = "".join(ch for ch in plain if ch not in " -_.")
    if squeezed in COMMON_PASSWORDS or len(set(squeezed)) <= 2:
        raise AuthError("密码过于简单，请换一个不易猜到的密码")


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
    check_password(username, password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AuthError(f"用户“{username}”已存在")
    user = User(
        username=username,
        display_name=(display_name or "").strip() or username,
        password_hash=hash_password(password),
        role=role,
        community_id=community_id,
    )
    session.add(user)
    session.flush()
    return user


def locked_until(user: User, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the account's lock ends (stored UTC), or None when it is not locked now."""
    now = now or utcnow()
    if user.locked_until is not None and user.locked_until > now:
        return user.locked_until
    return None


def authenticate(session: Session, username: str, password: str, *, now: dt.datetime | None = None) -> User:
    """The active user with this name and password, or AuthError (AccountLocked while locked).

    Every outcome is written to ``session`` before it is answered (the failed count, the lock,
    the audit entry): commit it even when this raises, as :func:`sign_in` does. An unknown name
    and a wrong password get the same sentence, so the dialog does not reveal which accounts
    exist; only a real account can be locked.
    """
    now = now or utcnow()
    name = username.strip()
    user = session.scalar(select(User).where(User.username == name))
    if user is None or not user.active:
        _hasher.hash(password)  # spend the same time as a real check
        audit.record(
            session,
            actor=name[:60] if user is not None else "unknown",
            action="sign_in_failed",
            purpose="登录失败",
            detail="账号已停用" if user is not None else "未知用户名",
        )
        raise AuthError(WRONG)
    until = locked_until(user, now)
    if until is not None:
        audit.record(
            session, actor=user.username, action="sign_in_failed", purpose="登录失败", detail="账号锁定中"
        )
        raise AccountLocked(as_local(until))
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        _failed(session, user, now)
        raise AuthError(WRONG) from None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(session, actor=user.username, action="sign_in", purpose="登录")
    return user


def _failed(session: Session, user: User, now: dt.datetime) -> None:
    settings = security_settings(session)
    user.failed_logins = (user.failed_logins or 0) + 1
    audit.record(
        session,
        actor=user.username,
        action="sign_in_failed",
        purpose="登录失败",
        detail=f"密码错误，连续第{user.failed_logins}次",
    )
    if user.failed_logins >= settings.lock_after:
        user.locked_until = now + dt.timedelta(minutes=settings.lock_minutes)
        user.failed_logins = 0
        audit.record(
            session,
            actor=user.username,
            action="user_locked",
            purpose="连续登录失败，账号锁定",
            detail=f"锁定{settings.lock_minutes}分钟",
        )
        raise AccountLocked(as_local(user.locked_until))


@dataclass(frozen=True, slots=True)
class SignedIn:
    username: str
    display_name: str
    role: str


def sign_in(
    sessions: sessionmaker[Session],
    username: str,
    password: str,
    *,
    action: str = "desk.sign_in",
    now: dt.datetime | None = None,
) -> SignedIn:
    """Sign in for ``action`` (the desk by default) in a transaction of its own that keeps the
    failed count, the lock and the audit entry even when the answer is a refusal."""
    refused: AuthError | None = None
    with sessions.begin() as session:
        try:
            user = authenticate(session, username, password, now=now)
            if not can(user.role, action):
                audit.record(
                    session, actor=user.username, action="sign_in_refused", purpose="角色不能登录前台"
                )
                raise AuthError(f"“{user.role_name}”账号只能用于自助终端，不能登录前台")
            signed = SignedIn(user.username, user.display_name, user.role)
        except AuthError as exc:
            refused = exc
    if refused is not None:
        raise refused
    return signed


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
