"""What the street server does with what a community sends: a pushed batch is judged record by
record (docs/SYNC.md: who may write what, versions, the status follows the owner) in one
transaction; ``known`` tells a community which of its records the server already holds.
Records arrive typed (app.street.incoming); what goes back is the documented answer, built here
in the shape it travels and is stored in (a re-sent batch gets it again).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, sessionmaker

from app.models.base import utcnow
from app.services.common.digest import content_hash
from app.street.answers import result as _result
from app.street.answers import unstorable as _unstorable
from app.street.incoming import AskedKey, Incoming
from app.street.life import LIFE_TYPES, LifeBatch, held_keys
from app.street.models import (
    STREET,
    PushBatch,
    StreetCase,
    StreetCaseEvent,
    StreetCertificate,
    add_holder,
)
from app.street.store import (
    ESCALATED,
    MAX_RECORDS,
    Conflict,
    allocate,
    case_record,
    certificate_record,
    retrying,
)

# --- push ----------------------------------------------------------------------------------------


NOT_OWNER = "not_owner"  # a refusal's kind: the case is handled by another community now


def _case_fields(data: dict) -> tuple[str, str, dt.date | None] | str:
    """case_no, status and due_date from a case's data, or the reason they are unusable."""
    case_no, status, due = data.get("case_no"), data.get("status"), data.get("due_date")
    if not isinstance(case_no, str) or not 0 < len(case_no) <= 40:
        return "data.case_no 须为 1-40 个字符的文本"
    if not isinstance(status, str) or not 0 < len(status) <= 30:
        return "data.status 须为 1-30 个字符的文本"
    if due in (None, ""):
        return case_no, status, None
    try:
        return case_no, status, dt.date.fromisoformat(str(due)[:10])
    except ValueError:
        return "data.due_date 须为 ISO 日期 (YYYY-MM-DD)"


def _may_write(case: StreetCase, community: str) -> bool:
    return community in (case.origin_community, case.owner_community) or (
        case.owner_community == STREET and community == case.escalated_from
    )


