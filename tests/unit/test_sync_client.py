"""The community's side of the street sync: the outbox written with each change, and rounds
against a fake street server (httpx.MockTransport, no network) that follows protocol v2."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter
from contextlib import nullcontext

import httpx
import pytest
from sqlalchemy import func, select, update

from app.cli import main
from app.models import Case, CaseEvent, Certificate, OutboxEntry, Resident, SyncState
from app.models.sync import RECORD_TYPES
from app.services.admin.centre import current_community
from app.services.cases import intake, workflow
from app.services.common.digest import content_hash
from app.services.sync import client as sync_client
from app.services.sync import push as sync_push
from app.services.sync.client import SyncClient
from app.services.sync.pending import REJECT_LIMIT, SENT_KEPT_DAYS
from app.services.sync.settings import acknowledge_conflicts, next_delay, status
from app.services.sync.transport import OFFLINE

KEY = "ty-secret"
SERVER = "https://street.example"
SERVER_TIME = "2026-11-23T08:00:00Z"


class FakeStreet:
    """Protocol v2 as the street server answers it, in memory."""

    def __init__(self, page_size: int = 500):
        self.store: dict[tuple[str, str], dict] = {}
        self.applied: Counter = Counter()
        self.feed: list[dict] = []  # what is addressed to the community, in server order
        self.page_size = page_size
        self.reject: set[str] = set()
        self.refuse_calls: set[int] = set()  # push calls that fail with "connection refused"
        self.lose_reply_calls: set[int] = set()  # push calls applied, then the connection drops
        self.push_calls = 0
        self.batches: list[list[dict]] = []
        self.pull_cursors: list[int] = []
        self.answers_known = True  # False: a server from before POST /api/v1/known (404)
        self.known_asked: list[int] = []  # how many records each "known" request asked about
        self.answered: dict[str, list[dict]] = {}  # results by batch id, as the server keeps them
        self.batch_ids: list[str] = []  # the id of every push call, in order
        self.lock = threading.Lock()  # pushes may come from several threads at once

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") != f"Bearer {KEY}":
            return httpx.Response(401, json={"detail": "bad key"})
        if request.url.path == "/api/v1/push":
            return self.push(request)
        if request.url.path == "/api/v1/pull":
            return self.pull(request)
        if request.url.path == "/api/v1/known" and self.answers_known:
            return self.known(request)
        return httpx.Response(404)

    def known(self, request: httpx.Request) -> httpx.Response:
        keys = json.loads(request.content)["records"]
        self.known_asked.append(len(keys))
        held = [
            k
            for k in keys
            if (k["type"], k["uuid"]) in self.store
            and (k["type"] == "case_event" or self.store[(k["type"], k["uuid"])].get("hash") == k.get("hash"))
        ]
        return httpx.Response(200, json={"known": held, "server_time": SERVER_TIME})

    def push(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            return self._push(request)

    def _push(self, request: httpx.Request) -> httpx.Response:
        self.push_calls += 1
        body = json.loads(request.content)
        self.batch_ids.append(body["batch_id"])
        if self.push_calls in self.refuse_calls:
            raise httpx.ConnectError("connection refused", request=request)
        if len(body["records"]) > 500:
            return httpx.Response(413)
        if body["batch_id"] in self.answered:  # seen before: the same answer, nothing stored again
            results = self.answered[body["batch_id"]]
            if self.push_calls in self.lose_reply_calls:
                raise httpx.ReadError("connection reset by peer", request=request)
            return httpx.Response(
                200, json={"batch_id": body["batch_id"], "server_time": SERVER_TIME, "results": results}
            )
        self.batches.append(body["records"])
        results = []
        for record in body["records"]:
            key = (record["type"], record["uuid"])
            held = self.store.get(key)
            digest = content_hash(record["data"])
            copy = None
            if record["uuid"] in self.reject:
                outcome, reason = "rejected", "不属于本社区的办件"
            elif held is None:
                self.store[key], outcome, reason = dict(record, version=1, hash=digest), "applied", ""
                self.applied[key] += 1
            elif record["type"] == "case_event" or held.get("hash") == digest:
                outcome, reason = "unchanged", ""
            elif record["version"] != held["version"]:
                outcome, reason = "stale", "服务器上的版本较新"
                copy = {k: v for k, v in held.items() if k != "hash"}
            else:
                self.store[key] = dict(record, version=held["version"] + 1, hash=digest)
                outcome, reason = "applied", ""
                self.applied[key] += 1
            version = self.store.get(key, record)["version"]
            results.append(
                {
                    "uuid": record["uuid"],
                    "type": record["type"],
                    "status": outcome,
                    "server_version": version,
                    "reason": reason,
                    "record": copy,
                }
            )
        self.answered[body["batch_id"]] = results
        if self.push_calls in self.lose_reply_calls:
            raise httpx.ReadError("connection reset by peer", request=request)
        return httpx.Response(
            200, json={"batch_id": body["batch_id"], "server_time": SERVER_TIME, "results": results}
        )

    def pull(self, request: httpx.Request) -> httpx.Response:
        cursor = int(request.url.params["cursor"])
        limit = min(int(request.url.params["limit"]), self.page_size)
        self.pull_cursors.append(cursor)
        start = max(0, cursor - 1000)  # server cursors are its own numbers, not list positions
        page = self.feed[start : start + limit]
        end = start + len(page)
        return httpx.Response(
            200,
            json={
                "records": page,
                "cursor": 1000 + end,
                "more": end < len(self.feed),
                "server_time": SERVER_TIME,
            },
        )


@pytest.fixture
def street():
    return FakeStreet()


def _client(db, street, **kwargs) -> SyncClient:
    """One batch at a time unless a test asks for more, so the fake sees batches in order; a
    resend goes at once (the delay is the real network's, not the fake's)."""
    client = SyncClient(db.sessions, SERVER, KEY, http=street.client(), **{"in_flight": 1, **kwargs})
    client.resend_delay_s = 0
    return client


def _resident(session, offset=0) -> Resident:
    return session.scalars(
        select(Resident).where(Resident.household_id.is_not(None)).offset(offset).limit(1)
    ).one()


def _accept(session, offset=0) -> Case:
    person = _resident(session, offset)
    materials = list(intake.find_item(session, "LL-001").materials)
    case = intake.accept(
        session,
        item_code="LL-001",
        resident=person,
        actor="qiantai",
        materials_received=materials,
        today=dt.date(2026, 11, 23),
    )
    session.flush()  # UUIDs are given at the flush
    return case


def _outbox(db, *, pending_only=True, session=None) -> list[tuple[str, str, int]]:
    with db.sessions() if session is None else nullcontext(session) as session:
        # Cases, events and certificates: the demo's up-only records wait beside them.
        stmt = (
            select(OutboxEntry.record_type, OutboxEntry.record_uuid, OutboxEntry.version)
            .where(OutboxEntry.record_type.in_(RECORD_TYPES))
            .order_by(OutboxEntry.id)
        )
        if pending_only:
            stmt = stmt.where(OutboxEntry.sent_at.is_(None))
        return [tuple(r) for r in session.execute(stmt)]


# --- the outbox ---------------------------------------------------------------------------------
def test_intake_and_workflow_changes_write_their_outbox_rows_in_the_same_transaction(demo_db):
    with demo_db.sessions.begin() as session:
        case = _accept(session)
    case_uuid, event_uuid = case.uuid, case.events[0].uuid  # UUIDs are given at the flush
    assert _outbox(demo_db) == [("case", case_uuid, 1), ("case_event", event_uuid, 1)]
    with demo_db.sessions.begin() as session:
        case = session.scalar(select(Case).where(Case.uuid == case_uuid))
        event = workflow.apply(session, case, "dispatch", actor="qiantai", to="张网格员")
    dispatched = event.uuid
    assert _outbox(demo_db)[2:] == [("case", case_uuid, 2), ("case_event", dispatched, 1)]


def test_a_rolled_back_change_takes_its_outbox_rows_with_it(demo_db):
    with demo_db.sessions() as session:
        _accept(session)
        session.flush()
        assert len(_outbox(demo_db, session=session)) == 2
        session.rollback()
    with demo_db.sessions() as session:
        assert session.scalar(select(func.count(Case.id))) == 0
    assert _outbox(demo_db, pending_only=False) == []


def test_an_edit_outside_the_workflow_still_moves_the_version_and_is_queued(demo_db):
    with demo_db.sessions.begin() as session:
        case_uuid = _accept(session).uuid
    with demo_db.sessions.begin() as session:
        session.scalar(select(Case).where(Case.uuid == case_uuid)).applicant_phone = "13800000000"
    assert _outbox(demo_db)[-1] == ("case", case_uuid, 2)


def test_certificate_issue_and_void_are_queued(demo_db):
    from app.printing.certificates.renderer import PDF_RENDERER
    from app.services.certificates.issue import issue_certificate
    from app.services.certificates.register import void

    with demo_db.sessions.begin() as session:
        issued = issue_certificate(
            session,
            PDF_RENDERER,
            template_code="JZZM",
            resident=_resident(session),
            actor="qiantai",
            staff_values={"purpose": "办理居住证", "since": "2012-05-01"},
        )
        cert_uuid = session.scalar(select(Certificate.uuid).where(Certificate.serial == issued.serial))
    assert _outbox(demo_db) == [("certificate", cert_uuid, 1)]
    with demo_db.sessions.begin() as session:
        void(session, issued.serial, "信息有误", "qiantai")
    assert _outbox(demo_db) == [("certificate", cert_uuid, 1), ("certificate", cert_uuid, 2)]


# --- push -------------------------------------------------------------------------------------
def test_push_drains_the_outbox_once_and_a_repeated_round_sends_nothing(demo_db, street):
    with demo_db.sessions.begin() as session:
        _accept(session, 0)
        _accept(session, 1)
    report = _client(demo_db, street).sync_once()
    assert report.ok and report.pushed == 4 and report.applied == 4 and report.errors == []
    assert [r["type"] for r in street.batches[0]] == ["case", "case", "case_event", "case_event"]
    case = street.batches[0][0]
    assert case["origin_community"] and case["data"]["case_no"].startswith("TY-")
    assert "id" not in case["data"] and case["data"]["community_code"] == case["origin_community"]
    assert street.batches[0][2]["data"]["case_uuid"] in {r["uuid"] for r in street.batches[0][:2]}
    assert _outbox(demo_db) == []
    again = _client(demo_db, street).sync_once()
    assert again.pushed == 0 and street.push_calls == 1
    with demo_db.sessions() as session:
        current = status(session)
    assert current.waiting == 0 and current.last_error == ""
    assert current.last_success_at == dt.datetime(2026, 11, 23, 8, 0)  # the server's clock
    assert current.text().startswith("同步：上次成功 ") and current.text().endswith("待上传 0 条")


def test_a_lost_reply_is_resent_and_counted_once_at_the_server(demo_db, street):
    with demo_db.sessions.begin() as session:
        _accept(session)
    street.lose_reply_calls = {1}
    report = _client(demo_db, street, resends=0).sync_once()  # no resend: the round ends
    assert report.offline and report.errors == [OFFLINE] and len(_outbox(demo_db)) == 2
    report = _client(demo_db, street).sync_once()
    assert report.ok and report.unchanged == 2 and report.applied == 0
    assert _outbox(demo_db) == [] and set(street.applied.values()) == {1}
    assert street.known_asked == [2, 2] and street.push_calls == 1  # asked, not sent again


def test_records_the_server_already_holds_are_not_sent_again_in_full(demo_db, street):
    with demo_db.sessions.begin() as session:
        first = _accept(session, 0)
        _accept(session, 1)
    street.lose_reply_calls = {1}
    assert _client(demo_db, street, resends=0).sync_once().offline
    with demo_db.sessions.begin() as session:  # one of the two cases changes meanwhile
        workflow.apply(session, session.get(Case, first.id), "dispatch", actor="qiantai", to="张网格员")
    report = _client(demo_db, street).sync_once()
    assert report.ok and report.unchanged == 3 and report.applied == 2  # its new version, its new event
    assert sorted(r["type"] for r in street.batches[1]) == ["case", "case_event"]
    assert street.batches[1][0]["uuid"] == first.uuid and _outbox(demo_db) == []


def test_a_server_without_the_known_question_gets_everything_in_full(demo_db, street):
    street.answers_known = False
    with demo_db.sessions.begin() as session:
        _accept(session)
    street.lose_reply_calls = {1}
    assert _client(demo_db, street, resends=0).sync_once().offline
    report = _client(demo_db, street).sync_once()
    assert report.ok and report.unchanged == 2 and street.push_calls == 2 and len(street.batches[1]) == 2
    assert _outbox(demo_db) == [] and set(street.applied.values()) == {1}


def test_connection_refused_mid_batch_keeps_the_rest_and_the_next_round_sends_it_once(demo_db, street):
    with demo_db.sessions.begin() as session:
        for offset in range(3):
            _accept(session, offset)
    street.refuse_calls = {2}
    report = _client(demo_db, street, batch_size=2, resends=0).sync_once()
    assert report.offline and report.pushed == 2 and report.errors == [OFFLINE]
    assert len(_outbox(demo_db)) == 4 and len(street.store) == 2
    with demo_db.sessions() as session:
        current = status(session)
    assert current.waiting == 4 and current.text() == f"同步：离线（{OFFLINE}），待上传 4 条"
    report = _client(demo_db, street, batch_size=2).sync_once()
    assert report.ok and report.pushed == 4 and _outbox(demo_db) == []
    assert len(street.store) == 6 and set(street.applied.values()) == {1}


def test_a_wrong_key_is_one_sentence_and_nothing_is_lost(demo_db, street):
    with demo_db.sessions.begin() as session:
        _accept(session)
    report = SyncClient(demo_db.sessions, SERVER, "wrong", http=street.client()).sync_once()
    assert report.offline and "密钥" in report.errors[0] and len(_outbox(demo_db)) == 2


def test_stale_brings_the_servers_copy_and_the_waiting_change_is_rebased_onto_it(demo_db, street):
    """The server holds a newer copy, now owned by another community: the desk takes it, puts its
    own fields back over it (not the status: that belongs to the owner, a conflict staff see)
    and sends the result again in the same round, based on the server's version."""
    with demo_db.sessions.begin() as session:
        case = _accept(session)
        case_uuid, origin, case_no = case.uuid, case.origin_community, case.case_no
        case.address = "桃园路 1 号"
    newer = {
        "type": "case",
        "uuid": case_uuid,
        "version": 5,
        "origin_community": origin,
        "data": {"case_no": case_no, "status": "in_progress", "owner": "街道城管科", "owner_community": "XH"},
    }
    street.store[("case", case_uuid)] = newer
    report = _client(demo_db, street).sync_once()
    assert report.ok and report.stale == 1 and report.applied == 2  # the rebased case, its event
    assert len(report.conflicts) == 1 and "XH" in report.conflicts[0]
    assert _outbox(demo_db) == []
    sent = street.batches[-1][0]
    assert sent["version"] == 5 and sent["data"]["status"] == "in_progress"
    assert sent["data"]["address"] == "桃园路 1 号"
    with demo_db.sessions() as session:
        case = session.scalar(select(Case).where(Case.uuid == case_uuid))
        assert (case.status, case.address, case.version, case.sync_base) == (
            "in_progress",
            "桃园路 1 号",
            6,
            6,
        )
        shown = status(session)
    assert street.store[("case", case_uuid)]["version"] == 6
    assert shown.conflicts == tuple(report.conflicts) and "1 处冲突待核对" in shown.text()
    with demo_db.sessions.begin() as session:
        assert acknowledge_conflicts(session) == 1
    with demo_db.sessions() as session:
        assert "冲突" not in status(session).text()


