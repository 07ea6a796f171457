"""Steps the street will never take: a change to a case, or a record added to it, by a desk whose
community no longer handles the case (the street handed it on after this desk's last pull).

The street's answer says so (``refusal: not_owner``) and brings the case as it has it. Sending
the step again would be refused forever and leave the two ends different; so the desk takes the
street's copy whole, removes its record of the step, and keeps what it was in a conflict staff
read in the status line (app.services.sync.settings): who holds the case now, and what this desk
did that did not count, so they can tell the new owner by other means.

The caller's session applies with ``session.info[APPLYING]`` set: nothing here is sent back up.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models import Case, CaseEvent
from app.models.base import as_local
from app.services.cases.workflow import action_label, status_name
from app.services.sync import pending
from app.services.sync.apply import overlay, server_content
from app.services.sync.records import Pulled
from app.services.sync.settings import note_conflict

NOT_OWNER = "not_owner"  # the refusal's kind in a push answer (docs/SYNC.md)


def case_not_taken(session: Session, copy: Pulled, reason: str) -> str:
    """The desk's change to this case is dropped for the street's copy; returns the conflict."""
    case = session.scalar(select(Case).where(Case.uuid == copy.uuid))
    if case is None:
        return ""
    owner = copy.data.get("owner_community") or "其他社区"
    mine = status_name(case.status)
    _take_whole(session, case, copy)
    theirs = status_name(case.status)
    what = f"状态“{mine}”" if mine != theirs else "改动"
    message = f"办件 {case.case_no} 现由 {owner} 办理，本机的{what}未被采用，以其“{theirs}”为准"
    pending.settle(session, "case", case.uuid, reason)
    note_conflict(session, "case", case.uuid, case.case_no, message)
    return message


def event_not_taken(session: Session, event_uuid: str, copy: Pulled | None, reason: str) -> str:
    """The desk's record on a case another community handles is removed (kept in the conflict's
    words); the case itself is taken as the street has it. Returns the conflict."""
    event = session.scalar(select(CaseEvent).where(CaseEvent.uuid == event_uuid))
    pending.settle(session, "case_event", event_uuid, reason)
    if event is None:
        return ""
    case = event.case
    owner = (copy.data.get("owner_community") if copy else None) or "其他社区"
    when = as_local(event.at).strftime("%m-%d %H:%M") if event.at else ""
    what = action_label(event.action) + (f"：{event.note}" if event.note else "")
    message = f"办件 {case.case_no} 现由 {owner} 办理，本机 {when} 的记录“{what[:80]}”未被采用"
    session.execute(delete(CaseEvent).where(CaseEvent.id == event.id))
    session.expire(case, ["events"])
    if copy is not None and copy.uuid == case.uuid:
        _take_whole(session, case, copy)
        pending.settle(session, "case", case.uuid, reason)
    note_conflict(session, "case_event", event_uuid, case.case_no, message)
    return message


def _take_whole(session: Session, case: Case, copy: Pulled) -> None:
    """The street's copy over the desk's, the desk's unsent columns included (unlike a rebase)."""
    if copy.version < (case.sync_base or 0):
        return  # a newer copy is here already; the desk's change is dropped all the same
    overlay(session, case, copy, server_content(copy))


def copy_of(result: dict[str, Any]) -> Pulled | None:
    """The case the answer brought back with a not_owner refusal, as a pulled copy."""
    record = result.get("record")
    if not isinstance(record, dict) or record.get("type") != "case":
        return None
    try:
        uuid, data, version = record["uuid"], record["data"], int(record["version"])
    except (KeyError, TypeError, ValueError):
        return None
    if not isinstance(uuid, str) or not isinstance(data, dict):
        return None
    return Pulled("case", uuid, version, str(record.get("origin_community") or ""), data)
