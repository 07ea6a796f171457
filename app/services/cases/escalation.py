"""Five-level escalation (吹哨报到: 网格 → 社区 → 街道 → 区 → 市) and dispatch to grid staff.

The departments a case can be escalated to are data the administrator keeps (name, level,
contact); an escalation writes the target, its level, the reason and the date an answer is asked
for into the escalate event, which syncs to the street office like every event. A case can also be
assigned to a grid worker who serves the case's grid: it becomes theirs (``owner``), so it shows
in their list under 指派给我.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ESCALATION_LEVELS, Case, CaseEvent, EscalationTarget, Grid, User
from app.services.admin.permissions import require
from app.services.admin.scope import WHOLE_STREET, Scope, user_grid_codes
from app.services.cases import workflow
from app.services.cases.search import get_case
from app.services.cases.workflow import WorkflowError
from app.services.common import audit


class TargetError(ValueError):
    """A target that cannot be stored as given; one sentence for the person."""


@dataclass(frozen=True)
class Target:
    id: int
    name: str
    level: str  # an ESCALATION_LEVELS key
    level_name: str
    contact: str
    active: bool

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "level": self.level,
            "level_name": self.level_name,
            "contact": self.contact,
            "active": self.active,
        }


def level_code(level: str) -> str:
    """The level's code from a code or a Chinese name (街道 → street)."""
    code = next((k for k, v in ESCALATION_LEVELS.items() if level in (k, v)), None)
    if code is None:
        raise TargetError(f"层级须为：{'、'.join(ESCALATION_LEVELS.values())}")
    return code


def _target(row: EscalationTarget) -> Target:
    return Target(
        row.id, row.name, row.level, ESCALATION_LEVELS.get(row.level, row.level), row.contact, row.active
    )


def escalation_targets(session: Session, *, include_disabled: bool = False) -> list[Target]:
    """The targets from the lowest level up, then by name."""
    rank = {code: i for i, code in enumerate(ESCALATION_LEVELS)}
    stmt = select(EscalationTarget)
    if not include_disabled:
        stmt = stmt.where(EscalationTarget.active.is_(True))
    rows = sorted(session.scalars(stmt), key=lambda r: (rank.get(r.level, 9), r.id))
    return [_target(r) for r in rows]


def _find(session: Session, name: str) -> EscalationTarget:
    row = session.scalar(select(EscalationTarget).where(EscalationTarget.name == name.strip()))
    if row is None:
        raise TargetError(f"没有名为“{name}”的上报对象")
    return row


def add_target(session: Session, name: str, level: str, contact: str = "", *, actor: str) -> Target:
    name = name.strip()
    if not name or len(name) > 60:
        raise TargetError("名称须为 1 到 60 个字")
    if session.scalar(select(EscalationTarget.id).where(EscalationTarget.name == name)) is not None:
        raise TargetError(f"上报对象“{name}”已经存在")
    row = EscalationTarget(name=name, level=level_code(level), contact=contact.strip()[:120], active=True)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="escalation_target_add", subject=name, detail=row.level)
    return _target(row)


def edit_target(
    session: Session,
    name: str,
    *,
    actor: str,
    new_name: str | None = None,
    level: str | None = None,
    contact: str | None = None,
    active: bool | None = None,
) -> Target:
    row = _find(session, name)
    if new_name is not None and new_name.strip() != row.name:
        new_name = new_name.strip()
        if not new_name or len(new_name) > 60:
            raise TargetError("名称须为 1 到 60 个字")
        if session.scalar(select(EscalationTarget.id).where(EscalationTarget.name == new_name)) is not None:
            raise TargetError(f"上报对象“{new_name}”已经存在")
        row.name = new_name
    if level is not None:
        row.level = level_code(level)
    if contact is not None:
        row.contact = contact.strip()[:120]
    if active is not None:
        row.active = active
    action = "escalation_target_disable" if active is False else "escalation_target_edit"
    audit.record(session, actor=actor, action=action, subject=row.name, detail=row.level)
    return _target(row)


def escalate(
    session: Session,
    case: Case,
    target: str,
    *,
    reason: str,
    requested: dt.date | None,
    actor: str,
    today: dt.date,
) -> CaseEvent:
    """吹哨: escalate ``case`` to an active target, asking for an answer by ``requested``."""
    row = session.scalar(
        select(EscalationTarget).where(
            EscalationTarget.name == target.strip(), EscalationTarget.active.is_(True)
        )
    )
    if row is None:
        raise WorkflowError(f"“{target}”不是可用的上报对象，请从列表中选择")
    if requested is not None and requested < today:
        raise WorkflowError(f"要求答复日期 {requested.isoformat()} 已经过去")
    event = workflow.apply(session, case, "escalate", actor=actor, note=reason, to=row.name)
    event.data = {
        **event.data,
        "level": ESCALATION_LEVELS.get(row.level, row.level),
        "level_code": row.level,
        "contact": row.contact,
        "requested": requested.isoformat() if requested else None,
    }
    return event


@dataclass(frozen=True)
class GridWorker:
    username: str
    display_name: str


def grid_workers_for(session: Session, case: Case) -> list[GridWorker]:
    """The active grid worker accounts serving the case's grid."""
    if case.grid_id is None:
        return []
    stmt = select(User).where(User.role == "grid_worker", User.active.is_(True)).order_by(User.username)
    grid = session.get(Grid, case.grid_id)
    return [
        GridWorker(u.username, u.display_name)
        for u in session.scalars(stmt)
        if grid is not None and grid.code in user_grid_codes(session, u.username)
    ]


def assign(session: Session, case: Case, username: str, *, actor: str, note: str = "") -> CaseEvent:
    """Assign the case to a grid worker of its grid (分派给网格员). An accepted case is then being
    handled; an escalated one stays with the department it went to until it answers, but the
    grid worker sees it under 指派给我 all the same."""
    if case.status not in ("accepted", "in_progress", "escalated"):
        raise WorkflowError(
            f"办件 {case.case_no} 当前为“{workflow.status_name(case.status)}”，不能指派网格员"
        )
    require(session, actor, "case.assign")
    workers = {w.username: w for w in grid_workers_for(session, case)}
    if username not in workers:
        if case.grid_id is None:
            raise WorkflowError(f"办件 {case.case_no} 不属于任何网格，不能指派给网格员")
        raise WorkflowError(f"“{username}”不是负责该办件所在网格的网格员")
    before = case.status
    if case.status == "accepted":
        case.status = "in_progress"
    if case.status != "escalated":
        case.owner = username
    grid = session.get(Grid, case.grid_id)
    data = {"assignee": username, "grid": grid.code if grid else ""}
    return workflow.record_event(case, actor=actor, action="assign", note=note, from_status=before, data=data)


def assignable_workers(session: Session, case_no: str, scope: Scope = WHOLE_STREET) -> list[GridWorker]:
    """The grid workers a case within ``scope`` may be assigned to (those serving its grid)."""
    case = get_case(session, case_no, scope)
    return grid_workers_for(session, case) if case is not None else []