def test_a_rejected_record_stays_visible_and_is_not_retried_forever(demo_db, street):
    with demo_db.sessions.begin() as session:
        case_uuid = _accept(session).uuid
    street.reject = {case_uuid}
    for _ in range(REJECT_LIMIT + 2):
        report = _client(demo_db, street).sync_once()
    sent = [r["uuid"] for batch in street.batches for r in batch]
    assert sent.count(case_uuid) == REJECT_LIMIT
    assert report.ok and report.pushed == 0
    with demo_db.sessions() as session:
        current = status(session)
    assert current.waiting == 1 and current.rejected == 1
    assert "拒绝" in current.last_error and "不属于本社区" in current.last_error


def test_sent_rows_leave_the_outbox_after_30_days_and_waiting_ones_never(demo_db, street):
    with demo_db.sessions.begin() as session:
        old, recent, refused = (_accept(session, offset).uuid for offset in range(3))
    street.reject = {refused}
    assert _client(demo_db, street).sync_once().ok
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with demo_db.sessions.begin() as session:
        for uuid, days in ((old, SENT_KEPT_DAYS + 1), (recent, SENT_KEPT_DAYS - 1)):
            case_id = session.scalar(select(Case.id).where(Case.uuid == uuid))
            event_uuids = select(CaseEvent.uuid).where(CaseEvent.case_id == case_id)
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.record_uuid.in_([uuid]) | OutboxEntry.record_uuid.in_(event_uuids))
                .values(sent_at=now - dt.timedelta(days=days), created_at=now - dt.timedelta(days=days))
            )
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.record_uuid == refused)
            .values(created_at=now - dt.timedelta(days=90))
        )

    def remaining() -> set[str]:
        with demo_db.sessions() as session:
            return set(
                session.scalars(select(OutboxEntry.record_uuid).where(OutboxEntry.record_type == "case"))
            )

    street.refuse_calls = {street.push_calls + 1}  # an offline round removes nothing
    street.answers_known = False
    assert _client(demo_db, street, resends=0).sync_once().offline
    assert remaining() == {old, recent, refused}
    assert _client(demo_db, street).sync_once().ok
    assert remaining() == {recent, refused}  # the refused case still waits, whatever its age
    # the recent case and its event; the refused case and its event (accepted, sent today)
    assert len(_outbox(demo_db, pending_only=False)) == 4


