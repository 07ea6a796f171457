"""The push: the outbox sent to the street server in batches, and its answers written back.

A batch travels as the records are when it is read (app.services.sync.records), so several
changes of one record since the last round are sent once.
"""

from __future__ import annotations

import threading
import uuid as uuid_module
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, NamedTuple

import httpx
from pydantic_core import to_json

from app.models.base import utcnow
from app.models.outbox import APPLYING
from app.services.admin.centre import current_community
from app.services.common.digest import content_hash
from app.services.sync import apply as sync_apply
from app.services.sync import not_taken, pending
from app.services.sync import records as sync_records
from app.services.sync.pending import RecordKey, Waiting
from app.services.sync.records import Pulled
from app.services.sync.transport import SyncReport, Transport
from app.services.sync.unknown_types import held_back_note, refused_types

BATCH_SIZE = 500
KNOWN_LIMIT = 5000  # records asked about in one request (the server's limit)
PASSES = 3  # a record rebased twice in one round waits for the next round


IN_FLIGHT = 2  # batches on their way at once: the server's processes work on one while another travels


class Batch(NamedTuple):
    """A batch as read for sending."""

    rows: list[Waiting]
    records: list[dict[str, Any]]  # as they travel (protocol v2)
    top: dict[RecordKey, int]  # the newest outbox id read for each record (see pending.mark)
    batch_id: str  # the id it travels under, every time it is sent (docs/SYNC.md, Push)


class InFlight(NamedTuple):
    """A batch on its way, and the reply to come."""

    reply: Future[httpx.Response]
    batch: Batch


