"""One-window intake (一窗受理): a resident asks for a service item and the desk answers with one of
three outcomes — accept (受理), ask once for every missing material (一次性告知), or refuse with a
reason (不予受理). Each outcome is a case with a number, so every notice handed over can be traced.

Nothing here commits: the caller commits once, and only then shows or prints the case number,
so a number on paper always belongs to a stored case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, Resident, ServiceItem
from app.models.base import utcnow
from app.services.admin.centre import current_community
from app.services.cases import workflow
from app.services.cases.numbers import next_case_no
from app.services.common.idcard import IdNumberError, parse
from app.services.common.workdays import WorkCalendar


class IntakeError(ValueError):
    """The intake cannot go ahead as asked; the sentence says what to change."""


@dataclass(frozen=True)
class Agent:
    """Someone applying on the resident's behalf (帮办代办): staff, a volunteer or family."""

    name: str
    id_number: str
    phone: str = ""


def find_item(session: Session, code: str) -> ServiceItem:
    item = session.scalar(select(ServiceItem).where(ServiceItem.code == code, ServiceItem.active.is_(True)))
    if item is None:
        raise IntakeError(f"事项“{code}”不存在或已停用")
    return item


def accept(
    session: Session,
    *,
    item_code: str,
    resident: Resident,
    materials_received: list[str],
    actor: str,
    agent: Agent | None = None,
    phone: str = "",
    note: str = "",
    channel: str = "window",
    today: dt.date | None = None,
    calendar: WorkCalendar | None = None,
) -> Case:
    """受理: every required material is there; the deadline starts running today."""
    item = find_item(session, item_code)
    missing = [m for m in item.materials if m not in materials_received]
    if missing:
        raise IntakeError(f"还缺{len(missing)}项材料（{missing[0]}…），请补齐后受理，或出具一次性告知书")
    today = today or dt.date.today()
    calendar = calendar or WorkCalendar.load(session)
    case = _new_case(
        session,
        item,
        resident,
        "accepted",
        actor=actor,
        agent=agent,
        phone=phone,
        note=note,
        channel=channel,
        today=today,
    )
    case.materials_received = list(materials_received)
    case.accepted_at = utcnow()
    case.due_date = calendar.add_working_days(today, item.promised_days)
    workflow.record_event(
        case,
        actor=actor,
        action="accept",
        note=note,
        data={"due_date": case.due_date.isoformat(), "materials": list(materials_received)},
    )
    return case


def request_materials(
    session: Session,
    *,
    item_code: str,
    resident: Resident,
    materials_received: list[str],
    missing: list[str],
    actor: str,
    agent: Agent | None = None,
    phone: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> Case:
    """一次性告知: the case waits for the listed materials; nothing is due until they arrive."""
    missing = [m.strip() for m in missing if m.strip()]
    if not missing:
        raise IntakeError("一次性告知书须列出缺少的材料")
    item = find_item(session, item_code)
    case = _new_case(
        session,
        item,
        resident,
        "awaiting_materials",
        actor=actor,
        agent=agent,
        phone=phone,
        note=note,
        channel="window",
        today=today or dt.date.today(),
    )
    case.materials_received = list(materials_received)
    case.materials_missing = missing
    workflow.record_event(case, actor=actor, action="request_materials", note=note, data={"missing": missing})
    return case


def materials_arrived(
    session: Session,
    case: Case,
    *,
    actor: str,
    today: dt.date | None = None,
    calendar: WorkCalendar | None = None,
) -> Case:
    """The missing materials were brought: the case is accepted and its deadline starts today."""
    today = today or dt.date.today()
    calendar = calendar or WorkCalendar.load(session)
    due = calendar.add_working_days(today, case.promised_days)
    received = [*case.materials_received, *case.materials_missing]
    workflow.apply(session, case, "materials_complete", actor=actor, note="材料已补齐", due_date=due)
    case.materials_received = received
    return case


def refuse(
    session: Session,
    *,
    item_code: str,
    resident: Resident,
    reason: str,
    actor: str,
    basis: str = "",
    agent: Agent | None = None,
    phone: str = "",
    today: dt.date | None = None,
) -> Case:
    """不予受理: the reason (and its legal basis, if any) goes on the refusal notice."""
    if not reason.strip():
        raise IntakeError("不予受理须写明理由")
    item = find_item(session, item_code)
    case = _new_case(
        session,
        item,
        resident,
        "refused",
        actor=actor,
        agent=agent,
        phone=phone,
        note="",
        channel="window",
        today=today or dt.date.today(),
    )
    case.refusal_reason = reason.strip()
    workflow.record_event(case, actor=actor, action="refuse", note=reason.strip(), data={"basis": basis})
    return case


def _new_case(
    session: Session,
    item: ServiceItem,
    resident: Resident,
    status: str,
    *,
    actor: str,
    agent: Agent | None,
    phone: str,
    note: str,
    channel: str,
    today: dt.date,
) -> Case:
    community = current_community(session)
    agent_number = _check_agent(agent, resident)
    household = resident.household
    case = Case(
        origin_community=community.code,
        case_no=next_case_no(session, community.short_code, today),
        community_id=community.id,
        channel=channel,
        status=status,
        item_id=item.id,
        item_code=item.code,
        item_name=item.name,
        promised_days=item.promised_days,
        resident_id=resident.id,
        applicant_name=resident.name,
        applicant_id_number=resident.id_number,
        applicant_phone=phone or resident.phone,
        agent_name=agent.name.strip() if agent else "",
        agent_id_number=agent_number,
        agent_phone=agent.phone if agent else "",
        grid_id=household.building.grid_id if household else None,
        first_responder=actor,
        owner=actor,
        content=note,
        address=resident.current_address,
        received_at=utcnow(),
        materials_received=[],
        materials_missing=[],
        events=[],
    )
    session.add(case)
    return case


def _check_agent(agent: Agent | None, resident: Resident) -> str:
    if agent is None:
        return ""
    if not agent.name.strip():
        raise IntakeError("请填写代办人姓名")
    try:
        number = parse(agent.id_number).number
    except IdNumberError as exc:
        raise IntakeError(f"代办人身份证号无效：{exc}") from None
    if number == resident.id_number:
        raise IntakeError("代办人不能是申请人本人")
    return number
