"""The life of a case as a state machine (四单三办三评: receive, handle, escalate, close, call back,
evaluate), with every step written down as a case event.

The transition table is the single source of truth: the desk enables exactly the actions it
lists for the case's status, and anything else is refused here with a sentence the staff can act
on, whoever calls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.models import Case, CaseEvent, CentreSetting
from app.models.base import utcnow

STATUSES: dict[str, str] = {
    "awaiting_materials": "待补正",
    "accepted": "已受理",
    "in_progress": "办理中",
    "escalated": "已上报",
    "completed": "已办结",
    "called_back": "已回访",
    "evaluated": "已评价",
    "refused": "不予受理",
    "withdrawn": "已撤回",
}
OPEN_STATUSES = frozenset({"awaiting_materials", "accepted", "in_progress", "escalated"})
# Statuses in which the promised deadline is running.
RUNNING_STATUSES = frozenset({"accepted", "in_progress", "escalated"})

EVALUATIONS = ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
UNSATISFIED = frozenset({"不满意", "非常不满意"})
UNSATISFIED_SETTING = "evaluation.unsatisfied_action"  # "reopen" (default) or "supervise"


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("materials_complete", "材料补齐受理", frozenset({"awaiting_materials"}), "accepted"),
        Transition("withdraw", "撤回申请", frozenset({"awaiting_materials"}), "withdrawn"),
        Transition("dispatch", "分派办理", frozenset({"accepted", "in_progress"}), "in_progress"),
        Transition("escalate", "吹哨上报", frozenset({"in_progress"}), "escalated"),
        Transition("return", "上级反馈", frozenset({"escalated"}), "in_progress"),
        Transition("complete", "办结", frozenset({"in_progress"}), "completed"),
        Transition("call_back", "回访", frozenset({"completed"}), "called_back"),
        Transition("evaluate", "评价", frozenset({"completed", "called_back"}), "evaluated"),
        Transition("reopen", "重新办理", frozenset({"evaluated"}), "in_progress"),
    ]
}
# Notes that change no status, and where they are allowed.
NOTES: dict[str, tuple[str, frozenset[str]]] = {
    "progress": ("办理进展", frozenset({"accepted", "in_progress", "escalated"})),
    "supervise": ("督办", OPEN_STATUSES),
}


class WorkflowError(ValueError):
    """An action the case's status does not allow, or a missing detail; safe to show."""


def status_name(status: str) -> str:
    return STATUSES.get(status, status)


def allowed_actions(case: Case) -> list[str]:
    """Actions (transitions and notes) the case's current status allows, in table order."""
    actions = [a for a, t in TRANSITIONS.items() if case.status in t.sources]
    return actions + [a for a, (_, sources) in NOTES.items() if case.status in sources]


def action_label(action: str) -> str:
    if action in TRANSITIONS:
        return TRANSITIONS[action].label
    return NOTES[action][0] if action in NOTES else action


def record_event(
    case: Case, *, actor: str, action: str, note: str = "", from_status: str = "", data: dict | None = None
) -> CaseEvent:
    """Append one event; every change of a case goes through here, so its version moves too."""
    event = CaseEvent(
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=case.status,
        note=note,
        data=data or {},
        at=utcnow(),
    )
    case.events.append(event)
    case.version = (case.version or 0) + 1
    return event


def apply(
    session: Session,
    case: Case,
    action: str,
    *,
    actor: str,
    note: str = "",
    to: str = "",
    evaluation: str = "",
    due_date: dt.date | None = None,
) -> CaseEvent:
    """Carry out ``action`` on ``case`` as ``actor``. The caller commits.

    ``to`` names the person or department for dispatch and escalate; ``evaluation`` is one of
    EVALUATIONS for evaluate; ``due_date`` is the new deadline when materials complete.
    """
    if action in NOTES:
        return _note(session, case, action, actor=actor, note=note)
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise WorkflowError(f"未知的操作“{action}”")
    if case.status not in transition.sources:
        allowed = "、".join(action_label(a) for a in allowed_actions(case)) or "无"
        raise WorkflowError(
            f"办件 {case.case_no} 当前为“{status_name(case.status)}”，不能“{transition.label}”（可进行：{allowed}）"
        )
    _check_details(case, action, note=note, to=to, evaluation=evaluation)
    before = case.status
    case.status = transition.target
    data: dict = {}
    now = utcnow()
    if action == "materials_complete":
        case.accepted_at = now
        case.materials_missing = []
        case.due_date = due_date
        data["due_date"] = due_date.isoformat() if due_date else None
    elif action in ("dispatch", "escalate"):
        data["to"] = to
        case.owner = to
    elif action == "return":
        case.owner = case.first_responder
    elif action == "complete":
        case.result = note
        case.completed_at = now
    elif action == "evaluate":
        case.evaluation = evaluation
        data["evaluation"] = evaluation
    event = record_event(case, actor=actor, action=action, note=note, from_status=before, data=data)
    if action == "evaluate" and evaluation in UNSATISFIED:
        _handle_unsatisfied(session, case, actor=actor, evaluation=evaluation)
    return event


def _check_details(case: Case, action: str, *, note: str, to: str, evaluation: str) -> None:
    if action in ("dispatch", "escalate") and not to.strip():
        raise WorkflowError("请填写承办人或承办部门" if action == "dispatch" else "请填写上报的街道或部门")
    if action in ("escalate", "complete", "call_back", "reopen", "withdraw") and not note.strip():
        needed = {
            "escalate": "上报原因",
            "complete": "办理结果",
            "call_back": "回访情况",
            "reopen": "重新办理的原因",
            "withdraw": "撤回原因",
        }[action]
        raise WorkflowError(f"请填写{needed}")
    if action == "evaluate" and evaluation not in EVALUATIONS:
        raise WorkflowError(f"评价须为：{'、'.join(EVALUATIONS)}")


def _note(session: Session, case: Case, action: str, *, actor: str, note: str) -> CaseEvent:
    label, sources = NOTES[action]
    if case.status not in sources:
        raise WorkflowError(f"办件 {case.case_no} 当前为“{status_name(case.status)}”，不能记录“{label}”")
    if not note.strip():
        raise WorkflowError(f"请填写{label}内容")
    if action == "supervise":
        case.supervised = True
        case.supervision_note = note
    return record_event(case, actor=actor, action=action, note=note, from_status=case.status)


def _handle_unsatisfied(session: Session, case: Case, *, actor: str, evaluation: str) -> None:
    """不满意 and 非常不满意 do not close the loop: the case is reopened or put under supervision,
    as the centre has chosen (centre setting ``evaluation.unsatisfied_action``)."""
    setting = session.get(CentreSetting, UNSATISFIED_SETTING)
    choice = setting.value if setting is not None else "reopen"
    reason = f"群众评价“{evaluation}”"
    if choice == "supervise":
        case.supervised = True
        case.supervision_note = reason
        record_event(case, actor=actor, action="supervise", note=reason, from_status=case.status)
        return
    before = case.status
    case.status = "in_progress"
    case.completed_at = None
    record_event(case, actor=actor, action="reopen", note=reason, from_status=before)
