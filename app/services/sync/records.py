"""Records as they travel (protocol v2): a row to a JSON-safe record for the push, and a page of
pulled records read for app.services.sync.apply.

A record travels as ``{"type", "uuid", "version", "origin_community", "data"}``; a pushed case's or
certificate's version is the server version its copy is based on (``sync_base``). One pulled is
read into a :class:`Pulled` first, so that what is wrong with its shape is said once, here.
``data`` holds the row's columns (timestamps as ISO-8601 text in UTC without an offset, as they are stored; dates as
YYYY-MM-DD) except local row ids: a case carries ``community_code`` instead of its community's
id, an event and a certificate carry ``case_uuid`` instead of their case's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from sqlalchemy import Date, DateTime, select
from sqlalchemy.orm import Session

from app.models import Case, CaseEvent, Certificate, Community
from app.services.sync import life_content
from app.services.sync.life_types import REGISTRY as LIFE

LOCAL_IDS = {"id", "community_id", "item_id", "resident_id", "grid_id", "case_id"}
# What the street decides on a case it holds (escalated) or has just answered.
STREET_FIELDS = ("status", "owner", "result", "completed_at", "due_date", "supervised", "supervision_note")
NAMES = {"case": "办件", "case_event": "办件记录", "certificate": "证明"}
MODELS: dict[str, Any] = {"case": Case, "case_event": CaseEvent, "certificate": Certificate}
CHUNK = 500


def describe(record_type: str) -> str:
    life = LIFE.get(record_type)
    return NAMES.get(record_type) or (life.label if life else record_type)


def parse_datetime(text: str | None) -> dt.datetime | None:
    """ISO-8601 text to a naive UTC datetime (an offset, if given, is honoured)."""
    if not text:
        return None
    moment = dt.datetime.fromisoformat(str(text))
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _from_json(model: Any, data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for col in model.__table__.columns:
        if col.key in LOCAL_IDS or col.key not in data:
            continue
        values[col.key] = _parse(col.type, data[col.key])
    return values


def _parse(column_type: Any, value: Any) -> Any:
    if value is None or value == "":
        return None if isinstance(column_type, DateTime | Date) else value
    if isinstance(column_type, DateTime):
        return parse_datetime(value)
    if isinstance(column_type, Date):
        return dt.date.fromisoformat(str(value)[:10])
    return value


# --- push ---------------------------------------------------------------------------------------
def serialise(
    session: Session, keys: Iterable[tuple[str, str]]
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The current state of each record, in the order asked; and the keys no longer found."""
    keys = list(keys)
    codes = dict(session.execute(select(Community.id, Community.code)).all())
    found: dict[tuple[str, str], dict[str, Any]] = {}
    by_type: dict[str, list[str]] = {}
    for record_type, record_uuid in keys:
        by_type.setdefault(record_type, []).append(record_uuid)
    for record_type, uuids in by_type.items():
        for start in range(0, len(uuids), CHUNK):
            chunk = uuids[start : start + CHUNK]
            for record in _load(session, record_type, chunk, codes):
                found[(record_type, record["uuid"])] = record
    records = [found[key] for key in keys if key in found]
    return records, [key for key in keys if key not in found]


def _load(
    session: Session, record_type: str, uuids: list[str], codes: dict[int, str]
) -> list[dict[str, Any]]:
    if record_type in LIFE:  # up only, built by its registered builder
        return life_content.load(session, record_type, uuids)
    cases = Case.__table__
    if record_type == "case":
        stmt = select(cases).where(cases.c.uuid.in_(uuids))
        return _records(
            session,
            stmt,
            "case",
            origin=lambda row: row["origin_community"],
            extra=lambda row: {"community_code": codes.get(row["community_id"], "")},
        )
    if record_type == "case_event":
        events = CaseEvent.__table__
        stmt = (
            select(events, cases.c.uuid.label("case_uuid"), cases.c.community_id.label("case_community_id"))
            .join(cases, events.c.case_id == cases.c.id)
            .where(events.c.uuid.in_(uuids))
        )
        # An event starts where it was written: in the community that holds the case here.
        return _records(
            session, stmt, "case_event", origin=lambda row: codes.get(row["case_community_id"], ""), version=1
        )
    if record_type == "certificate":
        certificates = Certificate.__table__
        stmt = (
            select(certificates, cases.c.uuid.label("case_uuid"))
            .outerjoin(cases, certificates.c.case_id == cases.c.id)
            .where(certificates.c.uuid.in_(uuids))
        )
        return _records(session, stmt, "certificate", origin=lambda row: row["origin_community"])
    return []


# The envelope carries the version (the server's, this copy is based on); the data is content only.
_NOT_SENT = LOCAL_IDS | {"case_community_id", "version", "sync_base"}


def _records(
    session: Session,
    stmt: Any,
    record_type: str,
    *,
    origin: Callable[[dict[str, Any]], str],
    version: int | None = None,
    extra: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Plain rows, not ORM objects, and the date columns found once per query rather than per
    value: a push re-reads every waiting record, and this loop is most of a repeated push's work
    at the desk."""
    result = session.execute(stmt)
    keys = list(result.keys())
    dropped = [key for key in keys if key in _NOT_SENT]
    dated = [
        c.key for c in stmt.selected_columns if isinstance(c.type, DateTime | Date) and c.key not in _NOT_SENT
    ]
    records = []
    for row in result:
        data = dict(zip(keys, row, strict=True))
        record = {
            "type": record_type,
            "uuid": data["uuid"],
            "version": version if version is not None else data["sync_base"],
            "origin_community": origin(data),
            "data": data,
        }
        if extra is not None:
            data.update(extra(data))
        for key in dropped:
            del data[key]
        for key in dated:
            if data[key] is not None:
                data[key] = data[key].isoformat()
        records.append(record)
    return records


# --- pull ---------------------------------------------------------------------------------------
class Pulled(NamedTuple):
    """A case or case event as it came down with the pull."""

    type: str  # "case", "case_event", or "certificate" (only from a push answer)
    uuid: str
    version: int  # 1 for an event: it has one content whatever the version says
    origin_community: str
    data: dict[str, Any]


def _incomplete(record_type: str, uuid: object, exc: Exception) -> str:
    return f"{describe(record_type)} {uuid} 内容不完整，未能保存（{type(exc).__name__}）"


def read_page(page: list[Any], *, certificates: bool = False) -> tuple[list[Pulled], list[str]]:
    """The page's records this desk keeps, and what could not be read, in words: nothing is
    dropped without a sentence in the report. Certificates are left out of a pull (the register
    flows up), but not out of a push answer, which brings back the server's copy of one."""
    records: list[Pulled] = []
    errors: list[str] = []
    for item in page:
        raw = item if isinstance(item, dict) else {}
        record_type = raw.get("type")
        if record_type == "certificate" and not certificates:
            continue
        if record_type not in ("case", "case_event", "certificate"):
            errors.append(f"无法识别的记录类型“{record_type}”，已跳过")
            continue
        try:
            uuid, data = raw["uuid"], raw["data"]
            if not isinstance(uuid, str) or not isinstance(data, dict):
                raise TypeError
            version = int(raw["version"]) if record_type != "case_event" else 1
            records.append(Pulled(record_type, uuid, version, str(raw.get("origin_community") or ""), data))
        except (KeyError, TypeError, ValueError) as exc:
            errors.append(_incomplete(record_type, raw.get("uuid"), exc))
    return records, errors
