"""The push with more than one batch on its way, and a batch whose answer did not come sent again
under its own id, against the fake street server of test_sync_client (which, like the real one,
answers a batch id it has seen with the results it stored)."""

from __future__ import annotations

import threading

import httpx
import pytest

from app.services.sync.transport import OFFLINE
from tests.unit.test_sync_client import FakeStreet, _accept, _client, _outbox


@pytest.fixture
def street():
    return FakeStreet()


def _accept_many(db, count: int) -> None:
    with db.sessions.begin() as session:
        for offset in range(count):
            _accept(session, offset)


def test_a_lost_answer_is_sent_again_under_its_own_id_and_stored_once(demo_db, street):
    _accept_many(demo_db, 2)
    street.lose_reply_calls = {1}  # the server stores the batch, the answer never arrives
    report = _client(demo_db, street).sync_once()
    assert report.ok and report.errors == [] and report.pushed == 4
    assert street.push_calls == 2 and street.batch_ids[0] == street.batch_ids[1]
    # The stored answer of the first call: "applied", not "unchanged"; nothing applied twice.
    assert report.applied == 4 and report.unchanged == 0
    assert len(street.batches) == 1 and set(street.applied.values()) == {1}
    assert _outbox(demo_db) == [] and street.known_asked == [4]  # no second question needed


def test_a_refused_connection_is_tried_again_then_the_round_ends_with_nothing_lost(demo_db, street):
    _accept_many(demo_db, 1)
    street.refuse_calls = {1, 2, 3}
    report = _client(demo_db, street, resends=2).sync_once()
    assert report.offline and report.errors == [OFFLINE] and report.pushed == 0
    assert street.push_calls == 3 and len(set(street.batch_ids)) == 1  # one batch, one id, three tries
    assert len(_outbox(demo_db)) == 2
    report = _client(demo_db, street).sync_once()
    assert report.ok and report.applied == 2 and _outbox(demo_db) == []
    assert street.batch_ids[-1] != street.batch_ids[0]  # a new round reads the outbox again: a new batch


def test_an_answer_lost_on_every_try_leaves_the_next_round_to_ask(demo_db, street):
    _accept_many(demo_db, 1)
    street.lose_reply_calls = {1, 2}
    report = _client(demo_db, street, resends=1).sync_once()
    assert report.offline and len(_outbox(demo_db)) == 2 and len(street.batches) == 1
    report = _client(demo_db, street).sync_once()
    assert report.ok and report.unchanged == 2 and street.push_calls == 2  # asked, not sent again
    assert _outbox(demo_db) == [] and set(street.applied.values()) == {1}


class TwoAtOnce(FakeStreet):
    """A server that answers none of the first two pushes before both have arrived: a client
    that sent one batch at a time would never get past the first (the barrier breaks)."""

    def __init__(self):
        super().__init__()
        self.meeting = threading.Barrier(2, timeout=30)
        self.met = 0

    def push(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/push" and self.met < 2:
            self.met += 1
            self.meeting.wait()
        return super().push(request)


def test_two_batches_travel_at_once_and_each_record_is_stored_once(demo_db):
    street = TwoAtOnce()
    _accept_many(demo_db, 30)  # 30 cases and 30 events: 6 batches of 10
    report = _client(demo_db, street, batch_size=10, in_flight=2).sync_once()
    assert report.ok and report.errors == [] and report.pushed == 60 and report.applied == 60
    assert not street.meeting.broken and street.push_calls == 6
    assert len(street.store) == 60 and set(street.applied.values()) == {1}
    assert _outbox(demo_db) == []


def test_a_failure_with_another_batch_in_flight_ends_the_round_and_loses_nothing(demo_db, street):
    _accept_many(demo_db, 20)  # 40 records: 4 batches of 10
    street.refuse_calls = {2}
    report = _client(demo_db, street, batch_size=10, in_flight=2, resends=0).sync_once()
    assert report.offline and report.errors == [OFFLINE]
    waiting = len(_outbox(demo_db))
    assert 0 < waiting < 40 and len(street.store) + waiting >= 40
    report = _client(demo_db, street, batch_size=10, in_flight=2).sync_once()
    assert report.ok and _outbox(demo_db) == []
    assert len(street.store) == 40 and set(street.applied.values()) == {1}


class DropsReads(FakeStreet):
    """A busy server that drops the first question and the first pull page it is asked."""

    def __init__(self):
        super().__init__()
        self.dropped: list[str] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path in ("/api/v1/known", "/api/v1/pull") and path not in self.dropped:
            self.dropped.append(path)
            raise httpx.RemoteProtocolError("server disconnected without sending a response", request=request)
        return super().handle(request)


def test_reads_without_an_answer_are_asked_again_in_the_same_round(demo_db):
    street = DropsReads()
    _accept_many(demo_db, 2)
    report = _client(demo_db, street).sync_once()
    assert report.ok and report.applied == 4 and report.errors == []
    assert street.dropped == ["/api/v1/known", "/api/v1/pull"] and street.known_asked == [4]
    assert _outbox(demo_db) == []