class _Push:
    def __init__(self, session: Session, community: str, records: list[Incoming]):
        self.session, self.community, self.records = session, community, records
        self.changed: dict[int, Any] = {}
        self.hashes = [content_hash(r.data) if r.type != "case_event" else "" for r in records]

        def preload(model, uuids):
            # Without ``data``: a re-sent record is judged on its content hash and owner, and
            # decoding thousands of JSON documents only to find them unchanged is most of the
            # cost of a repeated push. The few rows that need it load it when read.
            uuids = sorted(set(uuids))
            if not uuids:
                return {}
            query = select(model).options(defer(model.data)).where(model.uuid.in_(uuids))
            return {row.uuid: row for row in session.execute(query).scalars()}

        by_type = {t: [r.uuid for r in records if r.type == t] for t in ("case", "case_event", "certificate")}
        event_cases = [str(r.data.get("case_uuid")) for r in records if r.type == "case_event"]
        self.cases = preload(StreetCase, by_type["case"] + event_cases)
        event_uuids = sorted(set(by_type["case_event"]))
        # Events are keyed per writer: only this community's own uuids count as already held.
        self.events: set[str] = (
            set(
                session.scalars(
                    select(StreetCaseEvent.uuid).where(
                        StreetCaseEvent.uuid.in_(event_uuids), StreetCaseEvent.origin_community == community
                    )
                )
            )
            if event_uuids
            else set()
        )
        self.certificates = preload(StreetCertificate, by_type["certificate"])
        self.life = LifeBatch(session, community, records)  # up-only records (app.street.life)
        self._lock_cases_to_write()

    def _lock_cases_to_write(self) -> None:
        """Lock, and read again, the stored cases this batch may change or add an event to, so a
        concurrent push or street answer waits for this one. A case the server already holds with
        this content is answered from the first read, without a lock: a repeated push writes
        nothing."""
        wanted = {
            r.uuid
            for r, digest in zip(self.records, self.hashes, strict=True)
            if r.type == "case" and getattr(self.cases.get(r.uuid), "data_hash", None) != digest
        }
        wanted |= {
            str(r.data.get("case_uuid"))
            for r in self.records
            if r.type == "case_event" and r.uuid not in self.events
        }
        stored = sorted(uuid for uuid in wanted if uuid in self.cases)
        if stored:
            self.session.execute(
                select(StreetCase)
                .options(defer(StreetCase.data))
                .where(StreetCase.uuid.in_(stored))
                .with_for_update()
                .execution_options(populate_existing=True)
            )

    def run(self) -> tuple[list[dict], int]:
        """The results, and the first and last change numbers this batch took (0, 0: none)."""
        handlers = {"case": self.case, "case_event": self.case_event, "certificate": self.certificate}
        handlers.update(dict.fromkeys(LIFE_TYPES, self.life.put))
        taken = (0, 0)
        with self.session.no_autoflush:
            results = [
                handlers[rec.type](rec, digest) for rec, digest in zip(self.records, self.hashes, strict=True)
            ]
            if self.changed:
                first = allocate(self.session, len(self.changed))
                for offset, row in enumerate(self.changed.values()):
                    row.seq = first + offset
                taken = (first, first + len(self.changed) - 1)
        return results, taken

    def _touch(self, row) -> None:
        self.changed[id(row)] = row

    def _stale(self, rec: Incoming, row, record: dict, why: str) -> dict:
        """The server's copy goes back with the answer: the desk rebases its change onto it."""
        return dict(_result(rec, "stale", row.version, why), record=record)

    @staticmethod
    def _not_owner(rec: Incoming, version: int | None, record: dict, why: str) -> dict:
        """Refused for good: the case is another's now. Its copy goes back with the answer, so the
        desk can take it and tell staff what was not taken, instead of sending the step again."""
        return dict(_result(rec, "rejected", version, why), refusal=NOT_OWNER, record=record)

    def case(self, rec: Incoming, digest: str) -> dict:
        data, base, community = rec.data, rec.version, self.community
        row = self.cases.get(rec.uuid)
        if row is None:
            if rec.origin_community != community:
                return _result(rec, "rejected", None, f"只能上传本社区（{community}）的记录")
            fields = _case_fields(data)
            if isinstance(fields, str):
                return _result(rec, "rejected", None, fields)
            if refused := _unstorable(rec, None):
                return refused
            case_no, status, due = fields
            escalated = status == ESCALATED
            row = StreetCase(
                uuid=rec.uuid,
                case_no=case_no,
                origin_community=community,
                status=status,
                version=1,
                data_hash=digest,
                owner_community=STREET if escalated else community,
                escalated_from=community if escalated else "",
                last_writer=community,
                due_date=due,
                data=data,
                seq=0,
                updated_at=utcnow(),
            )
            add_holder(row, community)
            self.session.add(row)
            self.cases[row.uuid] = row
            self._touch(row)
            return _result(rec, "applied", 1)
        if not _may_write(row, community):
            why = f"该办件由 {row.owner_community} 办理，本社区无权修改"
            return self._not_owner(rec, row.version, case_record(row), why)
        if rec.origin_community != row.origin_community:
            return _result(rec, "rejected", row.version, "origin_community 与服务器上的记录不符")
        if row.data_hash == digest:
            return _result(rec, "unchanged", row.version)
        if base != row.version:
            why = f"服务器上已是版本 {row.version}，本社区的改动基于版本 {base}，已附服务器的副本"
            return self._stale(rec, row, case_record(row), why)
        fields = _case_fields(data)
        if isinstance(fields, str):
            return _result(rec, "rejected", row.version, fields)
        if refused := _unstorable(rec, row.version):
            return refused
        case_no, status, due = fields
        row.case_no, row.due_date, row.updated_at = case_no, due, utcnow()
        row.version, row.last_writer = row.version + 1, community
        self._touch(row)
        if status == row.status or row.owner_community == community:
            if status != row.status and status == ESCALATED:
                row.owner_community, row.escalated_from = STREET, community
                add_holder(row, community)
            row.status, row.data, row.data_hash = status, data, digest
            return _result(rec, "applied", row.version)
        # The status belongs to someone else now: the other fields are taken, the status is kept,
        # and the merged copy goes back with the answer, where the desk takes it.
        why = (
            "办件已上报街道，状态由街道决定"
            if row.owner_community == STREET
            else f"办件现由 {row.owner_community} 办理"
        )
        row.data = dict(data, status=row.status)
        row.data_hash = content_hash(row.data)
        reason = f"其他字段已采用，状态“{status}”未采用（{why}）"
        return self._stale(rec, row, case_record(row), reason)

    def case_event(self, rec: Incoming, _digest: str) -> dict:
        if rec.origin_community != self.community:
            return _result(rec, "rejected", None, f"只能上传本社区（{self.community}）的记录")
        if rec.uuid in self.events:
            return _result(rec, "unchanged", rec.version)
        case_uuid = rec.data.get("case_uuid")
        if not isinstance(case_uuid, str) or not 0 < len(case_uuid) <= 36:
            return _result(rec, "rejected", None, "data.case_uuid 须为办件的 uuid")
        case = self.cases.get(case_uuid)
        if case is not None and not _may_write(case, self.community):
            why = f"该办件由 {case.owner_community} 办理，本社区无权添加记录"
            return self._not_owner(rec, None, case_record(case), why)
        if refused := _unstorable(rec, None):
            return refused
        row = StreetCaseEvent(
            uuid=rec.uuid,
            case_uuid=case_uuid,
            # A case not here yet can only be this community's own: the event links to no other.
            case_origin=case.origin_community if case is not None else self.community,
            origin_community=self.community,
            # A desk from before its migration 0008 may still send a walk-in's plain ID hash.
            data={k: v for k, v in rec.data.items() if k != "id_hash"},
            seq=0,
            received_at=utcnow(),
        )
        self.session.add(row)
        self.events.add(row.uuid)
        self._touch(row)
        return _result(rec, "applied", rec.version)

    def certificate(self, rec: Incoming, digest: str) -> dict:
        if rec.origin_community != self.community:
            return _result(rec, "rejected", None, f"只能上传本社区（{self.community}）的记录")
        row = self.certificates.get(rec.uuid)
        if row is None:
            if refused := _unstorable(rec, None):
                return refused
            row = StreetCertificate(
                uuid=rec.uuid,
                version=1,
                data_hash=digest,
                origin_community=self.community,
                data=rec.data,
                seq=0,
                updated_at=utcnow(),
            )
            self.session.add(row)
            self.certificates[row.uuid] = row
        elif row.origin_community != self.community:
            return _result(rec, "rejected", row.version, "该证明属于其他社区")
        elif row.data_hash == digest:
            return _result(rec, "unchanged", row.version)
        elif rec.version != row.version:
            why = f"服务器上已是版本 {row.version}，本社区的改动基于版本 {rec.version}，已附服务器的副本"
            return self._stale(rec, row, certificate_record(row), why)
        elif refused := _unstorable(rec, row.version):
            return refused
        else:
            row.version, row.data, row.data_hash, row.updated_at = row.version + 1, rec.data, digest, utcnow()
        self._touch(row)
        return _result(rec, "applied", row.version)


