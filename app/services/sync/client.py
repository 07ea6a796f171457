"""The community's side of the sync with the street office (protocol v1, docs/SYNC.md).

One round (:meth:`SyncClient.sync_once`) pushes the outbox in batches, then pulls what the street
addressed to this community until the server says there is no more. The server's clock orders
everything: the pull cursor is the server's, "last success" is the server's time, and no local
timestamp is ever compared with one of the server's, so a desk with a wrong clock syncs the same.

Nothing here raises on a network failure: the round stops, the outbox stays as it was, and the
report (and the desk's indicator) says what happened in one plain sentence. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import uuid as uuid_module
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
from pydantic_core import to_json
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.models import CentreSetting, OutboxEntry, SyncState
from app.models.base import as_local, utcnow
from app.models.outbox import APPLYING
from app.services.sync import records as sync_records

log = logging.getLogger(__name__)

URL_SETTING = "sync.server_url"
KEY_SETTING = "sync.api_key"
URL_ENV = "YICHUANG_SYNC_URL"
KEY_ENV = "YICHUANG_SYNC_KEY"
BATCH_SIZE = 500
PULL_LIMIT = 500
KNOWN_LIMIT = 5000  # records asked about in one request (the server's limit)
REJECT_LIMIT = 3  # a record the server refused this many times waits for a person
SENT_KEPT_DAYS = 30  # outbox rows the server accepted are removed after this many days
TYPE_ORDER = {"case": 0, "certificate": 1, "case_event": 2}  # a case reaches the server before its events

OFFLINE = "无法连接街道服务器，稍后自动重试"
TIMEOUT = "连接街道服务器超时，稍后自动重试"
BAD_KEY = "街道服务器不接受本社区的同步密钥，请检查同步设置"
DB_BUSY = "本机数据库正忙，稍后自动重试"
NOT_CONFIGURED = "尚未设置街道服务器地址和同步密钥"


class SyncFailure(Exception):
    """The round had to stop; the message is for the person at the desk."""


@dataclass
class SyncReport:
    pushed: int = 0
    applied: int = 0
    unchanged: int = 0
    stale: int = 0
    rejected: int = 0
    pulled: int = 0
    errors: list[str] = field(default_factory=list)
    server_time: str | None = None
    offline: bool = False  # the round stopped on a network, server or key problem

    @property
    def ok(self) -> bool:
        return not self.offline

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SyncStatus:
    last_success_at: dt.datetime | None  # UTC, by the server's clock
    waiting: int  # records not yet accepted by the server
    last_error: str
    rejected: int = 0  # records the server refused REJECT_LIMIT times

    def text(self) -> str:
        """The desk's status-bar sentence."""
        if self.last_error:
            return f"同步：离线（{self.last_error}），待上传 {self.waiting} 条"
        when = as_local(self.last_success_at).strftime("%H:%M") if self.last_success_at else "—"
        return f"同步：上次成功 {when}，待上传 {self.waiting} 条"


def next_delay(failures: int, *, base: float = 30.0, cap: float = 1800.0, jitter: float = 0.2) -> float:
    """Seconds before the next round after ``failures`` failed rounds in a row: 30 s doubling to
    30 min, spread by ±20 % so that the street's desks do not all call back at the same moment."""
    delay = min(cap, base * 2 ** max(0, failures - 1)) if failures > 0 else base
    return delay * (1 + random.uniform(-jitter, jitter))


# --- settings -----------------------------------------------------------------------------------
def resolve_settings(session: Session, server: str | None = None, key: str | None = None) -> tuple[str, str]:
    """Server URL and API key: the options, else the environment, else the centre settings."""

    def setting(name: str) -> str:
        row = session.get(CentreSetting, name)
        return str(row.value) if row is not None and row.value else ""

    url = server or os.environ.get(URL_ENV) or setting(URL_SETTING)
    api_key = key or os.environ.get(KEY_ENV) or setting(KEY_SETTING)
    return url.strip().rstrip("/"), api_key.strip()


def save_settings(session: Session, server: str, key: str) -> None:
    server = server.strip().rstrip("/")
    if not server.startswith(("http://", "https://")):
        raise ValueError("服务器地址须以 http:// 或 https:// 开头")
    if not key.strip():
        raise ValueError("同步密钥不能为空")
    for name, value in ((URL_SETTING, server), (KEY_SETTING, key.strip())):
        row = session.get(CentreSetting, name)
        if row is None:
            session.add(CentreSetting(key=name, value=value))
        else:
            row.value = value


