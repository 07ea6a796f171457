"""A database put back from a copy hands out no number until it has caught up with the street
(issue 20, 3): every copy is marked when made, the counters refuse while the mark is there and a
street server is set, and the first complete round brings back the numbers given after the copy
and removes the mark. Against the real street server (PostgreSQL in CI)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3

import pytest
from sqlalchemy import func, select

from app.db import COPY_SETTING, DatabaseError, backup_sqlite, open_database, restore_sqlite
from app.models import AuditEntry, Case, CaseSequence, CentreSetting, Certificate, Resident
from app.printing.certificates.renderer import PDF_RENDERER
from app.services.admin.centre import set_current_community
from app.services.admin.restored import RestoredCopyError
from app.services.cases import intake
from app.services.certificates.issue import issue_certificate
from app.services.certificates.register import CertificateError
from app.services.certificates.templates import TemplateValueError
from app.services.kiosk.common import PAUSED, KioskError
from app.services.kiosk.request import submit_request
from app.services.sync.client import SyncClient
from app.services.sync.settings import save_settings, status
from app.street import admin
from app.street.models import StreetCase, StreetCertificate
from tests.integration.conftest import cli

DF = "610202010003"


@pytest.fixture
def key(server):
    return admin.register(server["sessions"], DF, "东风社区", rotate=True)["api_key"]


def _desk(demo_db_file, path, server, key):
    shutil.copy(demo_db_file, path)
    db = open_database(f"sqlite:///{path}")
    with db.sessions.begin() as session:
        set_current_community(session, DF)
        save_settings(session, server["url"], key)
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
        return case.case_no


def _round(db, url: str, key: str):
    return SyncClient(db.sessions, url, key, timeout=5).sync_once()


def _marked(db) -> bool:
    with db.sessions() as session:
        return session.get(CentreSetting, COPY_SETTING) is not None


def test_a_put_back_copy_numbers_nothing_until_a_whole_round_has_brought_its_numbers_back(
    server, key, demo_db_file, tmp_path
):
    path = tmp_path / "df.db"
    db = _desk(demo_db_file, path, server, key)
    _accept(db, 50)
    assert _round(db, server["url"], key).ok
    backup_sqlite(db.engine, tmp_path / "copy.db")
    assert not _marked(db)  # only the copy carries the mark
    after_copy = _accept(db, 51)  # numbered after the copy was made, known to the street
    assert _round(db, server["url"], key).ok
    db.dispose()

    restore_sqlite(tmp_path / "copy.db", path)
    db = open_database(f"sqlite:///{path}")
    assert _marked(db)
    with pytest.raises(RestoredCopyError, match="须先与街道服务器完整同步一次"):
        _accept(db, 52)
    with db.sessions.begin() as session, pytest.raises(RestoredCopyError):
        person = session.scalars(select(Resident).order_by(Resident.id).offset(60).limit(1)).one()
        issue_certificate(
            session,
            PDF_RENDERER,
            template_code="JZZM",
            resident=person,
            staff_values={"purpose": "办理居住证", "since": "2012-05-01"},
            actor="qiantai",
        )
    with db.sessions.begin() as session, pytest.raises(KioskError, match=PAUSED):
        submit_request(session, None, category="环境卫生", text="楼道灯坏了", phone="13800138000")
    with db.sessions() as session:
        assert "同步完成前暂停编号" in status(session).text()

    offline = _round(db, "http://127.0.0.1:9", key)  # nothing listens there
    assert offline.offline and _marked(db)
    with pytest.raises(RestoredCopyError):
        _accept(db, 52)

    assert _round(db, server["url"], key).ok
    assert not _marked(db)
    with db.sessions() as session:
        assert session.scalar(select(func.count()).where(Case.case_no == after_copy)) == 1
    newest = _accept(db, 52)
    assert newest != after_copy
    assert _round(db, server["url"], key).ok
    with server["sessions"]() as session:
        numbers = list(session.scalars(select(StreetCase.case_no).where(StreetCase.origin_community == DF)))
    assert len(numbers) == len(set(numbers)) and newest in numbers and after_copy in numbers
    db.dispose()


def test_a_marked_copy_without_a_street_server_numbers_as_before(demo_db_file, tmp_path):
    db = open_database(f"sqlite:///{shutil.copy(demo_db_file, tmp_path / 'alone.db')}")
    backup_sqlite(db.engine, tmp_path / "copy.db")
    db.dispose()
    copy = open_database(f"sqlite:///{tmp_path / 'copy.db'}")
    assert _marked(copy)
    assert _accept(copy, 5)  # no street to ask: nothing to wait for
    copy.dispose()


def test_restore_refuses_while_the_database_is_open_and_refuses_what_is_not_a_copy(demo_db_file, tmp_path):
    path = tmp_path / "live.db"
    db = open_database(f"sqlite:///{shutil.copy(demo_db_file, path)}")
    backup_sqlite(db.engine, tmp_path / "copy.db")
    with db.sessions() as session:  # a desk that has read something keeps its connection
        session.scalar(select(func.count(Resident.id)))
        with pytest.raises(DatabaseError, match="请先全部关闭"):
            restore_sqlite(tmp_path / "copy.db", path)
    db.dispose()
    not_a_database = tmp_path / "notes.db"
    not_a_database.write_bytes(b"these are not the records you are looking for" * 100)
    with pytest.raises(DatabaseError, match="无法读取备份文件"):
        restore_sqlite(not_a_database, path)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(DatabaseError, match="不是本程序的数据库备份"):
        restore_sqlite(other, path)
    kept = restore_sqlite(tmp_path / "copy.db", path)
    assert kept is not None and kept.exists() and kept.name.startswith("live.db.before-restore-")


def test_the_restore_command_puts_the_copy_back_audited_and_says_what_comes_next(
    server, key, demo_db_file, tmp_path
):
    path = tmp_path / "cmd.db"
    db = _desk(demo_db_file, path, server, key)
    db.dispose()
    env = {**server["env"], "YICHUANG_DB": str(path)}
    made = cli("backup", "--out", str(tmp_path / "copy.db"), env=env)
    assert made.returncode == 0, made.stderr
    done = cli("restore", "--from", str(tmp_path / "copy.db"), "--user", "admin", env=env)
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    assert said["copy_made_at"] and "yichuang sync" in said["next"]
    assert said["previous_file_kept_as"].endswith(tuple("0123456789"))
    db = open_database(f"sqlite:///{path}")
    with db.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "restore")).one()
    assert entry.actor == "admin" and entry.detail == str(tmp_path / "copy.db")
    assert _marked(db)
    db.dispose()
    refused = cli("restore", "--from", str(tmp_path / "nothing.db"), env=env)
    assert refused.returncode == 1 and "找不到备份文件" in refused.stderr


def _issue(db) -> str:
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


def test_numbers_given_twice_across_two_restores_keep_the_streets_and_move_the_desks(
    server, key, demo_db_file, tmp_path
):
    """Put back to an older copy, the desk loses a case and a certificate it never sent and gives
    their numbers again, to others, after catching up. Put back later to a newer copy that still
    holds the first two, it pulls before it pushes: the street's records keep the numbers, the
    desk's own unsent ones take the next free numbers, and staff are told which papers to fix."""
    path = tmp_path / "twice.db"
    db = _desk(demo_db_file, path, server, key)
    with db.sessions.begin() as session:  # other tests' DF desks numbered from 1 today as well
        session.add(CaseSequence(community_code="DF", day=dt.date.today(), last=800))
    assert _round(db, server["url"], key).ok
    backup_sqlite(db.engine, tmp_path / "older.db")
    lost_case, lost_serial = _accept(db, 80), _issue(db)  # never sent
    backup_sqlite(db.engine, tmp_path / "newer.db")
    db.dispose()

    restore_sqlite(tmp_path / "older.db", path)
    db = open_database(f"sqlite:///{path}")
    assert _round(db, server["url"], key).ok
    assert _accept(db, 81) == lost_case and _issue(db) == lost_serial  # the same numbers, again
    assert _round(db, server["url"], key).ok
    db.dispose()

    restore_sqlite(tmp_path / "newer.db", path)
    db = open_database(f"sqlite:///{path}")
    report = _round(db, server["url"], key)
    assert report.ok and not report.errors, report.errors
    assert len(report.conflicts) == 2 and any(lost_case in c and "申请人" in c for c in report.conflicts)
    assert any(lost_serial in c and "收回重开" in c for c in report.conflicts)
    assert _round(db, server["url"], key).ok
    with server["sessions"]() as session:
        cases = list(session.scalars(select(StreetCase.case_no).where(StreetCase.origin_community == DF)))
        serials = list(session.scalars(select(StreetCertificate.data["serial"].as_string())))
    assert len(cases) == len(set(cases)) and len(serials) == len(set(serials))
    with db.sessions() as session:
        here = list(session.scalars(select(Case.case_no)))
        assert len(here) == len(set(here)) and lost_case in here and lost_case in cases
        assert not any(n.endswith("-转") for n in here)
        assert session.scalar(select(func.count(Certificate.id))) == len(
            {s for s in serials if s.startswith("DF")}
        )
    db.dispose()
