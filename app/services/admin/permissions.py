"""Which role may do what: the one table views and services ask (``can(role, action)``).

What a role may *see* of the street is the other half of access and lives in ``scope.py``: a grid
worker's grids. This table says what a role may *do* wherever it can see. The machine's own
account at the command line (an actor ``cli:<os user>``, no account) holds the database file and
may do everything; an account given with ``--user`` is held to its role, and a disabled account
may do nothing (the command line refuses such a ``--user`` before it starts: app.commands.acting).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ROLES, User

# action -> the roles that may take it
PERMISSIONS: dict[str, frozenset[str]] = {
    "desk.sign_in": frozenset({"admin", "front_desk", "back_office", "grid_worker"}),
    "resident.lookup": frozenset({"admin", "front_desk", "back_office", "grid_worker"}),
    "case.view": frozenset({"admin", "front_desk", "back_office", "grid_worker"}),
    "certificate.view": frozenset({"admin", "front_desk", "back_office", "grid_worker"}),
    "certificate.issue": frozenset({"admin", "front_desk", "grid_worker", "kiosk"}),  # kiosk: its own
    "board.print": frozenset({"admin", "front_desk", "back_office", "grid_worker"}),
    "account.manage": frozenset({"admin"}),
    "wish.manage": frozenset({"admin", "front_desk", "back_office", "grid_worker"}),
    "visit.record": frozenset({"admin", "back_office", "grid_worker"}),
    "case.report": frozenset({"admin", "front_desk", "back_office", "grid_worker"}),
    "case.assign": frozenset({"admin", "front_desk", "back_office"}),
    # 12345 orders become accepted cases: whoever accepts cases for the street; a grid worker
    # only the orders whose address lies in their own grids (app.services.imports.hotline).
    "hotline.import": frozenset({"admin", "front_desk", "back_office", "grid_worker"}),
    "case.evaluate_unit": frozenset({"admin", "back_office"}),
    "escalation.manage": frozenset({"admin"}),
    "ledger.export": frozenset({"admin", "front_desk", "back_office", "grid_worker"}),
    "ledger.full_id": frozenset({"admin", "front_desk", "back_office"}),  # as StaffUser.sees_full_id_numbers
    "report.view": frozenset({"admin", "front_desk", "back_office", "grid_worker"}),
    "partner.manage": frozenset({"admin", "front_desk", "back_office"}),
    "deliberation.manage": frozenset({"admin", "back_office", "grid_worker"}),
    # 党员积分: everyone who works with the register sees and records; approving points given by
    # hand, deciding the year's grades and changing the rules are the office's (支部书记 accounts).
    "party.points_view": frozenset({"admin", "front_desk", "back_office", "grid_worker"}),
    "party.points_enter": frozenset({"admin", "front_desk", "back_office", "grid_worker"}),
    "party.points_approve": frozenset({"admin", "back_office"}),
    "party.grade": frozenset({"admin", "back_office"}),
    "party.points_rules": frozenset({"admin"}),
    # 组织生活签到: the kiosk checks in its own card holder to their branch's meeting of the day.
    "party.check_in": frozenset({"admin", "front_desk", "back_office", "grid_worker", "kiosk"}),
    # 志愿服务: teams, volunteers and activities; signing in and out (the kiosk signs its own
    # card holder); correcting hours is approved by the office, not by the desk that signed.
    "volunteer.manage": frozenset({"admin", "front_desk", "back_office", "grid_worker"}),
    "volunteer.sign": frozenset({"admin", "front_desk", "back_office", "grid_worker", "kiosk"}),
    "volunteer.correct": frozenset({"admin", "back_office"}),
}

ACTION_NAMES = {
    "desk.sign_in": "登录前台",
    "resident.lookup": "查询居民",
    "case.view": "查看办件",
    "certificate.view": "查看证明台账",
    "certificate.issue": "开具证明",
    "board.print": "打印公示牌",
    "account.manage": "管理账号",
    "wish.manage": "办理微心愿",
    "visit.record": "登记走访",
    "case.report": "网格上报问题",
    "case.assign": "指派办件",
    "hotline.import": "导入12345工单",
    "case.evaluate_unit": "评价承办单位",
    "escalation.manage": "管理上报对象",
    "ledger.export": "导出台账",
    "ledger.full_id": "导出完整身份证号",
    "report.view": "查看统计报表",
    "partner.manage": "管理共建单位",
    "deliberation.manage": "记录议事",
    "party.points_view": "查看党员积分",
    "party.points_enter": "录入党员积分",
    "party.points_approve": "审批党员积分",
    "party.grade": "记录党员年度评定",
    "party.points_rules": "修改积分规则",
    "party.check_in": "组织生活签到",
    "volunteer.manage": "管理志愿服务",
    "volunteer.sign": "志愿者签到签退",
    "volunteer.correct": "核定志愿服务时长",
}


class NotPermitted(PermissionError):
    """The account's role may not take this action; one sentence for the person."""


def can(role: str | None, action: str) -> bool:
    """Whether ``role`` may take ``action``; None is the machine's own account (everything)."""
    if action not in PERMISSIONS:
        raise KeyError(action)
    if role is None:
        return True
    return role in PERMISSIONS[action]


def refusal(role: str, action: str) -> str:
    return f"“{ROLES.get(role, role)}”角色不能{ACTION_NAMES.get(action, action)}"


def role_of(session: Session, actor: str) -> str | None:
    """The role of the account behind ``actor``; None for the machine's own account (``cli:…``)
    or a name that is no account (the kiosk's own actors)."""
    if not actor or actor.startswith("cli:"):
        return None
    return session.scalar(select(User.role).where(User.username == actor))


def account_state(session: Session, username: str) -> str:
    """``active``, ``disabled`` or ``unknown``: whether ``username`` names an account that may act."""
    active = session.scalar(select(User.active).where(User.username == username))
    if active is None:
        return "unknown"
    return "active" if active else "disabled"


def require(session: Session, actor: str, action: str) -> None:
    """Raise NotPermitted when the account behind ``actor`` may not take ``action``: its role does
    not allow it, or the account is disabled."""
    role = role_of(session, actor)
    if role is not None and account_state(session, actor) == "disabled":
        raise NotPermitted(f"账号“{actor}”已停用，不能{ACTION_NAMES.get(action, action)}")
    if not can(role, action):
        raise NotPermitted(refusal(role or "", action))
