"""The register (台账) of issued certificates: serial numbers, issue, reprint, void, listing.

Serial numbers are ``<prefix><year><5-digit sequence>`` (``JZ202600017``). The counter moves in
the issuing transaction, UPDATE … RETURNING first (as for case numbers): a rollback takes the
number back, which is harmless because nothing was printed; once committed it is never reused.
Every issue, reprint and void writes an audit entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import Certificate, CertificateSequence, CertificateTemplate, Resident, TrustedKey, User
from app.models.base import utcnow
from app.services.admin.centre import current_community
from app.services.admin.permissions import NotPermitted, require
from app.services.admin.restored import require_caught_up
from app.services.admin.scope import WHOLE_STREET, Scope, scope_for
from app.services.certificates.keys import ensure_trusted_own_key
from app.services.certificates.signing import PayloadError, holder_hash, parse_payload
from app.services.common import audit
from app.services.common.counters import CounterBusy, take_next
from app.services.common.idcard import IdNumberError, mask, parse

CHANNELS = ("desk", "kiosk", "batch", "cli")
_PREFIX = re.compile(r"[A-Z][A-Z0-9]{0,9}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
# The register's PDF hash of a certificate issued in a batch: what was printed is its page in the
# batch's PDF; its own PDF is drawn, and its hash kept, the first time it is reprinted.
NOT_DRAWN = ""


class CertificateError(ValueError):
    """A register operation was refused; the message is for the person at the desk."""


@dataclass(frozen=True, slots=True)
class RegisterRow:
    serial: str
    title: str
    holder_name: str
    holder_id_masked: str  # "" when the resident has since been removed from the population base
    issue_date: dt.date
    issued_by: str  # the account (username), as stored
    status: str  # valid, voided
    reprints: int
    channel: str
    template_code: str
    issued_at: dt.datetime  # UTC
    void_reason: str
    issued_by_name: str = ""  # the staff member's display name, for people to read


def format_serial(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}{year:04d}{sequence:05d}"


def next_serial(session: Session, prefix: str, year: int) -> str:
    """Take the next serial for this prefix and year, in the caller's transaction. Refused
    (RestoredCopyError) on a copy put back and not yet caught up with the street."""
    return next_serials(session, prefix, year, 1)[0]


def next_serials(session: Session, prefix: str, year: int, count: int) -> list[str]:
    """:func:`next_serial` for a batch: ``count`` consecutive serials taken in one step."""
    require_caught_up(session)
    if not _PREFIX.fullmatch(prefix):
        raise CertificateError(f"编号前缀“{prefix}”无效：应为1–10位大写字母或数字，以字母开头")
    if count < 1:
        return []
    try:
        first = take_next(session, CertificateSequence, count=count, prefix=prefix, year=year)
    except CounterBusy:
        raise CertificateError("无法生成证明编号，请重试") from None
    return [format_serial(prefix, year, first + offset) for offset in range(count)]


def find(session: Session, serial: str) -> Certificate | None:
    return session.scalar(select(Certificate).where(Certificate.serial == serial.strip().upper()))


def _get(session: Session, serial: str) -> Certificate:
    entry = find(session, serial)
    if entry is None:
        raise CertificateError(f"登记簿中无编号为“{serial.strip()}”的证明")
    return entry


def _title(session: Session, code: str) -> str:
    template = session.get(CertificateTemplate, code)
    return template.title if template is not None else code


def record_issue(
    session: Session,
    *,
    template: CertificateTemplate,
    serial: str,
    resident: Resident,
    fields: dict,
    issue_date: dt.date,
    actor: str,
    channel: str,
    key_id: str,
    qr_payload: str,
    pdf_sha256: str,
    case_id: int | None = None,
    flush: bool = True,
) -> Certificate:
    """Add the register entry and its audit entry (action "print") to ``session``; the caller
    commits. A batch passes ``flush=False`` and flushes its thousand entries once, together. The QR payload must be the one signed for exactly this serial, template, date,
    holder and key."""
    if channel not in CHANNELS:
        raise CertificateError(f"未知的开具渠道“{channel}”")
    if pdf_sha256 != NOT_DRAWN and not _SHA256.fullmatch(pdf_sha256):
        raise CertificateError("PDF 摘要应为64位小写十六进制 SHA-256")
    try:
        payload = parse_payload(qr_payload)
    except PayloadError as exc:
        raise CertificateError(f"二维码内容无效：{exc.reason}") from None
    try:
        id_number = parse(resident.id_number).number
    except IdNumberError:
        id_number = resident.id_number
    hashed = holder_hash(serial, id_number)
    expected = (serial, template.code, issue_date, hashed, key_id)
    if (
        payload.serial,
        payload.template_code,
        payload.issue_date,
        payload.holder_hash,
        payload.key_id,
    ) != expected:
        raise CertificateError("二维码内容与本证明的编号、模板、日期、持证人或密钥不一致")
    if find(session, serial) is not None:
        raise CertificateError(f"证明编号 {serial} 已在登记簿中")
    if session.get(TrustedKey, key_id) is None and ensure_trusted_own_key(session) != key_id:
        raise CertificateError("签名密钥不是本中心的密钥，也未登记为可信密钥")
    entry = Certificate(
        origin_community=current_community(session).code,
        serial=serial,
        template_code=template.code,
        template_version=template.version or 1,
        resident_id=resident.id,
        holder_name=resident.name,
        holder_hash=hashed,
        fields=dict(fields),
        issue_date=issue_date,
        issued_by=actor,
        channel=channel,
        key_id=key_id,
        qr_payload=qr_payload.strip(),
        pdf_sha256=pdf_sha256,
        case_id=case_id,
    )
    session.add(entry)
    audit.record(
        session,
        actor=actor,
        action="print",
        resident=resident,
        purpose=f"开具{template.title}"[:200],
        detail=serial,
    )
    if flush:
        session.flush()
    return entry


def _audit(
    session: Session, entry: Certificate, *, actor: str, action: str, purpose: str, detail: str
) -> None:
    resident = session.get(Resident, entry.resident_id) if entry.resident_id is not None else None
    audit.record(
        session,
        actor=actor,
        action=action,
        resident=resident,
        subject=entry.serial,
        purpose=purpose[:200],
        detail=detail,
    )


def _may_handle(session: Session, entry: Certificate, actor: str) -> None:
    """Reprinting or voiding is issuing's follow-up: refused to a role that may not issue, and to a
    grid worker for a certificate of someone outside their grids (as the register hides it)."""
    try:
        require(session, actor, "certificate.issue")
    except NotPermitted as exc:
        raise CertificateError(str(exc)) from None
    scope = scope_for(session, actor)
    if scope.whole_street:
        return
    resident = session.get(Resident, entry.resident_id) if entry.resident_id is not None else None
    if resident is None or not scope.allows_resident(session, resident):
        raise CertificateError(f"登记簿中无编号为“{entry.serial}”的证明")


def record_reprint(session: Session, serial: str, actor: str, pdf_sha256: str = NOT_DRAWN) -> Certificate:
    """Count a reprint of the same certificate (same serial, same QR); refused once voided. A
    certificate issued in a batch gets its own PDF's hash with its first reprint."""
    entry = _get(session, serial)
    _may_handle(session, entry, actor)
    if entry.status == "voided":
        raise CertificateError(
            f"证明 {entry.serial} 已作废（{entry.void_reason}），不能补打；如需要请重新开具"
        )
    entry.reprints += 1
    entry.version += 1
    if entry.pdf_sha256 == NOT_DRAWN:
        entry.pdf_sha256 = pdf_sha256
    _audit(
        session,
        entry,
        actor=actor,
        action="reprint",
        purpose=f"补打{_title(session, entry.template_code)}",
        detail=f"{entry.serial} 第{entry.reprints}次补打",
    )
    session.flush()
    return entry