def sync_state(session: Session) -> SyncState:
    state = session.get(SyncState, 1)
    if state is None:
        state = SyncState(id=1, cursor=0, last_error="", server_time_offset_s=0.0, server_url="")
        session.add(state)
    return state


def _pending(session: Session, *, refused: bool = False):
    limit = OutboxEntry.attempts >= REJECT_LIMIT if refused else OutboxEntry.attempts < REJECT_LIMIT
    return (
        select(
            OutboxEntry.record_type,
            OutboxEntry.record_uuid,
            func.min(OutboxEntry.id),
            func.max(OutboxEntry.id),
            func.max(OutboxEntry.version),  # a record's version only grows
        )
        .where(OutboxEntry.sent_at.is_(None), limit)
        .group_by(OutboxEntry.record_type, OutboxEntry.record_uuid)
    )


def status(session: Session) -> SyncStatus:
    """What the desk shows: last success, records waiting, the last error in plain words."""
    waiting = session.scalar(select(func.count()).select_from(_pending(session).subquery())) or 0
    refused = (
        session.scalar(select(func.count()).select_from(_pending(session, refused=True).subquery())) or 0
    )
    state = session.get(SyncState, 1)
    error = state.last_error if state is not None else ""
    if refused and not error:
        reason = session.scalar(
            select(OutboxEntry.last_error)
            .where(OutboxEntry.sent_at.is_(None), OutboxEntry.attempts >= REJECT_LIMIT)
            .order_by(OutboxEntry.id.desc())
            .limit(1)
        )
        error = f"{refused} 条记录被街道服务器拒绝：{reason}"
    return SyncStatus(state.last_success_at if state else None, waiting + refused, error, refused)


def _newest(rows: list) -> dict[tuple[str, str], int]:
    """The highest outbox id read for each record of these waiting rows (see _mark)."""
    return {(t, u): last for t, u, _, last, _ in rows}


def _mark(
    session: Session, keys: list[tuple[str, str]], top: dict[tuple[str, str], int], **values: Any
) -> None:
    """Update the unsent outbox rows of ``keys`` read for this batch; rows written since (a newer
    change of the same record: a higher id than any read) wait for the next batch."""
    if not keys:
        return
    newest = max(top.values())
    by_type: dict[str, list[str]] = {}
    for record_type, record_uuid in keys:
        by_type.setdefault(record_type, []).append(record_uuid)
    for record_type, uuids in by_type.items():
        session.execute(
            update(OutboxEntry)
            .where(
                OutboxEntry.record_type == record_type,
                OutboxEntry.record_uuid.in_(uuids),
                OutboxEntry.sent_at.is_(None),
                OutboxEntry.id <= newest,
            )
            .values(**values)
        )


