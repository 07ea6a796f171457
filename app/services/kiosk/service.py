"""The self-service kiosk (自助服务终端) as use cases, no Qt: a resident with nothing but an ID
card identifies, prints an allowed certificate, follows their own cases, files a request (诉求),
books a window time and rates a finished case.

Privacy rules every function keeps: a function acts only for the resident the kiosk identified
(somebody else's case or booking is answered exactly like a missing one); what it returns for the
screen is masked; every action writes an audit entry with actor "kiosk" whose subject is the
first 16 hex digits of SHA-256 of the resident's ID number (never the number or the name).

Nothing here commits. The screen commits after each action succeeded, and for anything printed
only after the printer accepted the job: a jammed or missing printer rolls back, so nothing is
recorded as printed (nor counted against the daily limit).

The booking functions live in :mod:`app.services.kiosk.booking` and the settings, PIN and masking
in :mod:`app.services.kiosk.common`; all are re-exported here, the one module the screens import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.models import Case, Certificate, CertificateTemplate, GridStaff, ServiceItem
from app.models.base import as_local, utcnow
from app.models.staff import GRID_LEADER
from app.services.admin.centre import current_community
from app.services.cases import workflow
from app.services.cases.numbers import next_case_no
from app.services.common.idcard import redact
from app.services.common.workdays import WorkCalendar
from app.services.kiosk.booking import (
    AppointmentRow,
    available_slots,
    book,
    bookable_days,
    cancel_appointment,
    day_appointments,
    mark_attended,
    my_appointments,
)
from app.services.kiosk.common import (
    ACTOR,
    KioskError,
    KioskSettings,
    canonical_number,
    check_admin_pin,
    get_resident,
    id_hash,
    load_settings,
    mask_phone,
    masked_name,
    normalise_mobile,
    record,
    save_settings,
    set_admin_pin,
)
from app.services.population.lookup import LookupFailed, find_resident

if TYPE_CHECKING:
    from app.services.certificates.issue import CertificateRenderer, IssuedCertificate

__all__ = [
    "AppointmentRow",
    "KioskCase",
    "KioskError",
    "KioskResident",
    "KioskSettings",
    "available_slots",
    "book",
    "bookable_days",
    "cancel_appointment",
    "check_admin_pin",
    "day_appointments",
    "id_hash",
    "identify",
    "load_settings",
    "mark_attended",
    "masked_name",
    "my_appointments",
    "my_cases",
    "print_certificate",
    "prints_left_today",
    "rate_case",
    "save_settings",
    "self_service_templates",
    "set_admin_pin",
    "submit_request",
]

REQUEST_DAYS = 5  # working days to answer a kiosk request
REQUEST_TEXT_LIMIT = 300
UNREGISTERED_NAME = "未登记居民"
# Staff fields the kiosk fills itself when the template gives no default.
KIOSK_VALUES: dict[str, str] = {"purpose": "自助打印"}
RATEABLE = frozenset({"completed", "called_back"})


@dataclass(frozen=True)
class KioskResident:
    """The identified resident, as the kiosk may hold and show it."""

    resident_id: int
    masked_name: str  # 张*
    id_hash: str  # SHA-256 hex of the ID number
    has_record: bool  # registered in a household (一户一档): address, grid and household certificates work
    grid_name: str  # "" when not in a household
    phone_masked: str  # 138****5678, "" when none on record


@dataclass(frozen=True)
class KioskCase:
    case_no: str
    item_name: str
    status_name: str
    received_on: dt.date
    due_date: dt.date | None
    next_step: str  # plain words for the resident
    can_rate: bool


def identify(session: Session, id_text: str) -> KioskResident | None:
    """The resident with this ID number (card or typed), or None when the number is valid but
    nobody in the population base has it. Raises KioskError for an invalid number. Audited as
    "kiosk_identify" either way; the caller commits."""
    number = canonical_number(id_text)
    hashed = id_hash(number)
    try:
        resident = find_resident(session, number)
    except LookupFailed as exc:
        if exc.kind == "invalid":
            raise KioskError("身份证号码好像不对，请核对后重新输入，或把身份证放到读卡区") from None
        record(session, "kiosk_identify", hashed=hashed, detail="人口库无记录")
        return None
    household = resident.household
    grid_name = household.building.grid.name if household is not None else ""
    record(session, "kiosk_identify", hashed=hashed, resident_id=resident.id)
    return KioskResident(
        resident_id=resident.id,
        masked_name=masked_name(resident.name),
        id_hash=hashed,
        has_record=household is not None,
        grid_name=grid_name,
        phone_masked=mask_phone(resident.phone),
    )


# ------------------------------------------------------------------------------ certificates


def self_service_templates(session: Session) -> list[tuple[str, str]]:
    """(code, title) of the active templates marked self-service that an active self-service
    catalogue item produces, in catalogue order."""
    stmt = (
        select(CertificateTemplate)
        .join(ServiceItem, ServiceItem.template_code == CertificateTemplate.code)
        .where(
            CertificateTemplate.active.is_(True),
            ServiceItem.active.is_(True),
            ServiceItem.self_service.is_(True),
        )
        .order_by(ServiceItem.sort_order, ServiceItem.id)
    )
    from app.services.certificates.templates import spec_of

    found: dict[str, str] = {}
    for template in session.scalars(stmt):
        if template.code in found:
            continue
        try:
            spec = spec_of(template)
        except ValueError:  # a broken definition is the desk's problem, not the resident's
            continue
        if spec.self_service and not _needs_staff(spec):
            found[template.code] = template.title
    return list(found.items())


def _needs_staff(spec) -> bool:
    """A required field only staff can fill (no default, nothing the kiosk may say itself) keeps
    a certificate at the window: offering it at the kiosk would only end in a refusal."""
    return any(
        f.from_staff
        and f.required
        and f.name not in KIOSK_VALUES
        and (f.default is None or not str(f.default).strip())
        for f in spec.fields
    )


def _printed_today(session: Session, resident_id: int, today: dt.date) -> int:
    return session.scalar(
        select(func.count(Certificate.id)).where(
            Certificate.resident_id == resident_id,
            Certificate.channel == "kiosk",
            Certificate.issue_date == today,
        )
    )


def prints_left_today(session: Session, resident_id: int, today: dt.date) -> int:
    return max(0, load_settings(session).daily_print_limit - _printed_today(session, resident_id, today))


def print_certificate(
    session: Session,
    renderer: CertificateRenderer,
    resident_id: int,
    template_code: str,
    *,
    today: dt.date | None = None,
) -> IssuedCertificate:
    """Issue a self-service certificate with every value from the population base; registered
    with channel "kiosk" and actor "kiosk". The caller sends ``.pdf`` to the printer and commits
    only when the printer accepted it (rolls back otherwise). Raises KioskError in plain words.
    """
    from app.services.certificates.issue import issue_certificate
    from app.services.certificates.register import CertificateError
    from app.services.certificates.templates import TemplateValueError, spec_of

    today = today or dt.date.today()
    if template_code not in dict(self_service_templates(session)):
        raise KioskError("这份证明不能在自助终端打印，请到窗口办理")
    resident = get_resident(session, resident_id)
    printed = _printed_today(session, resident_id, today)
    if printed >= load_settings(session).daily_print_limit:
        raise KioskError(f"今天已打印{printed}份，已达上限，如还需要请到窗口办理")
    spec = spec_of(session.get(CertificateTemplate, template_code))
    staff_values: dict[str, object] = {
        f.name: KIOSK_VALUES[f.name]
        for f in spec.fields
        if f.from_staff and f.name in KIOSK_VALUES and (f.default is None or not str(f.default).strip())
    }
    try:  # values are checked before a serial is taken: a refusal here has written nothing
        issued = issue_certificate(
            session,
            renderer,
            template_code=template_code,
            resident=resident,
            staff_values=staff_values,
            actor=ACTOR,
            channel="kiosk",
            today=today,
        )
    except TemplateValueError:
        raise KioskError("您的登记信息还不完整，此证明需到窗口办理") from None
    except CertificateError:
        raise KioskError("此证明暂时不能自助打印，请到窗口办理") from None
    record(
        session,
        "kiosk_print",
        hashed=id_hash(resident.id_number),
        resident_id=resident.id,
        detail=f"{template_code} {issued.serial}",
    )
    return issued


# ------------------------------------------------------------------------------ cases


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


def _grid_leader(session: Session, grid_id: int) -> str:
    name = session.scalar(
        select(GridStaff.name)
        .where(GridStaff.grid_id == grid_id, GridStaff.role == GRID_LEADER)
        .order_by(GridStaff.sort_order, GridStaff.id)
        .limit(1)
    )
    return (name or "").strip()


def submit_request(
    session: Session,
    resident_id: int | None,
    *,
    category: str,
    text: str,
    phone: str,
    id_text: str | None = None,
    today: dt.date | None = None,
) -> str:
    """File a request (诉求) as a case on the "kiosk" channel, accepted at once and due in five
    working days, routed to the resident's grid (owner: its grid leader). A person without a
    record passes ``resident_id=None`` (and may pass ``id_text``: only its hash is kept, in the
    event data). Returns the case number; the caller commits, then prints the slip."""
    today = today or dt.date.today()
    if category not in load_settings(session).request_categories:
        raise KioskError("请先选择诉求类别")
    content = redact((text or "").strip())  # an ID number typed into the text is masked
    if len(content) > REQUEST_TEXT_LIMIT:
        raise KioskError(f"诉求内容最多{REQUEST_TEXT_LIMIT}个字，现在有{len(content)}个字，请删减一些")
    mobile = normalise_mobile(phone)
    resident = get_resident(session, resident_id) if resident_id is not None else None
    if resident is not None:
        hashed = id_hash(resident.id_number)
    else:
        hashed = id_hash(canonical_number(id_text)) if id_text and id_text.strip() else ""
    household = resident.household if resident is not None else None
    grid_id = household.building.grid_id if household is not None else None
    community = current_community(session)
    calendar = WorkCalendar.load(session)
    now = utcnow()
    case = Case(
        origin_community=community.code,
        case_no=next_case_no(session, community.short_code, today),
        community_id=community.id,
        channel="kiosk",
        status="accepted",
        item_id=None,
        item_code="",
        item_name=f"群众诉求（{category}）",
        promised_days=REQUEST_DAYS,
        resident_id=resident.id if resident else None,
        applicant_name=resident.name if resident else UNREGISTERED_NAME,
        applicant_id_number=resident.id_number if resident else "",
        applicant_phone=mobile,
        grid_id=grid_id,
        first_responder=ACTOR,
        owner=_grid_leader(session, grid_id) if grid_id is not None else "",
        content=content,
        address=resident.current_address if resident else "",
        received_at=now,
        accepted_at=now,
        due_date=calendar.add_working_days(today, REQUEST_DAYS),
        materials_received=[],
        materials_missing=[],
        events=[],
    )
    session.add(case)
    data: dict[str, object] = {"category": category, "due_date": case.due_date.isoformat()}
    if resident is None and hashed:
        data["id_hash"] = hashed
    workflow.record_event(case, actor=ACTOR, action="kiosk_request", note=category, data=data)
    record(session, "kiosk_request", hashed=hashed, resident_id=case.resident_id, detail=case.case_no)
    return case.case_no


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
