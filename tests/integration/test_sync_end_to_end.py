"""Two community desks and the real street server on loopback: cases reach the server exactly
once, an escalation answered at the street comes back to the right desk, and a server killed in
the middle of a push loses nothing."""

from __future__ import annotations

import datetime as dt
import shutil

import httpx
import pytest
from sqlalchemy import func, select

from app.db import open_database
from app.models import Case, CaseEvent, OutboxEntry, Resident
from app.services.admin.centre import set_current_community
from app.services.cases import intake, workflow
from app.services.sync.client import SyncClient
from app.street import admin
from app.street.models import StreetCase, StreetCaseEvent
from tests.integration.conftest import free_port, start_server

TY, XH = "610202010001", "610202010002"


def _desk(demo_db_file, tmp_path, name: str, community: str):
    path = tmp_path / f"{name}.db"
    shutil.copy(demo_db_file, path)
    db = open_database(f"sqlite:///{path}")
    with db.sessions.begin() as session:
        set_current_community(session, community)
    return db


def _accept(db, count: int, offset: int = 0) -> list[str]:
    numbers = []
    with db.sessions.begin() as session:
        people = list(session.scalars(select(Resident).order_by(Resident.id).offset(offset).limit(count)))
        for person in people:
            item = intake.find_item(session, "ZM-001")
            case = intake.accept(
                session,
                item_code="ZM-001",
                resident=person,
                actor="qiantai",
                materials_received=list(item.materials),
            )
            numbers.append(case.case_no)
    return numbers


def _server_cases(server, origin: str) -> list[str]:
    with server["sessions"]() as session:
        return list(session.scalars(select(StreetCase.case_no).where(StreetCase.origin_community == origin)))


@pytest.fixture
def keys(server):
    def key(code: str) -> str:
        return admin.register(server["sessions"], code, f"社区{code}", rotate=True)["api_key"]

    return {TY: key(TY), XH: key(XH)}


def test_two_communities_and_an_escalation_answered_at_the_street(server, keys, demo_db_file, tmp_path):
    ty = _desk(demo_db_file, tmp_path, "ty", TY)
    xh = _desk(demo_db_file, tmp_path, "xh", XH)
    ty_cases, xh_cases = _accept(ty, 3), _accept(xh, 2, offset=100)
    for db, code in ((ty, TY), (xh, XH)):
        report = SyncClient(db.sessions, server["url"], keys[code]).sync_once()
        assert report.ok and report.rejected == 0, report.errors
    assert sorted(_server_cases(server, TY)) == sorted(ty_cases)
    assert sorted(_server_cases(server, XH)) == sorted(xh_cases)
    again = SyncClient(ty.sessions, server["url"], keys[TY]).sync_once()
    assert again.ok and again.pushed == 0  # nothing new: nothing sent, nothing doubled
    assert sorted(_server_cases(server, TY)) == sorted(ty_cases)

    with ty.sessions.begin() as session:  # 吹哨: the community escalates one case to the street
        case = session.scalars(select(Case).where(Case.case_no == ty_cases[0])).one()
        workflow.apply(session, case, "dispatch", actor="qiantai", to="houtai")
        workflow.apply(session, case, "escalate", actor="houtai", to="桃园街道", note="需街道协调")
        case_uuid = case.uuid
    assert SyncClient(ty.sessions, server["url"], keys[TY]).sync_once().ok
    answer = httpx.post(
        f"{server['url']}/api/v1/street/cases/{case_uuid}/answer",
        timeout=30,
        headers={"Authorization": f"Bearer {server['street_key']}"},
        json={"status": "in_progress", "note": "已协调城管科联合处置"},
    )
    assert answer.status_code == 200, answer.text
    report = SyncClient(ty.sessions, server["url"], keys[TY]).sync_once()
    assert report.ok and report.pulled >= 1
    with ty.sessions() as session:
        case = session.scalars(select(Case).where(Case.uuid == case_uuid)).one()
        notes = [e.note for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))]
        assert case.status == "in_progress" and "已协调城管科联合处置" in notes
    with xh.sessions() as session:  # the other community never sees it
        assert session.scalar(select(func.count()).select_from(Case).where(Case.uuid == case_uuid)) == 0
    # the street's event is not sent back up as the community's own
    assert SyncClient(ty.sessions, server["url"], keys[TY]).sync_once().pushed == 0
    with server["sessions"]() as session:
        events = session.scalar(
            select(func.count()).select_from(StreetCaseEvent).where(StreetCaseEvent.case_uuid == case_uuid)
        )
    assert events == 4  # accept, dispatch, escalate, and the street's answer: each once
    ty.dispose()
    xh.dispose()


