"""Managing staff accounts (an administrator's work): add, rename, disable and enable, reset a
password, change a role, assign a grid worker's grids, unlock after failed sign-ins.

Every change is audited with what it was before and after (never a password or its hash). The
centre always keeps one active administrator: the last one cannot be disabled or given another
role. Each function checks that ``actor`` may manage accounts (``permissions``): the machine's own
account at the command line may, an administrator's account may, nobody else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ROLES, Community, Grid, User
from app.models.base import utcnow
from app.services.admin import auth
from app.services.admin.permissions import NotPermitted, require
from app.services.admin.scope import ScopeError, set_user_grids, user_grid_codes
from app.services.common import audit


class AccountError(ValueError):
    """A refused account change, in a sentence for the person."""


@dataclass(frozen=True, slots=True)
class AccountRow:
    """One account as the management table and ``yichuang user list`` show it."""

    username: str
    display_name: str
    role: str
    role_name: str
    grids: tuple[str, ...]  # grid codes (grid workers)
    active: bool
    last_login_at: dt.datetime | None  # UTC
    locked_until: dt.datetime | None  # UTC, None when not locked now

    def as_json(self) -> dict:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "role_name": self.role_name,
            "grids": list(self.grids),
            "active": self.active,
            "last_login_at": self.last_login_at,
            "locked_until": self.locked_until,
        }


@dataclass(frozen=True, slots=True)
class GridChoice:
    code: str
    name: str
    community: str


def accounts(session: Session, now: dt.datetime | None = None) -> list[AccountRow]:
    """Every account, active or not, by username."""
    now = now or utcnow()
    return [
        AccountRow(
            u.username,
            u.display_name,
            u.role,
            u.role_name,
            tuple(user_grid_codes(session, u.username)),
            u.active,
            u.last_login_at,
            auth.locked_until(u, now),
        )
        for u in session.scalars(select(User).order_by(User.username))
    ]


def street_grids(session: Session) -> list[GridChoice]:
    """Every grid of the street, by code: the checklist of a grid worker's grids."""
    stmt = select(Grid.code, Grid.name, Community.name).join(Grid.community).order_by(Grid.code)
    return [GridChoice(code, name, community) for code, name, community in session.execute(stmt)]


def _guard(session: Session, actor: str) -> None:
    try:
        require(session, actor, "account.manage")
    except NotPermitted as exc:
        raise AccountError(str(exc)) from None


def _user(session: Session, username: str) -> User:
    user = auth.find_user(session, username.strip())
    if user is None:
        raise AccountError(f"用户“{username.strip()}”不存在")
    return user


def _log(session: Session, actor: str, action: str, user: User, what: str, detail: str = "") -> None:
    audit.record(session, actor=actor, action=action, subject=user.username[:40], purpose=what, detail=detail)


def _keeps_an_admin(session: Session, user: User) -> None:
    """Refuse a change that would leave the centre without an active administrator."""
    if user.role != "admin" or not user.active:
        return
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.active.is_(True), User.id != user.id)
    )
    if not others:
        raise AccountError("这是最后一个在用的系统管理员账号，不能停用或改为其他角色")


def add_account(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    actor: str,
    display_name: str | None = None,
    community_id: int | None = None,
    grids: list[str] | None = None,
) -> AccountRow:
    _guard(session, actor)
    try:
        user = auth.add_user(
            session, username, password, role, display_name=display_name, community_id=community_id
        )
    except auth.AuthError as exc:
        raise AccountError(str(exc)) from None
    _log(session, actor, "user_add", user, "新增账号", f"{user.display_name}，{user.role_name}")
    if grids:
        assign_grids(session, user.username, grids, actor=actor)
    return _row(session, user)


def edit_display_name(session: Session, username: str, display_name: str, *, actor: str) -> AccountRow:
    _guard(session, actor)
    user = _user(session, username)
    name = display_name.strip()
    if not name:
        raise AccountError("显示名称不能为空")
    if len(name) > 50:
        raise AccountError("显示名称不能超过50个字")
    before, user.display_name = user.display_name, name
    _log(session, actor, "user_edit", user, "修改显示名称", f"{before} → {name}")
    return _row(session, user)


def set_active(session: Session, username: str, active: bool, *, actor: str) -> AccountRow:
    _guard(session, actor)
    user = _user(session, username)
    if user.active == active:
        return _row(session, user)
    if not active:
        _keeps_an_admin(session, user)
    user.active = active
    _log(
        session,
        actor,
        "user_enable" if active else "user_disable",
        user,
        "启用账号" if active else "停用账号",
        "停用 → 在用" if active else "在用 → 停用",
    )
    return _row(session, user)


def reset_password(session: Session, username: str, password: str, *, actor: str) -> AccountRow:
    """A new password (checked like any other); clears a lock. The password is never logged."""
    _guard(session, actor)
    user = _user(session, username)
    try:
        auth.check_password(user.username, password)
    except auth.AuthError as exc:
        raise AccountError(str(exc)) from None
    user.password_hash = auth.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    _log(session, actor, "user_password_reset", user, "重置密码")
    return _row(session, user)


def change_role(session: Session, username: str, role: str, *, actor: str) -> AccountRow:
    _guard(session, actor)
    user = _user(session, username)
    if role not in ROLES:
        raise AccountError(f"角色“{role}”不存在，可选：{', '.join(ROLES)}")
    if role == user.role:
        return _row(session, user)
    _keeps_an_admin(session, user)
    before = user.role_name
    user.role = role
    _log(session, actor, "user_role", user, "修改角色", f"{before} → {ROLES[role]}")
    return _row(session, user)


def assign_grids(session: Session, username: str, grid_codes: list[str], *, actor: str) -> AccountRow:
    _guard(session, actor)
    user = _user(session, username)
    before = user_grid_codes(session, user.username)
    try:
        after = set_user_grids(session, user.username, grid_codes)
    except ScopeError as exc:
        raise AccountError(str(exc)) from None
    _log(
        session,
        actor,
        "user_grids",
        user,
        "分配网格",
        f"{'、'.join(before) or '无'} → {'、'.join(after) or '无'}",
    )
    return _row(session, user)


def unlock(session: Session, username: str, *, actor: str) -> AccountRow:
    _guard(session, actor)
    user = _user(session, username)
    was = auth.locked_until(user)
    user.failed_logins = 0
    user.locked_until = None
    _log(session, actor, "user_unlock", user, "解锁账号", "锁定中 → 已解锁" if was else "未锁定")
    return _row(session, user)


def _row(session: Session, user: User) -> AccountRow:
    session.flush()
    return AccountRow(
        user.username,
        user.display_name,
        user.role,
        user.role_name,
        tuple(user_grid_codes(session, user.username)),
        user.active,
        user.last_login_at,
        auth.locked_until(user),
    )