# --- pull -------------------------------------------------------------------------------------
def test_pull_applies_the_streets_answer_and_a_transferred_case_without_echo(demo_db, street):
    with demo_db.sessions.begin() as session:
        case = _accept(session)
        workflow.apply(session, case, "dispatch", actor="qiantai", to="qiantai")
        workflow.apply(session, case, "escalate", actor="qiantai", to="街道城管科", note="占道经营")
        case_uuid, version, origin = case.uuid, case.version, case.origin_community
        applicant = _resident(session, 5)
        applicant_id, resident_id = applicant.id_number, applicant.id
    assert _client(demo_db, street).sync_once().ok
    street.feed += [
        {
            "type": "case_event",
            "uuid": "e0000000-0000-4000-8000-000000000001",
            "version": 1,
            "origin_community": "street",
            "data": {
                "case_uuid": case_uuid,
                "at": "2026-11-23T07:30:00",
                "actor": "街道城管科",
                "action": "return",
                "from_status": "escalated",
                "to_status": "in_progress",
                "note": "已协调处理",
                "data": {},
            },
        },
        {
            "type": "case",
            "uuid": case_uuid,
            "version": version + 1,
            "origin_community": origin,
            "data": {"status": "in_progress", "owner": "qiantai"},
        },
        {
            "type": "case",
            "uuid": "c0000000-0000-4000-8000-000000000002",
            "version": 3,
            "origin_community": "110105001002",
            "data": {
                "case_no": "XH-20261120-0003",
                "status": "accepted",
                "item_code": "LL-001",
                "item_name": "x",
                "applicant_name": applicant.name,
                "applicant_id_number": applicant_id,
                "received_at": "2026-11-20T02:00:00",
                "due_date": "2026-11-27",
                "materials_received": ["a"],
            },
        },
    ]
    street.store[("case", case_uuid)] = street.feed[1]  # the server's copy, which the desk takes
    street.feed.append(dict(street.feed[0]))  # the same event twice changes nothing
    report = _client(demo_db, street).sync_once()
    assert report.ok and report.pulled == 4 and report.errors == [] and report.pushed == 0
    assert _outbox(demo_db) == []  # nothing pulled is sent back
    with demo_db.sessions() as session:
        case = session.scalar(select(Case).where(Case.uuid == case_uuid))
        assert (case.status, case.owner, case.version) == ("in_progress", "qiantai", version + 1)
        assert [e.action for e in case.events][-1] == "return"
        transferred = session.scalar(select(Case).where(Case.case_no == "XH-20261120-0003"))
        assert transferred.resident_id == resident_id and transferred.version == 3
        assert transferred.community_id == current_community(session).id and transferred.item_id is not None
        assert transferred.origin_community == "110105001002" and transferred.due_date == dt.date(
            2026, 11, 27
        )
        assert session.get(SyncState, 1).cursor == 1004
    # A change made here afterwards goes up as usual.
    with demo_db.sessions.begin() as session:
        case = session.scalar(select(Case).where(Case.uuid == case_uuid))
        workflow.apply(session, case, "complete", actor="qiantai", note="已办结")
    assert [t for t, _, _ in _outbox(demo_db)] == ["case", "case_event"]
    assert _client(demo_db, street).sync_once().applied == 2