def push(
    sessions: sessionmaker[Session], community: str, batch_id: str, records: list[Incoming]
) -> tuple[list[dict], tuple[int, int]]:
    """Apply one batch; a batch already answered gets its stored answer again, change numbers
    included, changing nothing. One arriving again while the first is still at work waits at
    the first's rows, fails on its uuids when that commits, and is answered from it (retrying)."""

    def work(session: Session) -> tuple[list[dict], tuple[int, int]]:
        done = session.get(PushBatch, batch_id)
        if done is not None:
            if done.community != community:
                raise Conflict("batch_id 已被其他社区使用")
            return done.results, (done.first_change or 0, done.last_change or 0)
        results, taken = _Push(session, community, records).run()
        first, last = taken
        session.add(
            PushBatch(
                batch_id=batch_id,
                community=community,
                received_at=utcnow(),
                results=results,
                first_change=first,
                last_change=last,
            )
        )
        return results, taken

    return retrying(sessions, work)


def known(sessions: sessionmaker[Session], community: str, keys: list[AskedKey]) -> list[dict]:
    """Which of ``keys`` the server already holds with that content (their ``hash``), as records
    ``community`` may write: a push would answer "unchanged" for exactly these, so a client that
    lost the answers to its pushes sends only the others again. Reads only; another community's
    records are never reported, so the answer tells nothing about them."""
    wanted: dict[str, dict[str, list[AskedKey]]] = {
        t: {} for t in ("case", "case_event", "certificate", *LIFE_TYPES)
    }
    for key in keys:
        wanted[key.type].setdefault(key.uuid, []).append(key)
    held: list[dict] = []
    with sessions() as session:
        for record_type, asked in wanted.items():
            uuids = sorted(asked)
            for start in range(0, len(uuids), MAX_RECORDS):
                chunk = uuids[start : start + MAX_RECORDS]
                for key, version in _held_keys(session, record_type, community, chunk, asked):
                    held.append(
                        {
                            "type": record_type,
                            "uuid": key.uuid,
                            "version": key.version,
                            "server_version": version,
                        }
                    )
    return held


def _held_keys(session: Session, record_type: str, community: str, uuids: list[str], asked):
    if record_type == "case_event":  # an event has one content whatever the version says
        t = StreetCaseEvent
        for uuid in session.scalars(select(t.uuid).where(t.uuid.in_(uuids), t.origin_community == community)):
            yield from ((key, 1) for key in asked[uuid])
        return
    if record_type in LIFE_TYPES:
        mine = (row for row in held_keys(session, record_type, community, uuids))
        yield from (
            (key, v) for uuid, v, digest in mine for key in asked[uuid] if key.hash and key.hash == digest
        )
        return
    if record_type == "case":
        t = StreetCase
        columns = (t.uuid, t.version, t.data_hash, t.origin_community, t.owner_community, t.escalated_from)
        rows = session.execute(select(*columns).where(t.uuid.in_(uuids)))
        mine = (row for row in rows if _may_write(row, community))
    else:
        t = StreetCertificate
        mine = session.execute(
            select(t.uuid, t.version, t.data_hash).where(t.uuid.in_(uuids), t.origin_community == community)
        )
    for row in mine:
        yield from ((key, row.version) for key in asked[row.uuid] if key.hash and key.hash == row.data_hash)
