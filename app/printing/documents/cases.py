"""The paper a case produces at the window: receipt, supplement notice or refusal notice.

Which one follows from the case's outcome. Full ID numbers never reach a document: applicants and
agents are printed masked. Writing or printing a document is audited like a lookup.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, CentreSetting, Community, Resident, User
from app.models.base import as_local
from app.printing.documents.intake import (
    ReceiptData,
    RefusalNoticeData,
    SupplementNoticeData,
    render_receipt,
    render_refusal_notice,
    render_supplement_notice,
)
from app.services.admin.centre import centre_name
from app.services.common import audit
from app.services.common.idcard import mask

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


def render_case_document(session: Session, case_no: str) -> tuple[str, bytes]:
    """(document title, PDF bytes) for the case's outcome."""
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
        )
        return TITLES[kind], render_refusal_notice(data)
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
        return TITLES[kind], render_supplement_notice(data)
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
    return TITLES[kind], render_receipt(data)


def write_case_document(session: Session, case_no: str, path: Path, *, actor: str) -> Path:
    """Write the case's document to ``path`` and audit it; the caller commits."""
    title, pdf = render_case_document(session, case_no)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf)
    record_print(session, case_no, title, actor=actor, how=f"保存为 {path.name}")
    return path


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


def _qr_text(session: Session, case: Case, phone: str) -> str:
    setting = session.get(CentreSetting, QR_SETTING)
    template = setting.value if setting is not None else DEFAULT_QR
    return template.format(case_no=case.case_no, phone=phone, uuid=case.uuid)


def _display_name(session: Session, username: str) -> str:
    name = session.scalar(select(User.display_name).where(User.username == username))
    return name or username
