"""The resident history (一人一表 kept current): one entry per change, written in the same
transaction as the change and paired with an audit entry.

``before`` and ``after`` hold only the fields that changed, as JSON; an ID number among them is
kept masked, so the history never becomes a second copy of the register's numbers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import HISTORY_KINDS, Resident, ResidentHistory
from app.models.base import as_local
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.common.idcard import mask

# The audit action of each kind: a new resident keeps the action the desk's registration used.
AUDIT_ACTIONS = {"created": "register"}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _masked(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: mask(value) if key == "id_number" and isinstance(value, str) and value else _plain(value)
        for key, value in fields.items()
    }


def write(
    session: Session,
    resident: Resident,
    *,
    actor: str,
    kind: str,
    summary: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> ResidentHistory:
    """One history entry and one audit entry for a change of ``resident``; the caller commits."""
    if kind not in HISTORY_KINDS:
        raise ValueError(f"unknown history kind {kind!r}")
    session.flush()  # the resident has its id
    entry = ResidentHistory(
        resident_id=resident.id,
        actor=actor,
        kind=kind,
        summary=summary[:300],
        before=json.dumps(_masked(before or {}), ensure_ascii=False, sort_keys=True),
        after=json.dumps(_masked(after or {}), ensure_ascii=False, sort_keys=True),
    )
    session.add(entry)
    audit.record(
        session,
        actor=actor,
        action=AUDIT_ACTIONS.get(kind, f"resident_{kind}"),
        resident=resident,
        purpose=HISTORY_KINDS[kind],
        detail=summary[:300],
    )
    return entry


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One entry as the desk and the command line show it (local time)."""

    at: dt.datetime
    actor: str
    kind: str
    kind_name: str
    summary: str
    before: dict[str, Any]
    after: dict[str, Any]


def history_rows(session: Session, resident_id: int) -> list[HistoryRow]:
    """Every entry about one resident, newest first. Does not audit: the caller's lookup did."""
    stmt = (
        select(ResidentHistory)
        .where(ResidentHistory.resident_id == resident_id)
        .order_by(ResidentHistory.at.desc(), ResidentHistory.id.desc())
    )
    return [
        HistoryRow(
            as_local(e.at).replace(tzinfo=None),
            e.actor,
            e.kind,
            HISTORY_KINDS.get(e.kind, e.kind),
            e.summary,
            json.loads(e.before or "{}"),
            json.loads(e.after or "{}"),
        )
        for e in session.scalars(stmt)
    ]


@dataclass(frozen=True, slots=True)
class ResidentHistoryView:
    """A resident's history as the command line shows it."""

    name: str
    masked_id: str
    state: str
    rows: list[HistoryRow]


def history_of(session: Session, id_text: str, *, actor: str, scope: Scope) -> ResidentHistoryView:
    """One resident's history, newest first, if the scope allows them; audited as a lookup of
    their record. The caller commits."""
    from app.services.population.changes import find_in_scope

    resident = find_in_scope(session, id_text, scope)
    rows = history_rows(session, resident.id)
    audit.record(session, actor=actor, action="history", resident=resident, purpose="查看居民变更记录")
    return ResidentHistoryView(resident.name, mask(resident.id_number), resident.state, rows)
