"""Desks and the real street server on loopback (PostgreSQL in CI): one version is one content at
both ends after a transfer, a pull page that ends inside a transfer loses nothing, a desk restored
from an older copy catches up and reuses no number, and records are keyed per owner."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from app.db import open_database
from app.models import Case, CaseEvent, CaseSequence, Certificate, OutboxEntry, Resident
from app.printing.certificates.renderer import PDF_RENDERER
from app.services.admin.centre import set_current_community
from app.services.cases import intake, workflow
from app.services.certificates.issue import issue_certificate
from app.services.certificates.register import CertificateError
from app.services.certificates.templates import TemplateValueError
from app.services.sync.client import SyncClient
from app.services.sync.settings import status
from app.street import admin
from app.street.models import StreetCase, StreetCaseEvent, StreetCertificate
from tests.integration import conftest

TY, XH, DF = "610202010001", "610202010002", "610202010003"


@pytest.fixture
def keys(server):
    def key(code: str) -> str:
        return admin.register(server["sessions"], code, f"社区{code}", rotate=True)["api_key"]

    return {TY: key(TY), XH: key(XH), DF: key(DF)}


def _desk(demo_db_file, tmp_path, name: str, community: str):
    path = tmp_path / f"{name}.db"
    shutil.copy(demo_db_file, path)
    db = open_database(f"sqlite:///{path}")
    with db.sessions.begin() as session:
        set_current_community(session, community)
    return db


def _accept(db, offset: int) -> str:
    with db.sessions.begin() as session:
        person = session.scalars(select(Resident).order_by(Resident.id).offset(offset).limit(1)).one()
        item = intake.find_item(session, "ZM-001")
        case = intake.accept(
            session,
            item_code="ZM-001",
            resident=person,
            actor="qiantai",
            materials_received=list(item.materials),
        )
        session.flush()
        return case.uuid


def _sync(db, server, key) -> None:
    report = SyncClient(db.sessions, server["url"], key).sync_once()
    assert report.ok and report.rejected == 0 and not report.errors, report.errors


def _local(db, uuid_: str) -> tuple:
    with db.sessions() as session:
        case = session.scalars(select(Case).where(Case.uuid == uuid_)).one()
        return case.status, case.version, case.case_no, case.content


def _remote(server, uuid_: str) -> tuple:
    with server["sessions"]() as session:
        case = session.get(StreetCase, uuid_)
        return case.status, case.version, case.case_no, case.data.get("content")


def _waiting(db) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count(OutboxEntry.id)).where(OutboxEntry.sent_at.is_(None))) or 0


def _answer(server, case_uuid: str, **body) -> None:
    response = httpx.post(
        f"{server['url']}/api/v1/street/cases/{case_uuid}/answer",
        timeout=30,
        headers={"Authorization": f"Bearer {server['street_key']}"},
        json=body,
    )
    assert response.status_code == 200, response.text


def test_a_transferred_case_ends_identical_at_both_ends(server, keys, demo_db_file, tmp_path):
    """Issue 20, 1: TY escalates, the street transfers the case to XH (一体通办), TY's desk edits it
    while XH completes it. Every end holds the same status, content and version; nothing waits;
    TY's status change is not taken, and TY's staff see that as a conflict."""
    ty = _desk(demo_db_file, tmp_path, "ty", TY)
    xh = _desk(demo_db_file, tmp_path, "xh", XH)
    case_uuid = _accept(ty, 10)
    with ty.sessions.begin() as session:
        case = session.scalars(select(Case).where(Case.uuid == case_uuid)).one()
        workflow.apply(session, case, "dispatch", actor="qiantai", to="houtai")
        workflow.apply(session, case, "escalate", actor="houtai", to="桃园街道", note="需跨社区办理")
    _sync(ty, server, keys[TY])
    _answer(server, case_uuid, status="in_progress", note="转西华社区办理", owner_community=XH)
    _sync(ty, server, keys[TY])
    _sync(xh, server, keys[XH])
    with ty.sessions.begin() as session:  # the original desk edits its copy: a note and a status
        case = session.scalars(select(Case).where(Case.uuid == case_uuid)).one()
        case.content = "申请人补充了材料"
        case.status = "completed"
    with xh.sessions.begin() as session:  # the new owner completes it
        case = session.scalars(select(Case).where(Case.uuid == case_uuid)).one()
        workflow.apply(session, case, "complete", actor="qiantai", note="西华社区已办结")
    _sync(xh, server, keys[XH])
    _sync(ty, server, keys[TY])
    _sync(xh, server, keys[XH])
    remote = _remote(server, case_uuid)
    assert remote[0] == "completed" and remote[3] == "申请人补充了材料"
    assert _local(ty, case_uuid) == remote and _local(xh, case_uuid) == remote
    assert _waiting(ty) == 0 and _waiting(xh) == 0
    with ty.sessions() as session:
        shown = status(session)
    assert len(shown.conflicts) == 0 or all(XH in c for c in shown.conflicts)
    ty.dispose()
    xh.dispose()


def test_the_original_desks_status_change_on_a_transferred_case_is_a_conflict(
    server, keys, demo_db_file, tmp_path
):
    ty = _desk(demo_db_file, tmp_path, "ty-c", TY)
    case_uuid = _accept(ty, 20)
    with ty.sessions.begin() as session:
        case = session.scalars(select(Case).where(Case.uuid == case_uuid)).one()
        workflow.apply(session, case, "dispatch", actor="qiantai", to="houtai")
        workflow.apply(session, case, "escalate", actor="houtai", to="桃园街道", note="需跨社区办理")
    _sync(ty, server, keys[TY])
    _answer(server, case_uuid, status="in_progress", note="转西华社区办理", owner_community=XH)
    _sync(ty, server, keys[TY])
    with ty.sessions.begin() as session:
        session.scalars(select(Case).where(Case.uuid == case_uuid)).one().status = "completed"
    _sync(ty, server, keys[TY])
    assert (
        _local(ty, case_uuid) == _remote(server, case_uuid) and _remote(server, case_uuid)[0] == "in_progress"
    )
    with ty.sessions() as session:
        shown = status(session)
    assert len(shown.conflicts) == 1 and XH in shown.conflicts[0] and "“已办结”未被采用" in shown.conflicts[0]
    assert "1 处冲突待核对" in shown.text() and _waiting(ty) == 0
    ty.dispose()


def test_a_pull_page_ending_inside_a_transfer_brings_the_case_first(server, keys):
    """Issue 20, 2 at the server: a transferred case is numbered before its re-sequenced history,
    so a page of one record brings the case, and its events follow."""
    a, b = TY, XH
    a_headers = {"Authorization": f"Bearer {keys[a]}"}
    b_headers = {"Authorization": f"Bearer {keys[b]}"}
    case_uuid = str(uuid.uuid4())
    records = [
        {
            "type": "case",
            "uuid": case_uuid,
            "version": 1,
            "origin_community": a,
            "data": {"case_no": f"TY-{case_uuid[:8]}", "status": "escalated"},
        },
        {
            "type": "case_event",
            "uuid": str(uuid.uuid4()),
            "version": 1,
            "origin_community": a,
            "data": {"case_uuid": case_uuid, "actor": "前台", "action": "accept", "note": "受理"},
        },
    ]
    with httpx.Client(base_url=server["url"], timeout=30) as http:
        pushed = http.post(
            "/api/v1/push", headers=a_headers, json={"batch_id": str(uuid.uuid4()), "records": records}
        )
        assert pushed.status_code == 200
        cursor = http.get("/api/v1/pull", headers=b_headers, params={"cursor": 0, "limit": 1000}).json()[
            "cursor"
        ]
        _answer(server, case_uuid, status="in_progress", note="转西华", owner_community=b)
        page = http.get("/api/v1/pull", headers=b_headers, params={"cursor": cursor, "limit": 1}).json()
    assert [(r["type"], r["uuid"]) for r in page["records"]] == [("case", case_uuid)] and page["more"]


def test_a_desk_restored_from_an_older_copy_catches_up_and_reuses_no_number(
    server, keys, demo_db_file, tmp_path
):
    """Issue 20, 3: the copy is taken after a first round; then a case is added and another edited
    and sent. Restored, the desk's next round brings both back (its receipt is older than its
    writes), a change made on the restored copy is rebased, never answered "unchanged", and the
    next case number follows the street's, not the copy's."""
    ty = _desk(demo_db_file, tmp_path, "ty-r", DF)
    first = _accept(ty, 30)
    _sync(ty, server, keys[DF])
    ty.dispose()
    path = tmp_path / "ty-r.db"
    shutil.copy(path, tmp_path / "backup.db")
    ty = open_database(f"sqlite:///{path}")
    later = _accept(ty, 31)
    with ty.sessions.begin() as session:
        session.scalars(select(Case).where(Case.uuid == first)).one().content = "备份之后的改动"
    _sync(ty, server, keys[DF])
    later_no = _local(ty, later)[2]
    ty.dispose()
    shutil.copy(tmp_path / "backup.db", path)  # the restore
    ty = open_database(f"sqlite:///{path}")
    with ty.sessions.begin() as session:  # a change on the restored copy, based on the old version
        session.scalars(select(Case).where(Case.uuid == first)).one().address = "恢复后补录的地址"
    _sync(ty, server, keys[DF])
    _sync(ty, server, keys[DF])
    assert _local(ty, later) == _remote(server, later) and _local(ty, later)[2] == later_no
    assert _local(ty, first) == _remote(server, first) and _local(ty, first)[3] == "备份之后的改动"
    with server["sessions"]() as session:
        assert session.get(StreetCase, first).data["address"] == "恢复后补录的地址"
    newest = _accept(ty, 32)
    assert _local(ty, newest)[2] != later_no
    _sync(ty, server, keys[DF])
    assert _local(ty, newest) == _remote(server, newest) and _waiting(ty) == 0
    ty.dispose()


def _event(origin: str, event_uuid: str, on: str, note: str) -> dict:
    data = {"case_uuid": on, "actor": "前台", "action": "note", "note": note}
    return {"type": "case_event", "uuid": event_uuid, "version": 1, "origin_community": origin, "data": data}


def _new_case(origin: str, case_uuid: str, status: str = "accepted") -> dict:
    return {
        "type": "case",
        "uuid": case_uuid,
        "version": 1,
        "origin_community": origin,
        "data": {"case_no": f"{origin[-2:]}-{case_uuid[:8]}", "status": status},
    }


def _push(http, key: str, records: list[dict]) -> list[str]:
    response = http.post(
        "/api/v1/push",
        headers={"Authorization": f"Bearer {key}"},
        json={"batch_id": str(uuid.uuid4()), "records": records},
    )
    assert response.status_code == 200, response.text
    return [r["status"] for r in response.json()["results"]]


def _pull_everything(http, key: str) -> list[dict]:
    pulled, cursor = [], 0
    while True:
        body = http.get(
            "/api/v1/pull",
            headers={"Authorization": f"Bearer {key}"},
            params={"cursor": cursor, "limit": 1000},
        ).json()
        pulled += body["records"]
        cursor = body["cursor"]
        if not body["more"]:
            return pulled


def test_an_event_uuid_another_community_used_is_stored_as_its_own(server, keys):
    """Issue 20, 4: not "unchanged" and dropped, not refused (nothing tells B the uuid exists)."""
    shared, a_case, b_case = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    with httpx.Client(base_url=server["url"], timeout=30) as http:
        assert (
            _push(http, keys[TY], [_new_case(TY, a_case), _event(TY, shared, a_case, "甲")])
            == ["applied"] * 2
        )
        b_records = [_new_case(XH, b_case, "escalated"), _event(XH, shared, b_case, "乙的记录")]
        assert _push(http, keys[XH], b_records) == ["applied"] * 2
        _answer(server, b_case, status="in_progress", note="转甲社区", owner_community=TY)
        pulled = _pull_everything(http, keys[TY])
    notes = [
        r["data"]["note"] for r in pulled if r["type"] == "case_event" and r["data"]["case_uuid"] == b_case
    ]
    assert "乙的记录" in notes  # B's event reached the case's new owner


def test_an_event_for_an_unknown_case_never_joins_another_communitys_case(server, keys):
    """Issue 20, 4: A sends an event for a case uuid the server does not know; B later creates a
    case with that uuid. A's event is not part of B's case: B never pulls it."""
    case_uuid = str(uuid.uuid4())
    with httpx.Client(base_url=server["url"], timeout=30) as http:
        assert _push(http, keys[TY], [_event(TY, str(uuid.uuid4()), case_uuid, "甲的记录")]) == ["applied"]
        assert _push(http, keys[XH], [_new_case(XH, case_uuid)]) == ["applied"]
        pulled = _pull_everything(http, keys[XH])
    assert [r for r in pulled if r["type"] == "case_event" and r["data"]["case_uuid"] == case_uuid] == []


def _issue(db) -> str:
    """A 居住证明 for the first demo resident whose record has every field it prints."""
    with db.sessions.begin() as session:
        for person in session.scalars(select(Resident).order_by(Resident.id).offset(40).limit(40)):
            try:
                with session.begin_nested():
                    return issue_certificate(
                        session,
                        PDF_RENDERER,
                        template_code="JZZM",
                        resident=person,
                        staff_values={"purpose": "办理居住证", "since": "2012-05-01"},
                        actor="qiantai",
                    ).serial
            except (CertificateError, TemplateValueError):
                continue
    raise AssertionError("no demo resident could have a 居住证明")


def test_a_restored_desk_gets_its_later_certificates_back_and_reuses_no_serial(
    server, keys, demo_db_file, tmp_path
):
    """A certificate issued after the copy was made comes back with the first round after the
    restore, and the next certificate takes the serial after it, not the copy's next one."""
    db = _desk(demo_db_file, tmp_path, "cert-r", XH)
    _sync(db, server, keys[XH])
    db.dispose()
    path = tmp_path / "cert-r.db"
    shutil.copy(path, tmp_path / "backup.db")
    db = open_database(f"sqlite:///{path}")
    later = _issue(db)
    _sync(db, server, keys[XH])
    db.dispose()
    shutil.copy(tmp_path / "backup.db", path)  # the restore
    db = open_database(f"sqlite:///{path}")
    _sync(db, server, keys[XH])
    with db.sessions() as session:
        assert session.scalar(select(func.count()).where(Certificate.serial == later)) == 1
    newest = _issue(db)
    assert newest != later
    _sync(db, server, keys[XH])
    with server["sessions"]() as session:
        serials = list(session.scalars(select(StreetCertificate.data["serial"].as_string())))
    assert sorted(serials) == sorted({later, newest}) and _waiting(db) == 0
    db.dispose()


