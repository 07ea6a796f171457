"""A resident's own cases at the kiosk: the list with the next step in plain words, and rating a
finished one. Somebody else's case is answered exactly like a missing one. The caller commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import Case
from app.models.base import as_local
from app.services.cases import workflow
from app.services.kiosk.common import ACTOR, KioskError, get_resident, id_hash, record

RATEABLE = frozenset({"completed", "called_back"})


@dataclass(frozen=True, slots=True)
class KioskCase:
    """One of the resident's own cases, in the words the screen shows."""

    case_no: str
    item_name: str
    status_name: str
    received_on: dt.date
    due_date: dt.date | None
    next_step: str  # plain words for the resident
    can_rate: bool


def _own_cases(session: Session, resident_id: int, limit: int = 30):
    resident = get_resident(session, resident_id)
    stmt = (
        select(Case)
        .where(or_(Case.resident_id == resident.id, Case.applicant_id_number == resident.id_number))
        .order_by(Case.received_at.desc(), Case.id.desc())
        .limit(limit)
    )
    return resident, list(session.scalars(stmt))


def next_step(case: Case, today: dt.date) -> str:
    """What happens next, in words for the resident."""
    status = case.status
    if status == "awaiting_materials":
        missing = "、".join(case.materials_missing[:3]) + ("等" if len(case.materials_missing) > 3 else "")
        return f"等待补齐材料：请带上{missing}到窗口" if missing else "等待补齐材料，请到窗口"
    if status in workflow.RUNNING_STATUSES and case.due_date and today > case.due_date:
        return "正在办理，已超过承诺日期，已提醒工作人员加快办理"
    if status == "escalated":
        return "已上报街道，等待反馈"
    if status in ("accepted", "in_progress"):
        return "正在办理"
    if status in RATEABLE:
        return "已办结，请到窗口领取，欢迎您评价" if case.item_id else "已办结，欢迎您对办理结果评价"
    if status == "evaluated":
        return f"已办结，您的评价：{case.evaluation}" if case.evaluation else "已办结"
    if status == "refused":
        return "未能受理，原因请咨询窗口"
    if status == "withdrawn":
        return "已撤回"
    return workflow.status_name(status)


def my_cases(session: Session, resident_id: int, today: dt.date | None = None) -> list[KioskCase]:
    """The resident's own cases (as applicant), newest first. Audited as "kiosk_cases"."""
    today = today or dt.date.today()
    resident, cases = _own_cases(session, resident_id)
    record(session, "kiosk_cases", hashed=id_hash(resident.id_number), resident_id=resident.id)
    return [
        KioskCase(
            case_no=c.case_no,
            item_name=c.item_name,
            status_name=workflow.status_name(c.status),
            received_on=as_local(c.received_at).date(),
            due_date=c.due_date,
            next_step=next_step(c, today),
            can_rate=c.status in RATEABLE,
        )
        for c in cases
    ]


def rate_case(session: Session, resident_id: int, case_no: str, evaluation: str) -> None:
    """The resident rates one of their own finished cases (好差评); 不满意 and 非常不满意 go back
    to the centre as the workflow decides (reopen by default). The caller commits."""
    resident = get_resident(session, resident_id)
    case = session.scalar(
        select(Case).where(
            Case.case_no == (case_no or "").strip(),
            or_(Case.resident_id == resident.id, Case.applicant_id_number == resident.id_number),
        )
    )
    if case is None:
        raise KioskError("没有找到您的这件办件")
    if case.status == "evaluated":
        raise KioskError("这件事您已经评价过了，谢谢您")
    if case.status not in RATEABLE:
        raise KioskError("这件事还在办理，办结后才能评价")
    if evaluation not in workflow.EVALUATIONS:
        raise KioskError("请选择一个评价")
    workflow.apply(session, case, "evaluate", actor=ACTOR, evaluation=evaluation)
    record(
        session,
        "kiosk_rate",
        hashed=id_hash(resident.id_number),
        resident_id=resident.id,
        detail=f"{case.case_no} {evaluation}",
    )