# --- the client ---------------------------------------------------------------------------------
class SyncClient:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        server_url: str,
        api_key: str,
        *,
        http: httpx.Client | None = None,
        batch_size: int = BATCH_SIZE,
        timeout: float = 30.0,
    ):
        self.sessions = session_factory
        self.server_url = server_url.strip().rstrip("/")
        self.api_key = api_key
        self.http = http if http is not None else httpx.Client(timeout=timeout)
        self._own_http = http is None
        self.batch_size = max(1, min(batch_size, BATCH_SIZE))

    def close(self) -> None:
        if self._own_http:
            self.http.close()

    def sync_once(self) -> SyncReport:
        """Push, then pull. Never raises for network, server or key problems."""
        report = SyncReport()
        try:
            self._push(report)
            self._pull(report)
        except SyncFailure as exc:
            report.offline = True
            report.errors.append(str(exc))
        except OperationalError:
            log.warning("sync round stopped: database busy")
            report.offline = True
            report.errors.append(DB_BUSY)
        self._finish(report)
        log.info(
            "sync round: pushed %d (applied %d, unchanged %d, stale %d, rejected %d), pulled %d, offline %s",
            report.pushed,
            report.applied,
            report.unchanged,
            report.stale,
            report.rejected,
            report.pulled,
            report.offline,
        )
        return report

    # --- transport ---
    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.api_key}", **kwargs.pop("headers", {})}
        try:
            response = self.http.request(method, f"{self.server_url}{path}", headers=headers, **kwargs)
        except httpx.TimeoutException as exc:
            raise SyncFailure(TIMEOUT) from exc
        except (httpx.TransportError, OSError) as exc:
            log.warning("sync: %s", type(exc).__name__)
            raise SyncFailure(OFFLINE) from exc
        if response.status_code in (401, 403):
            raise SyncFailure(BAD_KEY)
        if response.status_code >= 500:
            raise SyncFailure(f"街道服务器暂时出错（HTTP {response.status_code}），稍后自动重试")
        return response

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 400:
            raise SyncFailure(f"街道服务器不接受请求（HTTP {response.status_code}）")
        try:
            body = response.json()
        except ValueError as exc:
            raise SyncFailure("街道服务器的回复无法识别") from exc
        if not isinstance(body, dict):
            raise SyncFailure("街道服务器的回复无法识别")
        return body

    # --- push ---
    def _push(self, report: SyncReport) -> None:
        """Send the outbox in batches, one request in flight at a time on a worker thread.
        While the server works on a batch, this thread reads and serialises the next one and
        records the answer to the previous one: the two sides work at the same time instead of
        taking turns."""
        with self.sessions() as session:
            pending = sorted(
                session.execute(_pending(session)).all(), key=lambda r: (TYPE_ORDER.get(r[0], 9), r[2])
            )
        pending = self._skip_known(report, pending)
        batches = deque(pending[i : i + self.batch_size] for i in range(0, len(pending), self.batch_size))
        in_flight: tuple[Future, list, list, dict] | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-push") as sender:
            try:
                while batches or in_flight is not None:
                    prepared = self._prepare(batches.popleft()) if batches else None
                    done, in_flight = in_flight, None
                    response = done[0].result() if done else None  # a network failure ends the round
                    if done and response.status_code == 413:  # split; the halves go before the next
                        if prepared is not None:
                            batches.appendleft(prepared[0])
                        self._answered(report, response, *done[1:], batches)
                        continue
                    if prepared is not None:
                        in_flight = (sender.submit(self._send, prepared[1]), *prepared)
                    if done:
                        self._answered(report, response, *done[1:], batches)
            finally:
                if in_flight is not None:  # a failure elsewhere: let the request finish, ignore it
                    in_flight[0].exception()

    def _skip_known(self, report: SyncReport, pending: list) -> list:
        """Ask the server which waiting records it already holds at their version, as this
        community sent them (after a round whose answers were lost, or a restore of the outbox),
        mark those sent, and return the rest: only they travel in full. The same exchange as
        CouchDB's replication protocol makes with ``_revs_diff`` before it sends documents.
        A server without the question (404) is sent everything."""
        rest: list = []
        for start in range(0, len(pending), KNOWN_LIMIT):
            chunk = pending[start : start + KNOWN_LIMIT]
            keys = [{"type": t, "uuid": u, "version": v} for t, u, _, _, v in chunk]
            response = self._request("POST", "/api/v1/known", json={"records": keys})
            if response.status_code == 404:
                return rest + pending[start:]
            body = self._json(response)
            asked = {(t, u, v) for t, u, _, _, v in chunk}
            held = {
                (k.get("type"), k.get("uuid"))
                for k in body.get("known") or []
                if isinstance(k, dict) and (k.get("type"), k.get("uuid"), k.get("version")) in asked
            }
            self._note_server_time(report, body)
            if held:
                with self.sessions.begin() as session:
                    _mark(session, list(held), _newest(chunk), sent_at=utcnow(), last_error="")
                report.pushed += len(held)
                report.unchanged += len(held)
            rest += [row for row in chunk if (row[0], row[1]) not in held]
        return rest

    def _send(self, records: list[dict]) -> httpx.Response:
        body = to_json({"batch_id": str(uuid_module.uuid4()), "records": records})
        return self._request(
            "POST", "/api/v1/push", content=body, headers={"Content-Type": "application/json"}
        )

    def _prepare(self, batch: list) -> tuple[list, list, dict] | None:
        """The batch's records as they are now; rows that no longer exist are marked and left out."""
        with self.sessions() as session:
            records, missing = sync_records.serialise(session, [(t, u) for t, u, *_ in batch])
        top = _newest(batch)
        if missing:
            with self.sessions.begin() as session:
                _mark(session, missing, top, sent_at=utcnow(), last_error="本地记录已不存在，未上传")
        return (batch, records, top) if records else None

    def _answered(
        self,
        report: SyncReport,
        response: httpx.Response,
        batch: list,
        records: list,
        top: dict,
        batches: deque,
    ) -> None:
        if response.status_code == 413:
            if len(batch) > 1:  # halve until it fits
                half = len(batch) // 2
                batches.extendleft([batch[half:], batch[:half]])
                return
            key = (batch[0][0], batch[0][1])
            with self.sessions.begin() as session:
                _mark(
                    session,
                    [key],
                    top,
                    attempts=OutboxEntry.attempts + 1,
                    last_error="记录过大，街道服务器不接受",
                )
            report.rejected += 1
            report.errors.append(f"{sync_records.describe(key[0])} {key[1]} 过大，街道服务器不接受")
            return
        body = self._json(response)
        report.pushed += len(records)
        self._note_server_time(report, body)
        self._apply_results(report, body.get("results") or [], top)

    def _apply_results(
        self, report: SyncReport, results: list[dict], top: dict[tuple[str, str], int]
    ) -> None:
        groups: dict[str, list[tuple[str, str]]] = {"done": [], "stale": []}
        refused: list[tuple[tuple[str, str], str]] = []
        for result in results:
            key = (result.get("type", ""), result.get("uuid", ""))
            if key not in top:
                continue
            outcome = result.get("status")
            if outcome in ("applied", "unchanged"):
                setattr(report, outcome, getattr(report, outcome) + 1)
                groups["done"].append(key)
            elif outcome == "stale":
                report.stale += 1
                groups["stale"].append(key)
            else:
                report.rejected += 1
                reason = str(result.get("reason") or "未说明原因")
                refused.append((key, reason))
                report.errors.append(f"{sync_records.describe(key[0])} {key[1]} 被街道服务器拒绝：{reason}")
        with self.sessions.begin() as session:  # one transaction per answered batch
            _mark(session, groups["done"], top, sent_at=utcnow(), last_error="")
            # The server holds a newer copy: it wins, and comes down with the pull.
            _mark(
                session,
                groups["stale"],
                top,
                sent_at=utcnow(),
                last_error="街道服务器上的版本较新，以服务器为准",
            )
            for key, reason in refused:
                _mark(session, [key], top, attempts=OutboxEntry.attempts + 1, last_error=reason[:500])

    # --- pull ---
    def _pull(self, report: SyncReport) -> None:
        with self.sessions.begin() as session:
            state = sync_state(session)
            if state.server_url != self.server_url:  # a cursor means nothing to another server
                state.cursor, state.server_url = 0, self.server_url
            cursor = state.cursor
        while True:
            response = self._request("GET", "/api/v1/pull", params={"cursor": cursor, "limit": PULL_LIMIT})
            body = self._json(response)
            records = body.get("records") or []
            new_cursor = body.get("cursor")
            if not isinstance(new_cursor, int) or not isinstance(records, list):
                raise SyncFailure("街道服务器的回复无法识别")
            self._note_server_time(report, body)
            with self.sessions() as session:
                session.info[APPLYING] = True  # what comes down is not sent back up
                with session.begin():
                    errors = sync_records.apply_page(session, records)
                    sync_state(session).cursor = new_cursor
            report.pulled += len(records)
            report.errors.extend(errors)
            if not body.get("more") or new_cursor == cursor:
                break
            cursor = new_cursor

    # --- bookkeeping ---
    @staticmethod
    def _note_server_time(report: SyncReport, body: dict[str, Any]) -> None:
        if body.get("server_time"):
            report.server_time = str(body["server_time"])

    def _finish(self, report: SyncReport) -> None:
        try:
            with self.sessions.begin() as session:
                state = sync_state(session)
                now = utcnow()
                state.last_attempt_at = now
                server_time = sync_records.parse_datetime(report.server_time) if report.server_time else None
                if server_time is not None:
                    state.server_time_offset_s = (server_time - now).total_seconds()
                if report.offline:
                    state.last_error = report.errors[-1] if report.errors else OFFLINE
                else:
                    state.last_success_at = server_time or now
                    state.last_error = ""
                    # The server holds what they named; without this the outbox would grow by
                    # every change ever made. Unsent and refused rows are never touched.
                    session.execute(
                        delete(OutboxEntry).where(
                            OutboxEntry.sent_at < now - dt.timedelta(days=SENT_KEPT_DAYS)
                        )
                    )
        except OperationalError:
            log.warning("sync state not saved: database busy")