def test_a_step_on_a_case_handed_on_since_is_not_taken_and_staff_are_told(
    server, keys, demo_db_file, tmp_path
):
    """TY escalates, the street hands the case to XH, XH escalates it again and the street hands
    it to DF. XH's desk, before it has pulled that, adds a note and closes the case: the street
    refuses both for good (not_owner) and sends the case; XH takes it whole, its note is removed,
    staff read both in the conflicts, and nothing waits or differs."""
    ty = _desk(demo_db_file, tmp_path, "ty-n", TY)
    xh = _desk(demo_db_file, tmp_path, "xh-n", XH)
    with ty.sessions.begin() as session:  # other tests' TY desks numbered from 1 today as well
        session.add(CaseSequence(community_code="TY", day=dt.date.today(), last=700))
    case_uuid = _accept(ty, 70)
    with ty.sessions.begin() as session:
        case = session.scalars(select(Case).where(Case.uuid == case_uuid)).one()
        workflow.apply(session, case, "dispatch", actor="qiantai", to="houtai")
        workflow.apply(session, case, "escalate", actor="houtai", to="桃园街道", note="需跨社区办理")
    _sync(ty, server, keys[TY])
    _answer(server, case_uuid, status="in_progress", note="转西华社区办理", owner_community=XH)
    _sync(xh, server, keys[XH])
    with xh.sessions.begin() as session:
        case = session.scalars(select(Case).where(Case.uuid == case_uuid)).one()
        workflow.apply(session, case, "escalate", actor="houtai", to="桃园街道", note="西华也办不了")
    _sync(xh, server, keys[XH])
    _answer(server, case_uuid, status="in_progress", note="转东风社区办理", owner_community=DF)
    with xh.sessions.begin() as session:  # XH has not pulled the second hand-over
        case = session.scalars(select(Case).where(Case.uuid == case_uuid)).one()
        case.status = "in_progress"
        workflow.apply(session, case, "progress", actor="houtai", note="西华已电话联系申请人")
        workflow.apply(session, case, "complete", actor="houtai", note="西华认为已办结")
        mine = {e.uuid for e in case.events if "西华" in e.note and e.action in ("progress", "complete")}
    report = SyncClient(xh.sessions, server["url"], keys[XH]).sync_once()
    assert report.ok and not report.errors and len(report.conflicts) == 3, report.conflicts
    assert (
        _local(xh, case_uuid) == _remote(server, case_uuid) and _remote(server, case_uuid)[0] == "in_progress"
    )
    with xh.sessions() as session:
        kept = set(session.scalars(select(CaseEvent.uuid).where(CaseEvent.uuid.in_(mine))))
        shown = status(session)
    assert kept == set() and _waiting(xh) == 0 and shown.rejected == 0 and not shown.last_error
    assert any("西华已电话联系申请人" in c and DF in c for c in shown.conflicts)
    assert any("状态“已办结”未被采用" in c for c in shown.conflicts)
    again = SyncClient(xh.sessions, server["url"], keys[XH]).sync_once()
    assert again.ok and again.pushed == 0 and again.rejected == 0
    with server["sessions"]() as session:
        assert not set(session.scalars(select(StreetCaseEvent.uuid).where(StreetCaseEvent.uuid.in_(mine))))
    ty.dispose()
    xh.dispose()


