"""Reading the audit log (审计日志) for an administrator: filters, a page at a time, and a count.

The log can hold millions of rows. Every filter is on an indexed column (actor, action,
resident_id, at), a page is ``PAGE_SIZE`` rows newest first, and the rows cross to the screen
and the command line as ``AuditRow`` records.

A search by a resident's ID number is itself a lookup of that resident and is logged (once,
when the first page is shown); the number typed is resolved to the resident's row and never
stored or logged in full.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, Resident
from app.models.base import as_local, local_midnight_utc
from app.services.common import audit
from app.services.common.audit_actions import action_name
from app.services.common.idcard import IdNumberError, mask, parse

PAGE_SIZE = 200


class AuditLogError(ValueError):
    """The filter cannot be used as typed; the sentence says what to correct."""


@dataclass(frozen=True)
class AuditQuery:
    """What the administrator asks for; empty fields do not filter."""

    actor: str = ""
    id_number: str = ""  # typed by the administrator: resolved to a resident, never stored
    action: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive

    def described(self) -> str:
        """The filters in words, the ID number masked: for the audit entry of an export."""
        parts = []
        if self.actor.strip():
            parts.append(f"操作人 {self.actor.strip()}")
        if self.id_number.strip():
            parts.append(f"居民 {_masked(self.id_number)}")
        if self.action.strip():
            parts.append(f"操作 {action_name(self.action.strip())}")
        if self.date_from or self.date_to:
            parts.append(f"日期 {self.date_from or '…'} 至 {self.date_to or '…'}")
        return "，".join(parts) or "全部"


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime  # local time
    actor: str
    action: str
    action_name: str
    resident_id: int | None
    subject: str  # masked ID number, a serial, a count …
    purpose: str
    detail: str

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "at": self.at.isoformat(timespec="seconds"),
            "actor": self.actor,
            "action": self.action,
            "action_name": self.action_name,
            "resident_id": self.resident_id,
            "subject": self.subject,
            "purpose": self.purpose,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int  # rows matching the filters
    page: int  # from 0
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class _Resolved:
    statement: Select
    resident: Resident | None


def audit_page(
    session: Session, query: AuditQuery, *, actor: str, page: int = 0, page_size: int = PAGE_SIZE
) -> AuditPage:
    """One page of the entries matching ``query``, newest first, and how many match in all.
    With an ID number, the first page is logged as a lookup of that resident by ``actor``."""
    resolved = _resolve(session, query)
    total = session.scalar(select(func.count()).select_from(resolved.statement.subquery())) or 0
    page = max(0, min(page, max(0, -(-total // page_size) - 1)))
    stmt = resolved.statement.order_by(AuditEntry.id.desc()).offset(page * page_size).limit(page_size)
    rows = [_row(entry) for entry in session.execute(stmt)]
    if resolved.resident is not None and page == 0:
        audit.record(
            session, actor=actor, action="lookup", resident=resolved.resident, purpose="查看审计日志"
        )
    return AuditPage(rows, total, page, page_size)


def audit_count(session: Session, query: AuditQuery) -> int:
    resolved = _resolve(session, query)
    return session.scalar(select(func.count()).select_from(resolved.statement.subquery())) or 0


def audit_rows(session: Session, query: AuditQuery, *, batch: int = 2000) -> Iterator[AuditRow]:
    """Every matching entry, newest first, read in batches by id (for an export): the same
    cost for the last batch as for the first, and plain rows, so memory stays flat."""
    resolved = _resolve(session, query)
    last: int | None = None
    while True:
        stmt = resolved.statement
        if last is not None:
            stmt = stmt.where(AuditEntry.id < last)
        entries = list(session.execute(stmt.order_by(AuditEntry.id.desc()).limit(batch)))
        if not entries:
            return
        for entry in entries:
            yield _row(entry)
        last = entries[-1].id


def resident_of(session: Session, query: AuditQuery) -> Resident | None:
    """The resident the query's ID number names, or None without one."""
    return _resolve(session, query).resident


def _resolve(session: Session, query: AuditQuery) -> _Resolved:
    stmt = select(*_COLUMNS)
    resident = None
    if query.actor.strip():
        stmt = stmt.where(AuditEntry.actor == query.actor.strip())
    if query.action.strip():
        stmt = stmt.where(AuditEntry.action == query.action.strip())
    if query.id_number.strip():
        try:
            number = parse(query.id_number.strip()).number
        except IdNumberError as exc:
            raise AuditLogError(f"身份证号无效：{exc}") from None
        resident = session.scalar(select(Resident).where(Resident.id_number == number))
        if resident is None:
            raise AuditLogError(f"人口库中没有身份证号为 {mask(number)} 的居民")
        stmt = stmt.where(AuditEntry.resident_id == resident.id)
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise AuditLogError("起始日期晚于截止日期，请重新选择")
    if query.date_from:
        stmt = stmt.where(AuditEntry.at >= local_midnight_utc(query.date_from))
    if query.date_to:
        stmt = stmt.where(AuditEntry.at < local_midnight_utc(query.date_to + dt.timedelta(days=1)))
    return _Resolved(stmt, resident)


_COLUMNS = (
    AuditEntry.id,
    AuditEntry.at,
    AuditEntry.actor,
    AuditEntry.action,
    AuditEntry.resident_id,
    AuditEntry.subject,
    AuditEntry.purpose,
    AuditEntry.detail,
)


def _row(entry) -> AuditRow:
    return AuditRow(
        id=entry.id,
        at=as_local(entry.at).replace(tzinfo=None),
        actor=entry.actor,
        action=entry.action,
        action_name=action_name(entry.action),
        resident_id=entry.resident_id,
        subject=entry.subject,
        purpose=entry.purpose,
        detail=entry.detail,
    )


def _masked(text: str) -> str:
    try:
        return mask(parse(text.strip()).number)
    except IdNumberError:
        return mask(text.strip())
