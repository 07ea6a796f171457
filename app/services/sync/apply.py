"""Server copies taken at the desk: pulled pages, and the copies a push answer brings back with
"stale" (protocol v2, docs/SYNC.md).

A copy newer than the one a local record is based on (``sync_base``) replaces it; a change still
waiting to be sent is rebased onto it: the columns that change set are put back over the server's
copy, except a status the server's rule gives to another community, which is recorded as a
conflict for staff. Only when something of the desk's remains does the change travel again.

An event whose case is not here yet is held (``sync_held``) until the case comes down: a pull
never drops what it cannot place, and its cursor passes only what was stored.

The caller's session applies with ``session.info[APPLYING]`` set: nothing here is sent back up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import (
    Case,
    CaseEvent,
    CaseSequence,
    Certificate,
    CertificateSequence,
    Grid,
    GridStaff,
    HeldRecord,
    OutboxEntry,
    Resident,
    ServiceItem,
)
from app.models.staff import GRID_LEADER
from app.services.admin.centre import current_community
from app.services.cases.workflow import status_name
from app.services.sync import pending, renumber
from app.services.sync.records import LOCAL_IDS, MODELS, Pulled, _from_json, _incomplete, describe
from app.services.sync.settings import note_conflict

# Not content: identity and bookkeeping, never re-applied by a rebase.
_NOT_CONTENT = LOCAL_IDS | {"uuid", "version", "sync_base", "origin_community", "created_at", "updated_at"}


def apply_page(session: Session, records: list[Pulled], here: str) -> tuple[list[str], list[str]]:
    """Apply one pulled page (the caller's transaction): cases before their events. Returns what
    could not be applied, and the conflicts met (kept for staff in sync_conflicts), in words."""
    errors: list[str] = []
    conflicts: list[str] = []
    for record in sorted(records, key=lambda r: r.type == "case_event"):
        try:
            with session.begin_nested():  # one bad record does not cost the page
                if record.type == "case_event":
                    _apply_event(session, record)
                else:
                    message = take(session, record, here)
                    if message:
                        conflicts.append(message)
        except (KeyError, TypeError, ValueError, IntegrityError) as exc:
            errors.append(_incomplete(record.type, record.uuid, exc))
    return errors, conflicts


def take(session: Session, record: Pulled, here: str) -> str:
    """Take the server's copy of a case or certificate; returns the conflict met, in words."""
    model = MODELS[record.type]
    local = session.scalar(select(model).where(model.uuid == record.uuid))
    if local is None:
        if record.type == "case":
            conflict = _new_case(session, record)
            place_held(session, record.uuid)
            return conflict
        if record.type == "certificate" and record.origin_community == here:
            return _own_certificate(session, record)
        return ""
    if record.version <= (local.sync_base or 0):
        return ""  # this copy is based on that one or a newer one already
    server = server_content(record)
    columns = _waiting_columns(session, record.type, record.uuid, model)
    kept = {k: getattr(local, k) for k in columns}
    conflict = ""
    owner = record.data.get("owner_community")
    if "status" in kept and kept["status"] != server.get("status") and owner and owner != here:
        conflict = (
            f"{describe(record.type)} {getattr(local, 'case_no', record.uuid)} 的状态“{status_name(kept.pop('status'))}”"
            f"未被采用：现由 {owner} 办理，以其状态“{status_name(server.get('status') or '')}”为准"
        )
        note_conflict(
            session, record.type, record.uuid, str(getattr(local, "case_no", record.uuid)), conflict
        )
    overlay(session, local, record, {**server, **kept})
    if all(server.get(k) == v for k, v in kept.items()):  # nothing of the desk's remains to send
        pending.settle(session, record.type, record.uuid, conflict)
    return conflict


def server_content(record: Pulled) -> dict[str, Any]:
    """A pulled copy's columns that are content (what a rebase may put back over)."""
    return {k: v for k, v in _from_json(MODELS[record.type], record.data).items() if k not in _NOT_CONTENT}


def overlay(session: Session, local: Any, record: Pulled, content: dict[str, Any]) -> None:
    """Write ``content`` over the local record and base it on the copy's version; a case's events
    that waited for it are placed."""
    for key, value in content.items():
        setattr(local, key, value)
    if "updated_at" in record.data:
        model = MODELS[record.type]
        local.updated_at = _from_json(model, {"updated_at": record.data["updated_at"]})["updated_at"]
    local.version = local.sync_base = record.version
    if record.type == "case":
        place_held(session, record.uuid)


def confirm(session: Session, record_type: str, uuid: str, server_version: int) -> None:
    """The server holds this record's content at ``server_version``: the copy is based on it now."""
    model = MODELS.get(record_type)
    if model is None or record_type == "case_event":
        return
    session.execute(
        update(model)
        .where(model.uuid == uuid)
        .values(version=server_version, sync_base=server_version, updated_at=model.updated_at)
        .execution_options(synchronize_session=False)
    )


def _waiting_columns(session: Session, record_type: str, uuid: str, model: Any) -> list[str]:
    """The content columns the desk's unsent changes of this record set."""
    noted: set[str] = set()
    for fields in session.scalars(
        select(OutboxEntry.fields).where(
            OutboxEntry.record_type == record_type,
            OutboxEntry.record_uuid == uuid,
            OutboxEntry.sent_at.is_(None),
        )
    ):
        noted.update(fields or ["*"])
    everything = [c.key for c in model.__table__.columns if c.key not in _NOT_CONTENT]
    return everything if "*" in noted else [c for c in everything if c in noted]


def _new_case(session: Session, record: Pulled) -> str:
    """A case that is not here: transferred to this community (一体通办), created here, linked to
    the resident when the applicant's ID number is known here. Returns the conflict met: this
    desk's own unsent case holding the number (app.services.sync.renumber)."""
    data = record.data
    community = current_community(session)
    values = _from_json(Case, data)
    for key in ("version", "sync_base", "id"):
        values.pop(key, None)
    values.update(
        uuid=record.uuid,
        version=record.version,
        sync_base=record.version,
        origin_community=record.origin_community or data.get("origin_community") or community.code,
        community_id=community.id,
    )
    if not values.get("case_no") or not values.get("status"):
        raise ValueError("缺少办件编号或状态")
    conflict = ""
    if session.scalar(select(Case.id).where(Case.case_no == values["case_no"])) is not None:
        mine = (
            renumber.own_unsent_case(session, values["case_no"], community.code)
            if values["origin_community"] == community.code
            else None
        )
        if mine is not None:  # the street's number stands; this desk's own unsent case moves
            _number_taken(session, values["case_no"])
            conflict = renumber.renumber_case(session, mine)
        else:
            values["case_no"] = f"{values['case_no']}-转"[:40]
    if values.get("item_code"):
        values["item_id"] = session.scalar(
            select(ServiceItem.id).where(ServiceItem.code == values["item_code"])
        )
    number = values.get("applicant_id_number")
    if number:
        resident = session.scalar(select(Resident).where(Resident.id_number == number).limit(1))
        if resident is not None:
            values["resident_id"] = resident.id
            household = resident.household
            values["grid_id"] = household.building.grid_id if household is not None else None
    if values.get("grid_id") is None and data.get("grid_code"):
        _route_to_grid(session, values, str(data["grid_code"]), community.id)
    for key in ("materials_received", "materials_missing"):
        if values.get(key) is None:
            values[key] = []
    session.add(Case(**values, events=[]))
    session.flush()
    _number_taken(session, values["case_no"])
    return conflict


def _route_to_grid(session: Session, values: dict[str, Any], grid_code: str, community_id: int) -> None:
    """A request the street filed for a grid (Open311, docs/OPEN311.md) goes to that grid of this
    community, held by its grid leader, as a kiosk request is; an unknown grid leaves it with the
    community's staff."""
    grid_id = session.scalar(select(Grid.id).where(Grid.code == grid_code, Grid.community_id == community_id))
    if grid_id is None:
        return
    values["grid_id"] = grid_id
    if not values.get("owner"):
        leader = session.scalar(
            select(GridStaff.name)
            .where(GridStaff.grid_id == grid_id, GridStaff.role == GRID_LEADER)
            .order_by(GridStaff.sort_order, GridStaff.id)
            .limit(1)
        )
        values["owner"] = (leader or "").strip()


def _own_certificate(session: Session, record: Pulled) -> str:
    """A register entry this desk made and no longer holds (restored from an older copy): it comes
    back with the pull, and the serial counter moves past it so the serial is not issued again.
    Returns the conflict met: this desk's own unsent entry holding the serial."""
    values = _from_json(Certificate, record.data)
    for key in ("version", "sync_base", "id"):
        values.pop(key, None)
    case_uuid = record.data.get("case_uuid")
    if isinstance(case_uuid, str):
        values["case_id"] = session.scalar(select(Case.id).where(Case.uuid == case_uuid))
    values.update(
        uuid=record.uuid,
        version=record.version,
        sync_base=record.version,
        origin_community=record.origin_community,
    )
    serial = str(values.get("serial") or "")
    _serial_taken(session, serial)
    conflict = ""
    mine = renumber.own_unsent_certificate(session, serial, record.origin_community)
    if mine is not None:  # the street's serial stands; this desk's own unsent entry moves
        conflict = renumber.renumber_certificate(session, mine)
    session.add(Certificate(**values))
    session.flush()
    return conflict


def _serial_taken(session: Session, serial: str) -> None:
    """The serial counter moves past a serial that came down."""
    found = renumber.SERIAL.match(serial)
    if found is None:
        return
    prefix, year, number = found["prefix"], int(found["year"]), int(found["n"])
    moved = session.execute(
        update(CertificateSequence)
        .where(
            CertificateSequence.prefix == prefix,
            CertificateSequence.year == year,
            CertificateSequence.last < number,
        )
        .values(last=number)
    )
    here = select(CertificateSequence.id).where(
        CertificateSequence.prefix == prefix, CertificateSequence.year == year
    )
    if moved.rowcount == 0 and session.scalar(here) is None:
        session.add(CertificateSequence(prefix=prefix, year=year, last=number))
        session.flush()


def _number_taken(session: Session, case_no: str) -> None:
    """A case number that came down is never handed out here again: a desk restored from an older
    copy gets its later cases back with the pull, and its counter moves past their numbers."""
    found = renumber.CASE_NO.match(case_no)
    if found is None:
        return
    try:
        day = dt.datetime.strptime(found["day"], "%Y%m%d").date()
    except ValueError:
        return
    series = {"community_code": found["short"][:15], "day": day}
    number = int(found["n"])
    moved = session.execute(
        update(CaseSequence)
        .where(*(getattr(CaseSequence, k) == v for k, v in series.items()), CaseSequence.last < number)
        .values(last=number)
    )
    if moved.rowcount == 0 and session.get(CaseSequence, (series["community_code"], day)) is None:
        session.add(CaseSequence(**series, last=number))
        session.flush()


def _apply_event(session: Session, record: Pulled) -> None:
    """Events are append-only and merged by uuid: a known uuid changes nothing. One whose case is
    not here yet waits for it."""
    if session.scalar(select(CaseEvent.id).where(CaseEvent.uuid == record.uuid)) is not None:
        return
    data = record.data
    case_uuid = data["case_uuid"]
    if not isinstance(case_uuid, str):
        raise TypeError
    case = session.scalar(select(Case).where(Case.uuid == case_uuid))
    if case is None:
        held = select(HeldRecord.id).where(
            HeldRecord.record_uuid == record.uuid, HeldRecord.parent_uuid == case_uuid
        )
        if session.scalar(held) is None:
            session.add(
                HeldRecord(
                    record_type=record.type,
                    record_uuid=record.uuid,
                    parent_uuid=case_uuid,
                    record=record._asdict(),
                )
            )
        return
    values = _from_json(CaseEvent, data)
    values.update(uuid=record.uuid, case_id=case.id)
    values.setdefault("actor", "街道")
    values.setdefault("action", "street_note")
    values.setdefault("from_status", "")
    values.setdefault("to_status", "")
    values.setdefault("note", "")
    values["data"] = values.get("data") or {}
    if values.get("at") is None:
        values.pop("at", None)
    session.add(CaseEvent(**values))
    session.flush()


def place_held(session: Session, case_uuid: str) -> None:
    """The events that waited for this case, placed now that it is here."""
    held = list(
        session.scalars(select(HeldRecord).where(HeldRecord.parent_uuid == case_uuid).order_by(HeldRecord.id))
    )
    for row in held:
        _apply_event(session, Pulled(**row.record))
    if held:
        session.execute(delete(HeldRecord).where(HeldRecord.id.in_([row.id for row in held])))