def test_a_community_the_case_was_handed_on_from_keeps_getting_its_changes(
    server, keys, demo_db_file, tmp_path
):
    """TY escalates, the street hands the case to XH, XH escalates it back and the street returns
    it to TY, which escalates it again: XH is neither its origin, owner nor the community that
    escalated it last, but XH's desk holds a copy its staff read; that copy follows the street's."""
    ty = _desk(demo_db_file, tmp_path, "ty-h", TY)
    xh = _desk(demo_db_file, tmp_path, "xh-h", XH)
    with ty.sessions.begin() as session:  # other tests' TY desks numbered from 1 today as well
        session.add(CaseSequence(community_code="TY", day=dt.date.today(), last=900))
    case_uuid = _accept(ty, 90)

    def step(db, action: str, note: str) -> None:
        with db.sessions.begin() as session:
            case = session.scalars(select(Case).where(Case.uuid == case_uuid)).one()
            workflow.apply(session, case, action, actor="houtai", to="桃园街道", note=note)

    step(ty, "dispatch", "")
    step(ty, "escalate", "需跨社区办理")
    _sync(ty, server, keys[TY])
    _answer(server, case_uuid, status="in_progress", note="转西华社区办理", owner_community=XH)
    _sync(xh, server, keys[XH])
    step(xh, "escalate", "西华也办不了")
    _sync(xh, server, keys[XH])
    _answer(server, case_uuid, status="in_progress", note="退回桃园社区", owner_community=TY)
    _sync(ty, server, keys[TY])
    step(ty, "escalate", "仍需街道协调")
    _sync(ty, server, keys[TY])
    _sync(xh, server, keys[XH])
    remote = _remote(server, case_uuid)
    assert remote[0] == "escalated" and _local(xh, case_uuid) == remote == _local(ty, case_uuid)
    ty.dispose()
    xh.dispose()