class Pushing(Transport):
    batch_size: int = BATCH_SIZE
    in_flight: int = IN_FLIGHT
    round_first: int | None = None  # the first change number this round's pushes took
    held_types: frozenset[str] = frozenset()  # up-only types the server refused to know this round

    def _push(self, report: SyncReport) -> None:
        """Push; records answered "stale" were rebased on the server's copy and, when something of
        the desk's change remains, go again in the next pass of the same round. Records of a type
        the server does not know yet are set aside (app.services.sync.unknown_types)."""
        self.held_types = frozenset()  # asked afresh each round: the server may have been upgraded
        try:
            for _ in range(PASSES):
                stale = report.stale
                self._push_pass(report)
                if report.stale == stale:
                    return
        finally:
            self._note_held_back(report)

    def _note_held_back(self, report: SyncReport) -> None:
        if not self.held_types:
            return
        with self.sessions() as session:
            count = sum(1 for w in pending.waiting(session) if w.record_type in self.held_types)
        report.held_back, report.held_back_note = count, held_back_note(set(self.held_types), count)
        report.errors.append(report.held_back_note)

    def _sendable(self, rows: list[Waiting]) -> list[Waiting]:
        return [w for w in rows if w.record_type not in self.held_types] if self.held_types else rows

    def _push_pass(self, report: SyncReport) -> None:
        """Send the outbox in batches, up to ``in_flight`` requests on their way at once on worker
        threads, so that a server with several processes (``street-server --workers N``) works on
        more than one; the desk's database is read and written on this thread only. While the
        server works, this thread reads and serialises the next batch and records the answers,
        oldest first: the two sides work at the same time instead of taking turns. Batches of one
        round hold different records, so their order at the server does not matter (an event
        that arrives before its case is kept for it, docs/SYNC.md)."""
        with self.sessions() as session:
            rows = pending.waiting(session)
        rows = self._skip_known(report, rows)
        size = self.batch_size
        batches = deque(rows[i : i + size] for i in range(0, len(rows), size))
        flying: deque[InFlight] = deque()
        ready: Batch | None = None  # read and serialised, waiting for a free place
        stopping = threading.Event()
        with ThreadPoolExecutor(max_workers=self.in_flight, thread_name_prefix="sync-push") as sender:

            def send(batch: Batch) -> None:
                flying.append(InFlight(sender.submit(self._send, batch, stopping), batch))

            try:
                while True:
                    while len(flying) < self.in_flight and (ready := ready or self._next(batches)):
                        send(ready)
                        ready = None
                    if not flying:
                        return
                    ready = ready or self._next(batches)  # read while the server works
                    done = flying.popleft()
                    response = done.reply.result()  # a network failure (after resends) ends the round
                    if response.status_code == 413:  # split; the halves go before the next
                        if ready is not None:
                            batches.appendleft(ready.rows)
                            ready = None
                        self._answered(report, response, done.batch, batches)
                        continue
                    if ready is not None:  # sent before this answer is recorded
                        send(ready)
                        ready = None
                    self._answered(report, response, done.batch, batches)
            finally:
                stopping.set()  # a failure elsewhere: no more resends; let the requests finish
                for other in flying:
                    other.reply.exception()

    def _next(self, batches: deque[list[Waiting]]) -> Batch | None:
        while batches:
            rows = self._sendable(batches.popleft())
            if rows and (prepared := self._prepare(rows)) is not None:
                return prepared
        return None

    def _skip_known(self, report: SyncReport, rows: list[Waiting]) -> list[Waiting]:
        """Ask the server which waiting records it already holds at their version, as this
        community sent them (after a round whose answers were lost, or a restore of the outbox),
        mark those sent, and return the rest: only they travel in full. The same exchange as
        CouchDB's replication protocol makes with ``_revs_diff`` before it sends documents.
        A server without the question (404) is sent everything."""
        rest: list[Waiting] = []
        for start in range(0, len(rows), KNOWN_LIMIT):
            chunk = rows[start : start + KNOWN_LIMIT]
            with self.sessions() as session:
                records, _missing = sync_records.serialise(session, [w.key for w in chunk])
            # Asked by content: a version number alone may have been reused by a restored desk.
            keys = [
                {
                    "type": r["type"],
                    "uuid": r["uuid"],
                    "version": r["version"],
                    "hash": content_hash(r["data"]),
                }
                for r in records
            ]
            while True:  # each refusal sets at least one type aside, so this ends
                keys = [k for k in keys if k["type"] not in self.held_types]
                response = self._again("POST", "/api/v1/known", json={"records": keys})
                if (refused := refused_types(response, keys)) is None:
                    break
                self.held_types |= refused
            chunk = self._sendable(chunk)
            asked = {(k["type"], k["uuid"], k["version"]) for k in keys}
            if response.status_code == 404:
                return rest + self._sendable(rows[start:])
            body = self._json(response)
            held = {
                (k.get("type"), k.get("uuid")): k.get("server_version")
                for k in body.get("known") or []
                if isinstance(k, dict) and (k.get("type"), k.get("uuid"), k.get("version")) in asked
            }
            report.note_server_time(body)
            if held:
                with self.sessions.begin() as session:
                    pending.mark(session, list(held), pending.newest(chunk), sent_at=utcnow(), last_error="")
                    # The answer to the push that stored them was lost: the copy is based on the
                    # server's version now, as "applied" would have said.
                    for (record_type, uuid), version in held.items():
                        if isinstance(version, int):
                            sync_apply.confirm(session, record_type, uuid, version)
                report.pushed += len(held)
                report.unchanged += len(held)
            rest += [w for w in chunk if w.key not in held]
        return rest

    def _send(self, batch: Batch, stopping: threading.Event) -> httpx.Response:
        """One batch, sent again under the same id when no answer came: the server stores the
        results of every batch under its id and answers a batch it has seen with them, changing
        nothing (a batch whose answer was lost, or still on its way when it arrives again: the
        second transaction waits for the first and then reads its results). A wrong key or a
        refusal is not sent again, and nothing is once the round is ending."""
        body = to_json({"batch_id": batch.batch_id, "records": batch.records})
        headers = {"Content-Type": "application/json"}
        return self._again("POST", "/api/v1/push", stopping, content=body, headers=headers)

    def _prepare(self, rows: list[Waiting]) -> Batch | None:
        """The batch's records as they are now; rows that no longer exist are marked and left out."""
        with self.sessions() as session:
            records, missing = sync_records.serialise(session, [w.key for w in rows])
        top = pending.newest(rows)
        if missing:
            with self.sessions.begin() as session:
                pending.mark(
                    session,
                    missing,
                    top,
                    sent_at=utcnow(),
                    last_error="本地记录已不存在或不属于本社区，未上传",
                )
        return Batch(rows, records, top, str(uuid_module.uuid4())) if records else None

    def _answered(
        self, report: SyncReport, response: httpx.Response, batch: Batch, batches: deque[list[Waiting]]
    ) -> None:
        if (refused := refused_types(response, batch.records)) is not None:  # an older server
            self.held_types |= refused
            if rest := self._sendable(batch.rows):
                batches.appendleft(rest)  # nothing of the batch was stored: the rest goes again
            return
        if response.status_code == 413:
            if len(batch.rows) > 1:  # halve until it fits
                half = len(batch.rows) // 2
                batches.extendleft([batch.rows[half:], batch.rows[:half]])
                return
            key = batch.rows[0].key
            with self.sessions.begin() as session:
                pending.mark(
                    session,
                    [key],
                    batch.top,
                    attempts=pending.one_more_refusal(),
                    last_error="记录过大，街道服务器不接受",
                )
            report.rejected += 1
            report.errors.append(f"{sync_records.describe(key[0])} {key[1]} 过大，街道服务器不接受")
            return
        body = self._json(response)
        report.pushed += len(batch.records)
        report.note_server_time(body)
        self._apply_results(report, body, batch.top)

    def _apply_results(self, report: SyncReport, body: dict[str, Any], top: dict[RecordKey, int]) -> None:
        """Write the answers back: what the server holds is confirmed at its version; a stale
        answer's copy is taken and the waiting change rebased onto it (sent again by the next
        pass when something of it remains); a refusal is kept with its reason."""
        done: list[tuple[RecordKey, int]] = []
        copies: list[dict[str, Any]] = []
        refused: list[tuple[RecordKey, str]] = []
        not_owner: list[tuple[RecordKey, Pulled | None, str]] = []  # never to be taken
        for result in body.get("results") or []:
            if not isinstance(result, dict):
                continue
            key = (result.get("type", ""), result.get("uuid", ""))
            if key not in top:
                continue
            outcome = result.get("status")
            version = result.get("server_version")
            if outcome in ("applied", "unchanged") and isinstance(version, int):
                setattr(report, outcome, getattr(report, outcome) + 1)
                done.append((key, version))
            elif outcome == "stale" and isinstance(result.get("record"), dict):
                report.stale += 1
                copies.append(result["record"])
            elif outcome == "rejected" and result.get("refusal") == not_taken.NOT_OWNER:
                report.rejected += 1
                not_owner.append((key, not_taken.copy_of(result), str(result.get("reason") or "")))
            else:
                report.rejected += 1
                reason = str(result.get("reason") or "未说明原因")
                refused.append((key, reason))
                report.errors.append(f"{sync_records.describe(key[0])} {key[1]} 被街道服务器拒绝：{reason}")
        taken, errors = sync_records.read_page(copies, certificates=True)
        report.errors.extend(errors)
        with self.sessions() as session, session.begin():  # one transaction per answered batch
            session.info[APPLYING] = True  # a confirmation or a server copy is not a change to send
            pending.mark(session, [key for key, _ in done], top, sent_at=utcnow(), last_error="")
            for (record_type, uuid), version in done:
                sync_apply.confirm(session, record_type, uuid, version)
            here = current_community(session).code if taken else ""
            for record in taken:
                conflict = sync_apply.take(session, record, here)
                if conflict:
                    report.conflicts.append(conflict)
            for key, reason in refused:
                pending.mark(
                    session, [key], top, attempts=pending.one_more_refusal(), last_error=reason[:500]
                )
            for (record_type, uuid), copy, reason in not_owner:  # dropped for the street's copy
                if record_type == "case" and copy is not None:
                    conflict = not_taken.case_not_taken(session, copy, reason)
                elif record_type == "case_event":
                    conflict = not_taken.event_not_taken(session, uuid, copy, reason)
                else:  # an answer without the case: kept as an ordinary refusal
                    conflict = ""
                    refusal = {"attempts": pending.one_more_refusal(), "last_error": reason[:500]}
                    pending.mark(session, [(record_type, uuid)], top, **refusal)
                if conflict:
                    report.conflicts.append(conflict)
            # The receipt moves only when a whole pull has brought back every own write before it
            # (app.services.sync.pull): a round cut after its push must ask for them again.
            first = body.get("first_change")
            if isinstance(first, int) and first > 0:
                self.round_first = min(self.round_first or first, first)