def test_wrong_key_changes_nothing_and_keeps_the_outbox(server, keys, demo_db_file, tmp_path):
    ty = _desk(demo_db_file, tmp_path, "ty-wrong", TY)
    _accept(ty, 1, offset=200)
    report = SyncClient(ty.sessions, server["url"], "not-the-key").sync_once()
    assert not report.ok and report.errors
    with ty.sessions() as session:
        waiting = session.scalar(
            select(func.count()).select_from(OutboxEntry).where(OutboxEntry.sent_at.is_(None))
        )
    assert waiting >= 2
    ty.dispose()


def test_server_killed_in_the_middle_of_a_push_loses_nothing(server, keys, demo_db_file, tmp_path):
    """A second server process on the same database is killed after the first batch arrived;
    after a restart the next round sends the rest, and the server holds exactly one copy."""
    ty = _desk(demo_db_file, tmp_path, "ty-kill", TY)
    numbers = _accept(ty, 300, offset=300)  # 300 cases + 300 events = several batches of 100
    port = free_port()
    log = tmp_path / "killed.log"
    proc = start_server(server["db"], port, log, server["env"])
    url = f"http://127.0.0.1:{port}"
    pushes = {"count": 0}

    def kill_after_first_batch(request: httpx.Request) -> None:
        if request.url.path.endswith("/push"):
            pushes["count"] += 1
            if pushes["count"] == 2:
                proc.kill()
                proc.wait(timeout=10)

    http = httpx.Client(base_url=url, timeout=30, event_hooks={"request": [kill_after_first_batch]})
    # One batch at a time, so the first is answered before the second leaves; the resends of
    # the second meet a dead server and the round ends.
    first = SyncClient(ty.sessions, url, keys[TY], http=http, batch_size=100, in_flight=1).sync_once()
    assert not first.ok and first.offline and 0 < first.pushed < 600
    proc = start_server(server["db"], port, log, server["env"])
    try:
        second = SyncClient(ty.sessions, url, keys[TY], batch_size=100).sync_once()
        assert second.ok, second.errors
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    with ty.sessions() as session:
        local = {
            uuid: (no, version, status)
            for uuid, no, version, status in session.execute(
                select(Case.uuid, Case.case_no, Case.version, Case.status).where(Case.case_no.in_(numbers))
            )
        }
    with server["sessions"]() as session:
        remote = {
            uuid: (no, version, status)
            for uuid, no, version, status in session.execute(
                select(StreetCase.uuid, StreetCase.case_no, StreetCase.version, StreetCase.status).where(
                    StreetCase.uuid.in_(list(local))
                )
            )
        }
    assert remote == local  # every case there once (uuid is the key), at the desk's version
    with ty.sessions() as session:
        assert (
            session.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.sent_at.is_(None)))
            == 0
        )
    ty.dispose()


def test_a_day_later_nothing_depends_on_the_local_clock(server, keys, demo_db_file, tmp_path, monkeypatch):
    import app.models.base as base

    ty = _desk(demo_db_file, tmp_path, "ty-clock", TY)
    monkeypatch.setattr(base, "utcnow", lambda: dt.datetime(2099, 1, 1))  # a desk with a wrong clock
    numbers = _accept(ty, 1, offset=700)
    assert SyncClient(ty.sessions, server["url"], keys[TY]).sync_once().ok
    assert numbers[0] in _server_cases(server, TY)
    ty.dispose()
