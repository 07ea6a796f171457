"""Street staff accounts and their sign-in at the street office's pages.

Passwords are kept as argon2id hashes (the desk's own rules for a good password apply). Five
wrong passwords in a row lock the account: from then on even the right password is refused until
``LOCK_MINUTES`` have passed or an administrator unlocks it with ``street-admin user unlock``. An
unknown name and a wrong password get the same answer, so the page tells nobody which accounts
exist. A signed-in browser holds a random token in its cookie; the server keeps only the token's
SHA-256 with the session's CSRF token, so any server process can check any request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from app.models.base import utcnow
from app.services.admin.auth import AuthError, check_password
from app.street.models import StreetCommunity
from app.street.office.models import ROLES, StreetAudit, StreetUser, StreetWebSession

MAX_FAILED = 5
LOCK_MINUTES = 30
SESSION_HOURS = 8
WRONG = "用户名或密码不正确"
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
_hasher = PasswordHasher()
# Verified against when the name is unknown, so that both answers take as long.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class SignInError(ValueError):
    """A refused sign-in or account change, in one sentence for the person."""


class Locked(SignInError):
    def __init__(self) -> None:
        super().__init__(
            f"该账号因连续 {MAX_FAILED} 次密码错误已被锁定，请 {LOCK_MINUTES} 分钟后再试或请街道管理员解锁"
        )


@dataclass(frozen=True)
class StaffMember:
    """The signed-in person, as every page and action sees them."""

    username: str
    display_name: str
    street: str
    street_name: str
    role: str

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class WebSession:
    token: str  # goes into the cookie; never stored
    csrf: str
    who: StaffMember


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(
    sessions: sessionmaker[Session], username: str, password: str, *, street: str, role: str, name: str = ""
) -> dict:
    """A new street staff account; returns it as JSON (never the password or its hash)."""
    username = username.strip()
    if not _NAME.match(username):
        raise SignInError("用户名须为 1-40 个字母、数字、点、下划线或连字符")
    if role not in ROLES:
        raise SignInError(f"角色须为：{'、'.join(f'{k}（{v}）' for k, v in ROLES.items())}")
    try:
        check_password(username, password)
    except AuthError as exc:
        raise SignInError(str(exc)) from None
    with sessions.begin() as session:
        office = session.get(StreetCommunity, street)
        if office is None or office.role != "street":
            raise SignInError(
                f"街道 {street} 未注册（先用 street-admin register {street} 名称 --role street）"
            )
        if session.get(StreetUser, username) is not None:
            raise SignInError(f"用户 {username} 已存在")
        session.add(
            StreetUser(
                username=username,
                display_name=(name.strip() or username)[:60],
                street=street,
                role=role,
                password_hash=_hasher.hash(password),
                failed_attempts=0,
                active=True,
                created_at=utcnow(),
            )
        )
    return {"username": username, "display_name": name.strip() or username, "street": street, "role": role}


def list_users(sessions: sessionmaker[Session]) -> list[dict]:
    with sessions() as session:
        rows = session.scalars(select(StreetUser).order_by(StreetUser.street, StreetUser.username)).all()
        return [
            {
                "username": u.username,
                "display_name": u.display_name,
                "street": u.street,
                "role": u.role,
                "active": u.active,
                "locked": u.locked_at is not None,
            }
            for u in rows
        ]


def unlock(sessions: sessionmaker[Session], username: str) -> dict:
    with sessions.begin() as session:
        user = session.get(StreetUser, username)
        if user is None:
            raise SignInError(f"没有用户 {username}")
        user.failed_attempts, user.locked_at = 0, None
    return {"username": username, "locked": False}


def _locked(user: StreetUser, now: dt.datetime) -> bool:
    if user.locked_at is None:
        return False
    if now - user.locked_at >= dt.timedelta(minutes=LOCK_MINUTES):
        user.locked_at, user.failed_attempts = None, 0
        return False
    return True


def sign_in(sessions: sessionmaker[Session], username: str, password: str) -> WebSession:
    """A new web session for the right name and password; SignInError (or Locked) otherwise.
    Every attempt on an existing account is audited, the failed ones too."""
    now = utcnow()
    with sessions.begin() as session:
        user = session.get(StreetUser, username.strip()[:40]) if username.strip() else None
        if user is None or not user.active:
            _verify(_DUMMY_HASH, password)
            raise SignInError(WRONG)
        if _locked(user, now):
            _audit(session, user.username, user.street, "sign_in_locked")
            raise Locked
        if not _verify(user.password_hash, password):
            user.failed_attempts += 1
            if user.failed_attempts >= MAX_FAILED:
                user.locked_at = now
            _audit(session, user.username, user.street, "sign_in_failed", detail=str(user.failed_attempts))
            failed = user.failed_attempts
        else:
            failed = 0
            user.failed_attempts = 0
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            session.execute(delete(StreetWebSession).where(StreetWebSession.expires_at < now))
            session.add(
                StreetWebSession(
                    token_hash=_digest(token),
                    username=user.username,
                    csrf=csrf,
                    created_at=now,
                    expires_at=now + dt.timedelta(hours=SESSION_HOURS),
                )
            )
            _audit(session, user.username, user.street, "sign_in")
            who = _member(session, user)
    # Raised after the commit: the failed attempt (and a lock) must be stored.
    if failed >= MAX_FAILED:
        raise Locked
    if failed:
        raise SignInError(WRONG)
    return WebSession(token, csrf, who)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _member(session: Session, user: StreetUser) -> StaffMember:
    office = session.get(StreetCommunity, user.street)
    return StaffMember(
        user.username, user.display_name, user.street, office.name if office else user.street, user.role
    )


def resolve(sessions: sessionmaker[Session], token: str) -> WebSession | None:
    """The live session a cookie's token names, or None (unknown, expired, or the account is
    locked or disabled since)."""
    if not token or len(token) > 100:
        return None
    with sessions() as session:
        row = session.get(StreetWebSession, _digest(token))
        if row is None or row.expires_at < utcnow():
            return None
        user = session.get(StreetUser, row.username)
        if user is None or not user.active or user.locked_at is not None:
            return None
        return WebSession(token, row.csrf, _member(session, user))


def csrf_ok(web: WebSession, sent: str) -> bool:
    return bool(sent) and hmac.compare_digest(web.csrf.encode(), sent.encode("utf-8", "replace"))


def sign_out(sessions: sessionmaker[Session], token: str) -> None:
    with sessions.begin() as session:
        session.execute(delete(StreetWebSession).where(StreetWebSession.token_hash == _digest(token)))


def _audit(
    session: Session, username: str, street: str, action: str, subject: str = "", detail: str = ""
) -> None:
    session.add(
        StreetAudit(
            at=utcnow(),
            username=username,
            street=street,
            action=action,
            subject=subject[:60],
            detail=detail[:200],
        )
    )


audit = _audit  # the other office modules write their rows through this one
