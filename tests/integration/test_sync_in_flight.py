"""The push at scale against the real street server with two worker processes
(``street-server --workers 2``) on the test's database: several batches of one desk on their way
at once, two communities pushing at the same moment, a batch whose answer was lost sent again
under its own id, and one batch arriving twice at the same time. Each record is stored once,
every change number is given once, and a batch sent again gets the answer it got the first time."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from pydantic_core import to_json
from sqlalchemy import func, select

from app.models import Case, CaseEvent, OutboxEntry
from app.services.sync import pending
from app.services.sync import records as sync_records
from app.services.sync.client import SyncClient
from app.street import admin, store
from app.street.models import PushBatch, StreetCase, StreetCaseEvent
from tests.integration.conftest import free_port, start_server
from tests.integration.test_sync_end_to_end import _accept, _desk

# One community per desk copy: every copy of the demo numbers its cases from 0001, and a desk's
# pull brings back what the server holds from its community.
TY, XH, DF, JS, HP = (f"61020201000{n}" for n in range(1, 6))


@pytest.fixture(scope="module")
def two_workers(database_url, tmp_path_factory):
    """``street-server --workers 2``, its keys, and the store for looking inside."""
    import os

    folder = tmp_path_factory.mktemp("two-workers")
    env = {**os.environ, "YICHUANG_LOG_DIR": str(folder / "logs"), "YICHUANG_DB": str(folder / "desk.db")}
    sessions = store.open_store(database_url, migrate=True)
    keys = {
        code: admin.register(sessions, code, f"社区{code}", rotate=True)["api_key"]
        for code in (TY, XH, DF, JS, HP)
    }
    port = free_port()
    proc = start_server(database_url, port, folder / "server.log", env, workers=2)
    yield {"url": f"http://127.0.0.1:{port}", "keys": keys, "sessions": sessions}
    proc.terminate()
    proc.wait(timeout=20)
    sessions.kw["bind"].dispose()


def _local(db) -> tuple[dict[str, tuple[str, int]], set[str]]:
    """The desk's cases (uuid -> number, version) and event uuids."""
    with db.sessions() as session:
        cases = {u: (n, v) for u, n, v in session.execute(select(Case.uuid, Case.case_no, Case.version))}
        events = set(session.scalars(select(CaseEvent.uuid)))
    return cases, events


def _remote(street, community: str) -> tuple[dict[str, tuple[str, int]], list[str]]:
    with street["sessions"]() as session:
        cases = {
            u: (n, v)
            for u, n, v in session.execute(
                select(StreetCase.uuid, StreetCase.case_no, StreetCase.version).where(
                    StreetCase.origin_community == community
                )
            )
        }
        events = list(
            session.scalars(select(StreetCaseEvent.uuid).where(StreetCaseEvent.origin_community == community))
        )
    return cases, events


def _waiting(db) -> int:
    with db.sessions() as session:
        return session.scalar(
            select(func.count()).select_from(OutboxEntry).where(OutboxEntry.sent_at.is_(None))
        )


def _numbers_given_once(street) -> None:
    """Every change number at the server names one change."""
    with street["sessions"]() as session:
        seqs = list(session.scalars(select(StreetCase.seq))) + list(
            session.scalars(select(StreetCaseEvent.seq))
        )
    assert len(seqs) == len(set(seqs)) and 0 not in seqs


def test_batches_of_one_desk_in_flight_at_once_are_each_stored_once(two_workers, demo_db_file, tmp_path):
    ty = _desk(demo_db_file, tmp_path, "ty-flight", TY)
    _accept(ty, 200)  # 200 cases and 200 events: 8 batches of 50
    meeting = threading.Barrier(2, timeout=30)
    pushes = {"count": 0}

    def two_at_once(request: httpx.Request) -> None:
        # Neither of the first two pushes leaves before the other has: they travel together.
        if request.url.path.endswith("/push"):
            pushes["count"] += 1
            if pushes["count"] <= 2:
                meeting.wait()

    with httpx.Client(timeout=60, event_hooks={"request": [two_at_once]}) as http:
        client = SyncClient(
            ty.sessions, two_workers["url"], two_workers["keys"][TY], http=http, batch_size=50
        )
        client.in_flight = 3
        report = client.sync_once()
    assert report.ok and report.errors == [] and report.applied == 400 and pushes["count"] == 8
    assert not meeting.broken
    local_cases, local_events = _local(ty)
    remote_cases, remote_events = _remote(two_workers, TY)
    assert remote_cases == local_cases and len(remote_events) == len(set(remote_events))
    assert set(remote_events) == local_events and _waiting(ty) == 0
    _numbers_given_once(two_workers)
    ty.dispose()


def test_two_communities_pushing_at_the_same_moment(two_workers, demo_db_file, tmp_path):
    desks = {
        XH: _desk(demo_db_file, tmp_path, "xh-both", XH),
        DF: _desk(demo_db_file, tmp_path, "df-both", DF),
    }
    _accept(desks[XH], 150, offset=300)
    _accept(desks[DF], 150, offset=500)
    start = threading.Barrier(2, timeout=30)

    def round_of(code: str):
        client = SyncClient(
            desks[code].sessions, two_workers["url"], two_workers["keys"][code], batch_size=50
        )
        start.wait()
        return client.sync_once()

    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = dict(zip(desks, pool.map(round_of, desks), strict=True))
    for code, db in desks.items():
        report = reports[code]
        assert report.ok and report.errors == [] and report.applied == 300, (code, report)
        local_cases, local_events = _local(db)
        remote_cases, remote_events = _remote(two_workers, code)
        assert remote_cases == local_cases and len(remote_cases) == 150 and report.pulled == 0
        assert len(remote_events) == len(set(remote_events)) and set(remote_events) == local_events
        assert _waiting(db) == 0
        db.dispose()
    _numbers_given_once(two_workers)


