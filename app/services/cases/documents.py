"""The paper a case produces at the window (receipt, supplement notice or refusal notice) as
data, and the audit of every copy that leaves the desk.

Which document follows from the case's outcome. Full ID numbers never reach a document:
applicants and agents are masked here, and the dataclasses refuse an unmasked number. The
printing side (app.printing.documents) draws these dataclasses; it reads no database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, CentreSetting, Community, Resident, Street, User
from app.models.base import as_local
from app.services.admin.centre import centre_name
from app.services.common import audit
from app.services.common.idcard import mask

_FULL_ID = re.compile(r"\d{15}|\d{17}[\dXx]")


def non_blank(values: Sequence[str | None]) -> list[str]:
    """The non-blank entries, stripped (a blank line is not a material or a reason)."""
    return [v.strip() for v in values if v and v.strip()]


def _require_masked(label: str, value: str | None) -> None:
    if value and _FULL_ID.fullmatch(value.strip()):
        raise ValueError(f"{label}: mask the ID number before printing")


@dataclass(frozen=True)
class ReceiptData:
    centre_name: str
    centre_phone: str
    case_number: str
    item_name: str
    applicant_name: str
    applicant_id_masked: str
    accepted_at: dt.datetime
    promised_days: int
    promised_date: dt.date
    first_responder: str
    qr_text: str
    materials: Sequence[str] = ()
    agent_name: str | None = None
    agent_id_masked: str | None = None

    def __post_init__(self) -> None:
        _require_masked("applicant_id_masked", self.applicant_id_masked)
        _require_masked("agent_id_masked", self.agent_id_masked)


@dataclass(frozen=True)
class SupplementNoticeData:
    centre_name: str
    centre_phone: str
    case_number: str
    applicant_name: str
    item_name: str
    missing_materials: Sequence[str]
    staff_name: str
    issued_on: dt.date
    applied_on: dt.date | None = None

    def __post_init__(self) -> None:
        if not non_blank(self.missing_materials):
            raise ValueError("a supplement notice needs at least one missing material")


@dataclass(frozen=True)
class RefusalNoticeData:
    centre_name: str
    centre_phone: str
    case_number: str
    applicant_name: str
    item_name: str
    applied_on: dt.date
    reason: str
    staff_name: str
    issued_on: dt.date
    legal_basis: str = ""
    remedy: str = ""  # where, and within what time, the applicant may seek review (see remedy_text)

    def __post_init__(self) -> None:
        if not (self.reason or "").strip():
            raise ValueError("a refusal notice needs a reason")


class CaseDocument(NamedTuple):
    kind: str  # receipt, supplement, refusal
    title: str
    data: ReceiptData | SupplementNoticeData | RefusalNoticeData


QR_SETTING = "receipt.qr_template"
DEFAULT_QR = "办件编号：{case_no}\n查询办理进度请致电：{phone}"
TITLES = {"receipt": "受理回执", "supplement": "一次性告知书", "refusal": "不予受理通知书"}


class DocumentError(LookupError):
    """No such case; the sentence is safe to show."""


def document_kind(case: Case) -> str:
    if case.status == "refused":
        return "refusal"
    if case.status == "awaiting_materials" or (case.materials_missing and not case.accepted_at):
        return "supplement"
    return "receipt"


def record_print(session: Session, case_no: str, title: str, *, actor: str, how: str) -> None:
    """Every document that leaves the desk (printed or saved) is written to the audit log."""
    case = session.scalar(select(Case).where(Case.case_no == case_no))
    resident = session.get(Resident, case.resident_id) if case.resident_id else None
    audit.record(
        session,
        actor=actor,
        action="print",
        resident=resident,
        subject="" if resident else case_no,
        purpose=title,
        detail=f"{case_no} {how}",
    )


def case_document(session: Session, case_no: str) -> CaseDocument:
    """What the case's outcome puts on paper, ready for the printing side to draw."""
    case = session.scalar(select(Case).where(Case.case_no == case_no))
    if case is None:
        raise DocumentError(f"办件 {case_no} 不存在")
    community = session.get(Community, case.community_id)
    centre = centre_name(community)
    phone = community.hotline
    staff = _display_name(session, case.first_responder)
    received = as_local(case.received_at)
    kind = document_kind(case)
    if kind == "refusal":
        basis = next((e.data.get("basis", "") for e in case.events if e.action == "refuse"), "")
        data = RefusalNoticeData(
            centre_name=centre,
            centre_phone=phone,
            case_number=case.case_no,
            applicant_name=case.applicant_name,
            item_name=case.item_name,
            applied_on=received.date(),
            reason=case.refusal_reason,
            staff_name=staff,
            issued_on=received.date(),
            legal_basis=basis,
            remedy=remedy_text(session, community),
        )
        return CaseDocument(kind, TITLES[kind], data)
    if kind == "supplement":
        data = SupplementNoticeData(
            centre_name=centre,
            centre_phone=phone,
            case_number=case.case_no,
            applicant_name=case.applicant_name,
            item_name=case.item_name,
            missing_materials=list(case.materials_missing),
            staff_name=staff,
            issued_on=received.date(),
            applied_on=received.date(),
        )
        return CaseDocument(kind, TITLES[kind], data)
    accepted = as_local(case.accepted_at) if case.accepted_at else received
    data = ReceiptData(
        centre_name=centre,
        centre_phone=phone,
        case_number=case.case_no,
        item_name=case.item_name,
        applicant_name=case.applicant_name,
        applicant_id_masked=mask(case.applicant_id_number) if case.applicant_id_number else "",
        accepted_at=accepted.replace(tzinfo=None),
        promised_days=case.promised_days,
        promised_date=case.due_date or accepted.date(),
        first_responder=staff,
        qr_text=_qr_text(session, case, phone),
        materials=list(case.materials_received),
        agent_name=case.agent_name or None,
        agent_id_masked=mask(case.agent_id_number) if case.agent_id_number else None,
    )
    return CaseDocument(kind, TITLES[kind], data)


# The review a refusal allows, in the words of 行政复议法 art. 20 (60 days from learning of the
# decision) and 行政诉讼法 art. 46 (six months), naming the district's people's government; a centre
# whose county names another body sets its own text (centre setting, ``{district}`` filled in).
REMEDY_SETTING = "notice.review_remedy"
DEFAULT_REMEDY = (
    "如对本决定不服，可以自收到本通知书之日起六十日内向{district}人民政府申请行政复议，"
    "也可以自收到本通知书之日起六个月内依法向人民法院提起行政诉讼。"
)


def remedy_text(session: Session, community: Community) -> str:
    setting = session.get(CentreSetting, REMEDY_SETTING)
    text = str(setting.value) if setting is not None and setting.value else DEFAULT_REMEDY
    street = session.get(Street, community.street_id) if community.street_id else None
    district = (street.district if street is not None else "") or "所在区（县）"
    return text.replace("{district}", district)


def _qr_text(session: Session, case: Case, phone: str) -> str:
    setting = session.get(CentreSetting, QR_SETTING)
    template = setting.value if setting is not None else DEFAULT_QR
    return template.format(case_no=case.case_no, phone=phone, uuid=case.uuid)


def _display_name(session: Session, username: str) -> str:
    name = session.scalar(select(User.display_name).where(User.username == username))
    return name or username