@pytest.fixture
def own_database_url(tmp_path):
    """A database of its own (a PostgreSQL schema when the test's database is PostgreSQL)."""
    if not conftest._postgres_answers() or os.environ.get("YICHUANG_TEST_POSTGRES") == "skip":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    import psycopg

    schema = f"street_migration_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield f"{conftest.PG_URL}?options=-csearch_path%3D{schema}"
    with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def test_the_street_migrations_fill_holders_and_drop_plain_kiosk_hashes(own_database_url):
    """s0003: a case stored before gets its origin, owner and the community that escalated it, each
    once, and the street never. s0004: a walk-in request's plain ID hash leaves its event."""
    from alembic import command
    from alembic.config import Config

    from app.street.models import migrations_dir, open_engine

    engine = open_engine(own_database_url)
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    rows = {
        "m-own": ("TY", "TY", ""),
        "m-moved": ("TY", "XH", "TY"),
        "m-up": ("TY", "street", "XH"),
    }
    try:
        command.upgrade(config, "s0002")
        with engine.begin() as conn:
            for uuid_, (origin, owner, escalated) in rows.items():
                conn.exec_driver_sql(
                    "INSERT INTO street_cases (uuid, case_no, origin_community, owner_community, "
                    "escalated_from, last_writer, status, version, data, seq, updated_at) "
                    "VALUES (%(u)s, %(u)s, %(o)s, %(w)s, %(e)s, %(o)s, 'accepted', 1, '{}', 0, "
                    "CURRENT_TIMESTAMP)"
                    if engine.dialect.name == "postgresql"
                    else "INSERT INTO street_cases (uuid, case_no, origin_community, owner_community, "
                    "escalated_from, last_writer, status, version, data, seq, updated_at) "
                    "VALUES (:u, :u, :o, :w, :e, :o, 'accepted', 1, '{}', 0, CURRENT_TIMESTAMP)",
                    {"u": uuid_, "o": origin, "w": owner, "e": escalated},
                )
            events = sa.table(
                "street_case_events",
                *(sa.column(c) for c in ("origin_community", "uuid", "case_uuid", "case_origin", "seq")),
                sa.column("data", sa.JSON),
                sa.column("received_at", sa.DateTime),
            )
            for uuid_, data in (
                ("e-kiosk", {"note": "诉求", "id_hash": "ab" * 32}),
                ("e-plain", {"note": "x"}),
            ):
                conn.execute(
                    sa.insert(events).values(
                        origin_community="TY",
                        uuid=uuid_,
                        case_uuid="m-own",
                        case_origin="TY",
                        seq=0,
                        data=data,
                        received_at=dt.datetime(2026, 11, 20),
                    )
                )
        command.upgrade(config, "head")
        with engine.begin() as conn:
            found = dict(
                conn.exec_driver_sql(
                    "SELECT uuid, holders FROM street_cases WHERE uuid IN ('m-own', 'm-moved', 'm-up')"
                ).all()
            )
            kept = dict(conn.execute(sa.select(events.c.uuid, events.c.data)).all())
    finally:
        engine.dispose()
    assert found == {"m-own": ",TY,", "m-moved": ",TY,XH,", "m-up": ",TY,XH,"}
    assert kept == {"e-kiosk": {"note": "诉求"}, "e-plain": {"note": "x"}}


def test_a_plain_kiosk_hash_sent_by_an_older_desk_is_not_kept(server, keys):
    case_uuid, event_uuid = str(uuid.uuid4()), str(uuid.uuid4())
    event = _event(DF, event_uuid, case_uuid, "自助终端诉求")
    event["data"]["id_hash"] = "cd" * 32
    with httpx.Client(base_url=server["url"], timeout=30) as http:
        assert _push(http, keys[DF], [_new_case(DF, case_uuid), event]) == ["applied", "applied"]
    with server["sessions"]() as session:
        stored = session.scalars(select(StreetCaseEvent.data).where(StreetCaseEvent.uuid == event_uuid)).one()
    assert "id_hash" not in stored and stored["note"] == "自助终端诉求"
