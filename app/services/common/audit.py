"""Writing the audit log: who, when, whose record, why.

Callers add the entry to the same session (and so the same transaction) as the work it records:
a lookup that is shown is always logged, and an import that rolls back leaves no entry behind.
"""

from __future__ import annotations

import getpass

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, Resident
from app.models.base import utcnow
from app.services.common import driver_sql
from app.services.common.idcard import IdNumberError, mask, parse, redact


def cli_actor(username: str | None) -> str:
    """The actor for a command-line call: the named user, else the operating-system account."""
    if username:
        return username
    try:
        return f"cli:{getpass.getuser()}"
    except OSError:
        return "cli:unknown"


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    resident: Resident | None = None,
    subject: str = "",
    purpose: str = "",
    detail: str = "",
) -> AuditEntry:
    """Add one audit entry to ``session``; the caller commits."""
    entry = AuditEntry(
        actor=actor,
        action=action,
        resident_id=resident.id if resident is not None else None,
        subject=mask(resident.id_number) if resident is not None else subject,
        purpose=purpose,
        detail=detail,
    )
    session.add(entry)
    return entry


def record_row(
    runner: driver_sql.Runner,
    *,
    actor: str,
    action: str,
    resident_id: int | None,
    subject: str,
    purpose: str = "",
    detail: str = "",
) -> None:
    """:func:`record` as one INSERT on the driver's cursor, in the transaction of ``runner`` (a
    session, or the swipe's own driver connection), for the desk's lookup, which holds the
    resident as a row rather than an object. ``subject`` is the masked ID number."""
    driver_sql.run(
        runner,
        _INSERT,
        {
            "at": utcnow(),
            "actor": actor,
            "action": action,
            "resident_id": resident_id,
            "subject": subject,
            "purpose": purpose,
            "detail": detail,
        },
    )


_INSERT = insert(AuditEntry.__table__).values(
    {
        name: bindparam(name)
        for name in ("at", "actor", "action", "resident_id", "subject", "purpose", "detail")
    }
)


def record_list(
    session: Session, *, actor: str, action: str, shown: int, what: str, search: str = ""
) -> AuditEntry:
    """One entry for a list of people, or of their cases, certificates or appointments, that is
    shown or copied: a list names many residents at once, so it is accounted for like a lookup
    of each. The entry keeps how many rows there were and the search that chose them; an ID
    number typed as the search is masked, so the log never holds a full one."""
    return record(
        session,
        actor=actor,
        action=action,
        subject=f"{shown}条",
        purpose=what[:200],
        detail=f"搜索“{_masked_search(search)}”" if search.strip() else "",
    )


def _masked_search(text: str) -> str:
    text = text.strip()
    try:
        return mask(parse(text).number)
    except IdNumberError:
        return redact(text)


def entries_for(session: Session, resident: Resident) -> list[AuditEntry]:
    """Everything recorded about one resident, newest first (for the resident's own enquiry)."""
    stmt = select(AuditEntry).where(AuditEntry.resident_id == resident.id).order_by(AuditEntry.at.desc())
    return list(session.scalars(stmt))
