"""The demo grid worker (wangge, first two grids) sees nobody of another grid through any
command or read; the back office cannot issue certificates."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.models import LIVING, AuditEntry, Resident
from app.services.admin.scope import scope_for
from app.services.admin.stats import street_counts
from app.services.cases.detail import case_detail
from app.services.kiosk.booking import day_appointments
from tests.roles_scene import build_scene


@pytest.fixture(autouse=True)
def keys(tmp_path, monkeypatch):
    monkeypatch.setenv("YICHUANG_KEYS_DIR", str(tmp_path / "keys"))


@pytest.fixture
def scene(demo_db):
    return build_scene(demo_db)


def run(capsys, db, *argv: str) -> tuple[int, list[dict], str]:
    code = main(["--db", db.url, *argv])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.startswith("{")], err


def test_lookup_of_another_grids_resident_is_refused_and_audited(demo_db, scene, capsys):
    code, rows, err = run(capsys, demo_db, "lookup", scene.outside.id_number, "--user", "wangge")
    assert code == 1 and not rows and "该居民不在您负责的网格" in err
    assert scene.outside.id_number not in err
    with demo_db.sessions() as session:
        refused = session.scalars(select(AuditEntry).where(AuditEntry.action == "lookup_refused")).all()
    assert [(e.actor, e.resident_id) for e in refused] == [("wangge", scene.outside.id)]
    code, rows, _ = run(capsys, demo_db, "lookup", scene.inside.id_number, "--user", "wangge")
    assert code == 0 and rows[0]["name"] == scene.inside.name
    code, rows, _ = run(capsys, demo_db, "lookup", scene.outside.id_number, "--user", "qiantai")
    assert code == 0 and rows[0]["name"] == scene.outside.name


def test_cases_command_lists_only_the_grid_workers_cases(demo_db, scene, capsys):
    _, rows, _ = run(capsys, demo_db, "cases", "--user", "wangge")
    numbers = {r["case_no"] for r in rows}
    assert scene.inside.case_no in numbers and scene.outside.case_no not in numbers
    _, rows, _ = run(capsys, demo_db, "cases")
    assert {scene.inside.case_no, scene.outside.case_no} <= {r["case_no"] for r in rows}


def test_case_detail_of_another_grid_is_not_there_for_the_grid_worker(demo_db, scene):
    with demo_db.sessions() as session:
        scope = scope_for(session, "wangge")
        assert case_detail(session, scene.outside.case_no, scene.day, scope) is None
        assert case_detail(session, scene.inside.case_no, scene.day, scope) is not None


def test_certificate_register_command_lists_only_their_grids(demo_db, scene, capsys):
    _, rows, _ = run(capsys, demo_db, "certificate", "register", "--user", "wangge")
    serials = {r["serial"] for r in rows}
    assert scene.inside.serial in serials and scene.outside.serial not in serials


def test_certificate_issue_refuses_another_grid_and_the_back_office(demo_db, scene, capsys, tmp_path):
    fields = ["--field", "purpose=办理居住证", "--field", "since=2012-05-01"]
    argv = ["certificate", "issue", "--template", "JZZM", *fields, "--out", str(tmp_path / "c.pdf")]
    code, _, err = run(capsys, demo_db, *argv, "--id", scene.outside.id_number, "--user", "wangge")
    assert code == 1 and "该居民不在您负责的网格" in err
    code, _, err = run(capsys, demo_db, *argv, "--id", scene.inside.id_number, "--user", "houtai")
    assert code == 1 and "不能开具证明" in err
    code, rows, _ = run(capsys, demo_db, *argv, "--id", scene.inside.id_number, "--user", "wangge")
    assert code == 0 and rows[0]["serial"]


def test_certificate_batch_of_another_grid_finds_nobody_for_the_grid_worker(demo_db, scene, capsys, tmp_path):
    argv = ["certificate", "batch", "--template", "JZZM", "--grid", scene.outside.grid_code]
    argv += ["--field", "purpose=办理居住证", "--field", "since=2012-05-01", "--out", str(tmp_path / "b.pdf")]
    code, _, err = run(capsys, demo_db, *argv, "--user", "wangge")
    assert code == 1 and "没有符合条件的居民" in err


def test_boards_command_prints_only_their_grids(demo_db, scene, capsys, tmp_path):
    out = str(tmp_path / "boards.pdf")
    code, _, err = run(
        capsys, demo_db, "boards", "--grid", scene.outside.grid_code, "--out", out, "--user", "wangge"
    )
    assert code == 1 and "不在您负责的范围" in err
    code, rows, _ = run(capsys, demo_db, "boards", "--all", "--out", out, "--user", "wangge")
    assert code == 0 and rows[0]["grids"] == scene.own_grids


def test_appointments_and_counts_are_narrowed(demo_db, scene):
    with demo_db.sessions() as session:
        scope = scope_for(session, "wangge")
        names = {row.holder_name for row in day_appointments(session, scene.day, scope)}
        everyone = {row.holder_name for row in day_appointments(session, scene.day)}
        assert scene.inside.name in names and scene.outside.name not in names
        assert scene.outside.name in everyone
        counts = street_counts(session, scope).totals
        theirs = session.scalar(
            select(func.count())
            .select_from(Resident)
            .where(scope.resident_filter(), Resident.state == LIVING)
        )
        assert counts.grids == 2 and counts.residents == theirs < street_counts(session).totals.residents


def test_reprint_and_void_are_refused_outside_the_grid_workers_grids_and_to_the_back_office(
    demo_db, scene, capsys, tmp_path
):
    out = str(tmp_path / "again.pdf")
    code, _, err = run(
        capsys, demo_db, "certificate", "reprint", scene.outside.serial, "--out", out, "--user", "wangge"
    )
    assert code == 1 and scene.outside.serial in err
    code, _, err = run(
        capsys, demo_db, "certificate", "void", scene.outside.serial, "--reason", "填错", "--user", "wangge"
    )
    assert code == 1 and "无编号" in err
    code, _, err = run(
        capsys, demo_db, "certificate", "void", scene.inside.serial, "--reason", "填错", "--user", "houtai"
    )
    assert code == 1 and "不能开具证明" in err
    code, _, _ = run(
        capsys, demo_db, "certificate", "reprint", scene.inside.serial, "--out", out, "--user", "wangge"
    )
    assert code == 0


def test_a_grid_worker_cannot_accept_a_case_for_someone_of_another_grid(demo_db, scene, capsys):
    with demo_db.sessions() as session:
        before = session.scalar(select(func.count()).select_from(AuditEntry))
    argv = ["case", "accept", "--item", "ZM-001", "--user", "wangge"]
    code, rows, err = run(capsys, demo_db, *argv, "--id", scene.outside.id_number)
    assert code != 0 and not rows and "该居民不在您负责的网格" in err
    assert scene.outside.id_number not in err
    with demo_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_a_grid_worker_changes_only_their_own_grids_and_staff(demo_db, scene):
    from app.models import GridStaff
    from app.services.grids.places import update_grid
    from app.services.grids.rules import GridEditError
    from app.services.grids.staff import add_staff, remove_staff, update_staff

    with demo_db.sessions() as session:
        other = session.scalars(
            select(GridStaff).where(GridStaff.grid.has(code=scene.outside.grid_code))
        ).first()
        mine = session.scalars(select(GridStaff).where(GridStaff.grid.has(code=scene.own_grids[0]))).first()
        for change in (
            lambda: update_grid(session, scene.outside.grid_code, {"hotline": "0919-3188000"}, "wangge"),
            lambda: add_staff(
                session, scene.outside.grid_code, {"name": "新人", "role": "helper"}, actor="wangge"
            ),
            lambda: update_staff(session, other.id, {"phone": "13900000000"}, actor="wangge"),
            lambda: remove_staff(session, other.id, actor="wangge"),
        ):
            with pytest.raises(GridEditError, match="不在您负责的范围"):
                change()
        assert update_staff(session, mine.id, {"phone": "13900000000"}, actor="wangge")
        assert update_grid(session, scene.outside.grid_code, {"hotline": "0919-3188000"}, "qiantai")
        session.rollback()