def _transferred(uuid: str, version: int = 2) -> dict:
    return {
        "type": "case",
        "uuid": uuid,
        "version": version,
        "origin_community": "110105001002",
        "data": {"case_no": "XH-20261120-0007", "status": "in_progress", "owner_community": "TY"},
    }


def _history(case_uuid: str, n: int) -> dict:
    return {
        "type": "case_event",
        "uuid": f"e0000000-0000-4000-8000-00000000010{n}",
        "version": 1,
        "origin_community": "110105001002",
        "data": {"case_uuid": case_uuid, "actor": "x", "action": "accept", "note": f"第{n}条"},
    }


def test_events_that_come_before_their_case_are_held_until_it_arrives(demo_db):
    """A page boundary between a transferred case's history and the case: the events are kept,
    the cursor moves, and they are placed when the case comes down on the next page."""
    street = FakeStreet(page_size=2)
    case_uuid = "c0000000-0000-4000-8000-000000000011"
    street.feed = [_history(case_uuid, 1), _history(case_uuid, 2), _transferred(case_uuid)]
    report = _client(demo_db, street).sync_once()
    assert report.ok and report.pulled == 3 and report.errors == [] and street.pull_cursors == [0, 1002]
    with demo_db.sessions() as session:
        case = session.scalar(select(Case).where(Case.uuid == case_uuid))
        assert [e.note for e in case.events] == ["第1条", "第2条"]
        assert status(session).held == 0