class LoseFirstAnswer(httpx.BaseTransport):
    """The network between desk and server: the first push reaches the server and is answered,
    and the answer is lost on the way back (the desk sees the connection drop)."""

    def __init__(self):
        self.inner = httpx.HTTPTransport()
        self.pushes: list[tuple[dict, dict]] = []  # (what was sent, what the server answered)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if not request.url.path.endswith("/push"):
            return response
        response.read()
        self.pushes.append((json.loads(request.content), response.json()))
        if len(self.pushes) == 1:
            raise httpx.ReadError("connection reset by peer", request=request)
        return response


def test_a_batch_whose_answer_was_lost_is_sent_again_under_its_id_and_stored_once(
    two_workers, demo_db_file, tmp_path
):
    ty = _desk(demo_db_file, tmp_path, "js-lost", JS)
    _accept(ty, 20, offset=700)
    uuids = list(_local(ty)[0])  # case numbers repeat between desk copies; uuids do not
    network = LoseFirstAnswer()
    with httpx.Client(transport=network, timeout=60) as http:
        client = SyncClient(ty.sessions, two_workers["url"], two_workers["keys"][JS], http=http)
        client.resend_delay_s = 0.05
        report = client.sync_once()
    assert report.ok and report.errors == [] and report.applied == 40 and report.unchanged == 0
    (sent, lost), (again, answer) = network.pushes
    assert again == sent  # the same batch, under the same id
    assert lost["first_change"] > 0 and lost["receipt"] == lost["first_change"] + 39
    assert {k: v for k, v in answer.items() if k != "server_time"} == {  # the same answer
        k: v for k, v in lost.items() if k != "server_time"
    }
    with two_workers["sessions"]() as session:
        stored = session.scalar(
            select(func.count()).select_from(StreetCase).where(StreetCase.uuid.in_(uuids))
        )
        first_seq = session.scalar(select(func.min(StreetCase.seq)).where(StreetCase.uuid.in_(uuids)))
    assert stored == 20 and first_seq == lost["first_change"]  # stored by the first send only
    # Its pull stopped before the batch's change numbers: nothing of its own came back down.
    assert report.pulled == 0 and _waiting(ty) == 0
    _numbers_given_once(two_workers)
    ty.dispose()


def test_one_batch_arriving_twice_at_the_same_time_is_stored_once(two_workers, demo_db_file, tmp_path):
    ty = _desk(demo_db_file, tmp_path, "hp-twice", HP)
    _accept(ty, 30, offset=800)
    uuids = list(_local(ty)[0])
    with ty.sessions() as session:
        records, _missing = sync_records.serialise(session, [w.key for w in pending.waiting(session)])
    batch_id = "0b7c3f1e-5d2a-4c86-9a1f-3e2d1c0b9a87"
    body = to_json({"batch_id": batch_id, "records": records})
    headers = {"Authorization": f"Bearer {two_workers['keys'][HP]}", "Content-Type": "application/json"}
    start = threading.Barrier(2, timeout=30)

    def send(_: int) -> httpx.Response:
        start.wait()
        return httpx.post(f"{two_workers['url']}/api/v1/push", content=body, headers=headers, timeout=60)

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(send, range(2))
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    (one, two) = ({k: v for k, v in r.json().items() if k != "server_time"} for r in (first, second))
    assert one == two and one["first_change"] > 0  # the same answer, change numbers included
    assert all(r["status"] == "applied" for r in one["results"]) and len(records) == 60
    with two_workers["sessions"]() as session:
        assert (
            session.scalar(select(func.count()).select_from(StreetCase).where(StreetCase.uuid.in_(uuids)))
            == 30
        )
        assert (
            session.scalar(select(func.count()).select_from(PushBatch).where(PushBatch.batch_id == batch_id))
            == 1
        )
    _numbers_given_once(two_workers)
    ty.dispose()


def test_the_batch_change_numbers_migration_goes_up_and_down(database_url):
    """s0008: batches answered before it keep 0 and 0; the downgrade drops the two columns in place."""
    from alembic import command
    from alembic.config import Config

    from app.street.models import migrations_dir, open_engine

    if not database_url.startswith("postgresql"):
        pytest.skip("the module's database is shared: this walks the migrations on PostgreSQL's own schema")
    import uuid as uuidlib

    import psycopg

    schema = f"street_mig_{uuidlib.uuid4().hex[:10]}"
    dsn = "host=127.0.0.1 port=5432 dbname=test user=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    engine = open_engine(
        f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    )
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    try:
        command.upgrade(config, "s0007")
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO push_batches (batch_id, community, received_at, results)"
                " VALUES ('old', 'TY', CURRENT_TIMESTAMP, '[]')"
            )
        command.upgrade(config, "head")
        with engine.begin() as conn:
            old = conn.exec_driver_sql(
                "SELECT first_change, last_change FROM push_batches WHERE batch_id = 'old'"
            ).one()
        command.downgrade(config, "s0007")
        with engine.begin() as conn:
            columns = {
                row[0]
                for row in conn.exec_driver_sql(
                    "SELECT column_name FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND table_name = 'push_batches'"
                )
            }
        command.upgrade(config, "head")
    finally:
        engine.dispose()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    assert tuple(old) == (0, 0)
    assert columns == {"batch_id", "community", "received_at", "results"}
