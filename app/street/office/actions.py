"""The street office's steps on an escalated case, as its pages offer them. Each one is scoped to
the caller's street, checked against the caller's role, audited, and written the way the API's
answer is written (app.street.store.answer_case and street_note): as the case's new state and a
street event, which the communities the case concerns pull at their next sync. There is no
second path: what a page does, a desk receives exactly as it receives an API answer.

| action | what it does | who |
|---|---|---|
| accept | 受理: the street takes the escalation on (the case stays with the street) | staff |
| assign | 派单: a department of the street is to handle it (stays with the street) | staff |
| answer | 答复: back to the community that escalated it, in progress, with the answer | staff |
| return_case | 退回: back to that community, not taken on, with the reason | staff |
| transfer | 转办 (一体通办): to another community of the street, in progress | admin |
| close | 办结 (the street's part): back to that community as completed, with the result | admin |
| evaluate | 街道评价 of the handling, once the case has left the street | admin |
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from app.services.cases.handling import UNIT_EVALUATIONS
from app.street.models import STREET, StreetCase
from app.street.office.accounts import StaffMember, audit
from app.street.office.cases import scoped_case
from app.street.store import ESCALATED, Conflict, Invalid, StoreError, answer_case, street_note

ACTIONS = {
    "accept": "受理",
    "assign": "派单",
    "answer": "答复",
    "return": "退回",
    "transfer": "转办",
    "close": "办结",
    "evaluate": "评价",
}
ADMIN_ONLY = frozenset({"transfer", "close", "evaluate"})
MAX_NOTE = 2000


class Refused(StoreError):
    """The caller's role does not allow the step."""

    status_code = 403


def actor_name(who: StaffMember) -> str:
    return f"{who.street_name} {who.display_name}"


def _text(value: str, what: str, *, required: bool = True) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise Invalid(f"请填写{what}")
    if len(value) > MAX_NOTE:
        raise Invalid(f"{what}最多 {MAX_NOTE} 个字")
    return value


def _begin(session: Session, who: StaffMember, uuid: str, action: str) -> tuple[StreetCase, dict[str, str]]:
    if action in ADMIN_ONLY and not who.is_admin:
        raise Refused(f"“{ACTIONS[action]}”须由街道管理员办理")
    return scoped_case(session, who, uuid, lock=True)


def _with_street(case: StreetCase) -> None:
    if case.status != ESCALATED or case.owner_community != STREET:
        raise Conflict(f"办件 {case.case_no} 不在街道办理中")


def _done(session: Session, who: StaffMember, action: str, case: StreetCase, detail: str = "") -> None:
    audit(session, who.username, who.street, f"case_{action}", case.case_no, detail)


def accept(sessions: sessionmaker[Session], who: StaffMember, uuid: str, note: str = "") -> dict:
    with sessions.begin() as session:
        case, _ = _begin(session, who, uuid, "accept")
        _with_street(case)
        event = street_note(
            session, case, "street_accept", _text(note, "说明", required=False), {}, actor=actor_name(who)
        )
        _done(session, who, "accept", case)
        return event


def assign(
    sessions: sessionmaker[Session], who: StaffMember, uuid: str, department: str, note: str = ""
) -> dict:
    department = _text(department, "承办部门")[:60]
    with sessions.begin() as session:
        case, _ = _begin(session, who, uuid, "assign")
        _with_street(case)
        event = street_note(
            session,
            case,
            "street_assign",
            _text(note, "派单说明", required=False),
            {"department": department},
            actor=actor_name(who),
        )
        _done(session, who, "assign", case, department)
        return event


def answer(sessions: sessionmaker[Session], who: StaffMember, uuid: str, note: str) -> dict:
    note = _text(note, "答复内容")
    with sessions.begin() as session:
        case, _ = _begin(session, who, uuid, "answer")
        answered = answer_case(session, case, "in_progress", note, actor=actor_name(who), kind="answer")
        _done(session, who, "answer", case)
        return answered


def return_case(sessions: sessionmaker[Session], who: StaffMember, uuid: str, reason: str) -> dict:
    reason = _text(reason, "退回原因")
    with sessions.begin() as session:
        case, _ = _begin(session, who, uuid, "return")
        answered = answer_case(session, case, "in_progress", reason, actor=actor_name(who), kind="returned")
        _done(session, who, "return", case)
        return answered


def transfer(sessions: sessionmaker[Session], who: StaffMember, uuid: str, community: str, note: str) -> dict:
    note = _text(note, "转办说明")
    with sessions.begin() as session:
        case, names = _begin(session, who, uuid, "transfer")
        if community not in names:
            raise Invalid("只能转给本街道的社区")
        if community == (case.escalated_from or case.origin_community):
            raise Invalid("转给上报的社区即是“答复”，请选择另一个社区")
        answered = answer_case(
            session, case, "in_progress", note, community, actor=actor_name(who), kind="transfer"
        )
        _done(session, who, "transfer", case, community)
        return answered


def close(sessions: sessionmaker[Session], who: StaffMember, uuid: str, result: str) -> dict:
    result = _text(result, "办理结果")
    with sessions.begin() as session:
        case, _ = _begin(session, who, uuid, "close")
        answered = answer_case(session, case, "completed", result, actor=actor_name(who), kind="close")
        _done(session, who, "close", case)
        return answered


def evaluate(
    sessions: sessionmaker[Session], who: StaffMember, uuid: str, evaluation: str, note: str = ""
) -> dict:
    if evaluation not in UNIT_EVALUATIONS:
        raise Invalid(f"评价须为：{'、'.join(UNIT_EVALUATIONS)}")
    with sessions.begin() as session:
        case, _ = _begin(session, who, uuid, "evaluate")
        if case.owner_community == STREET or not case.escalated_from:
            raise Conflict(f"办件 {case.case_no} 须经街道答复后才能评价")
        event = street_note(
            session,
            case,
            "street_evaluation",
            _text(note, "评价说明", required=False),
            {"evaluation": evaluation},
            actor=actor_name(who),
        )
        _done(session, who, "evaluate", case, evaluation)
        return event


def allowed(who: StaffMember, case_status: str, with_street: bool, escalated: bool) -> list[str]:
    """The steps the case page offers ``who`` for a case in this state."""
    if with_street and case_status == ESCALATED:
        steps = ["accept", "assign", "answer", "return", "transfer", "close"]
    elif escalated:
        steps = ["evaluate"]
    else:
        steps = []
    return [s for s in steps if who.is_admin or s not in ADMIN_ONLY]