def test_an_event_whose_case_has_not_come_is_held_and_shown(demo_db, street):
    street.feed = [_history("c0000000-0000-4000-8000-000000000012", 1)]
    report = _client(demo_db, street).sync_once()
    assert report.ok and report.pulled == 1 and report.errors == []
    with demo_db.sessions() as session:
        assert status(session).held == 1 and "1 条记录等待所属办件" in status(session).text()
    street.feed.append(_transferred("c0000000-0000-4000-8000-000000000012"))
    assert _client(demo_db, street).sync_once().pulled == 1
    with demo_db.sessions() as session:
        assert status(session).held == 0
        case = session.scalar(select(Case).where(Case.uuid == "c0000000-0000-4000-8000-000000000012"))
        assert [e.note for e in case.events] == ["第1条"]


def test_a_malformed_pulled_record_is_reported_and_the_rest_of_the_page_applied(demo_db, street):
    good = {
        "type": "case",
        "uuid": "c0000000-0000-4000-8000-000000000005",
        "version": 2,
        "origin_community": "110105001002",
        "data": {
            "case_no": "XH-20261120-0005",
            "status": "accepted",
            "item_code": "LL-001",
            "item_name": "x",
            "received_at": "2026-11-20T02:00:00",
            "due_date": "2026-11-27",
        },
    }
    street.feed = [
        "not a record",
        {"type": "bogus", "uuid": "u"},
        dict(good, uuid="c0000000-0000-4000-8000-000000000006", version=None),
        {"type": "case_event", "uuid": "e0000000-0000-4000-8000-000000000007", "version": 1, "data": ["x"]},
        good,
    ]
    report = _client(demo_db, street).sync_once()
    assert report.ok and report.pulled == 5
    assert report.errors == [
        "无法识别的记录类型“None”，已跳过",
        "无法识别的记录类型“bogus”，已跳过",
        "办件 c0000000-0000-4000-8000-000000000006 内容不完整，未能保存（TypeError）",
        "办件记录 e0000000-0000-4000-8000-000000000007 内容不完整，未能保存（TypeError）",
    ]
    with demo_db.sessions() as session:
        kept = session.scalar(select(Case).where(Case.uuid == good["uuid"]))
        assert kept is not None and (kept.case_no, kept.version) == ("XH-20261120-0005", 2)