def void(session: Session, serial: str, reason: str, actor: str) -> Certificate:
    """Void a certificate; verification reports it as voided from then on."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("作废证明须填写原因")
    entry = _get(session, serial)
    _may_handle(session, entry, actor)
    if entry.status == "voided":
        raise CertificateError(f"证明 {entry.serial} 已于此前作废（{entry.void_reason}）")
    entry.status = "voided"
    entry.void_reason = reason
    entry.voided_by = actor
    entry.voided_at = utcnow()
    entry.version += 1
    _audit(
        session,
        entry,
        actor=actor,
        action="void",
        purpose=f"作废{_title(session, entry.template_code)}：{reason}",
        detail=f"{entry.serial}：{reason}",
    )
    session.flush()
    return entry


def register_rows(
    session: Session,
    *,
    template_code: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    status: str | None = None,
    text: str | None = None,
    limit: int = 500,
    scope: Scope = WHOLE_STREET,
) -> list[RegisterRow]:
    """Register entries for a table, newest first. ``text`` matches the serial, the holder's name,
    or (when it is a valid ID number) the holder's ID number; issue dates are inclusive. A grid
    worker's ``scope`` keeps the certificates of residents of their grids."""
    stmt = (
        select(Certificate, CertificateTemplate.title, Resident.id_number)
        .outerjoin(CertificateTemplate, CertificateTemplate.code == Certificate.template_code)
        .outerjoin(Resident, Resident.id == Certificate.resident_id)
    )
    if not scope.whole_street:
        stmt = stmt.where(Certificate.resident_id.in_(select(Resident.id).where(scope.resident_filter())))
    if template_code:
        stmt = stmt.where(Certificate.template_code == template_code)
    if date_from:
        stmt = stmt.where(Certificate.issue_date >= date_from)
    if date_to:
        stmt = stmt.where(Certificate.issue_date <= date_to)
    if status:
        stmt = stmt.where(Certificate.status == status)
    text = (text or "").strip()
    if text:
        try:
            stmt = stmt.where(Resident.id_number == parse(text).number)
        except IdNumberError:
            like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            stmt = stmt.where(
                or_(
                    Certificate.serial.ilike(like, escape="\\"),
                    Certificate.holder_name.like(like, escape="\\"),
                )
            )
    stmt = stmt.order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(limit)
    names = dict(session.execute(select(User.username, User.display_name)).all())
    return [
        RegisterRow(
            serial=c.serial,
            title=title or c.template_code,
            holder_name=c.holder_name,
            holder_id_masked=mask(id_number) if id_number else "",
            issue_date=c.issue_date,
            issued_by=c.issued_by,
            status=c.status,
            reprints=c.reprints,
            channel=c.channel,
            template_code=c.template_code,
            issued_at=c.issued_at,
            void_reason=c.void_reason,
            issued_by_name=names.get(c.issued_by, c.issued_by),
        )
        for c, title, id_number in session.execute(stmt)
    ]