def test_a_wrong_local_clock_changes_nothing_in_the_cursor(demo_db, monkeypatch):
    street = FakeStreet(page_size=2)
    street.feed = [
        {
            "type": "certificate",
            "uuid": f"f0000000-0000-4000-8000-00000000000{i}",
            "version": 1,
            "origin_community": "x",
            "data": {},
        }
        for i in range(5)
    ]
    for module in (sync_client, sync_push):  # every local timestamp a round writes
        monkeypatch.setattr(module, "utcnow", lambda: dt.datetime(2099, 1, 1))
    report = _client(demo_db, street).sync_once()
    assert report.ok and report.pulled == 5 and street.pull_cursors == [0, 1002, 1004]
    street.feed.append(dict(street.feed[0], uuid="f0000000-0000-4000-8000-000000000099"))
    for module in (sync_client, sync_push):
        monkeypatch.setattr(module, "utcnow", lambda: dt.datetime(1990, 1, 1))
    report = _client(demo_db, street).sync_once()
    assert report.pulled == 1 and street.pull_cursors[-1] == 1005
    with demo_db.sessions() as session:
        state = session.get(SyncState, 1)
        assert state.cursor == 1006 and state.last_success_at == dt.datetime(2026, 11, 23, 8, 0)


def test_catching_up_after_weeks_offline_sends_3000_records_in_6_batches(demo_db, street):
    with demo_db.sessions.begin() as session:
        community = current_community(session)
        for i in range(1000):
            case = Case(
                origin_community=community.code,
                case_no=f"TY-OFF-{i:04d}",
                community_id=community.id,
                status="accepted",
                events=[],
            )
            session.add(case)
            workflow.record_event(case, actor="qiantai", action="accept")
            workflow.record_event(case, actor="qiantai", action="progress", note="…")
    assert len(_outbox(demo_db)) == 3000
    street.refuse_calls = {1, 2}
    for _ in range(2):  # weeks without the network: nothing leaves, nothing is lost
        assert _client(demo_db, street, resends=0).sync_once().offline
    assert len(_outbox(demo_db)) == 3000
    report = _client(demo_db, street).sync_once()
    assert report.ok and report.pushed == 3000 and report.applied == 3000
    assert [len(b) for b in street.batches] == [500] * 6
    assert {r["type"] for b in street.batches[:2] for r in b} == {"case"}  # cases before their events
    assert _outbox(demo_db) == [] and set(street.applied.values()) == {1}


# --- backoff, command line ----------------------------------------------------------------------
def test_backoff_doubles_from_30_seconds_to_30_minutes_with_jitter():
    assert 24 <= next_delay(1) <= 36 and 48 <= next_delay(2) <= 72
    assert all(1440 <= next_delay(n) <= 2160 for n in (7, 8, 50))


def test_sync_command_without_a_server_then_configured_but_unreachable(demo_db, capsys):
    with demo_db.sessions.begin() as session:
        _accept(session)
    assert main(["--db", demo_db.url, "sync"]) == 1
    assert "sync-config" in capsys.readouterr().err
    assert main(["--db", demo_db.url, "sync-config", "--server", "http://127.0.0.1:9/", "--key", KEY]) == 0
    capsys.readouterr()
    assert main(["--db", demo_db.url, "sync"]) == 1  # port 9 refuses on loopback
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["offline"] is True and report["status"]["waiting"] == 2
    assert "稍后自动重试" in err
    assert main(["--db", demo_db.url, "sync", "--status"]) == 0
    assert json.loads(capsys.readouterr().out)["waiting"] == 2


def test_the_sync_migration_goes_down_and_up_and_queues_records_stored_before_it(demo_db):
    from alembic import command

    from app.db import SCHEMA_HEAD, alembic_config, current_revision

    with demo_db.sessions.begin() as session:
        case = _accept(session)
    command.downgrade(alembic_config(demo_db.engine), "0006")
    command.upgrade(alembic_config(demo_db.engine), "head")
    assert current_revision(demo_db.engine) == SCHEMA_HEAD
    assert _outbox(demo_db) == [("case", case.uuid, 1), ("case_event", case.events[0].uuid, 1)]
