"""The command-line contract of DESIGN.md, driven as a script would drive it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import select

from app.cli import main
from app.models import AuditEntry, Resident


def run(capsys, *argv: str) -> tuple[int, list[dict], str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


def test_id_check_prints_one_object_a_line_and_exit_code(capsys):
    code, rows, _ = run(capsys, "id", "check", "11010519491231002X")
    assert code == 0
    assert rows == [
        {
            "id": "11010519491231002X",
            "valid": True,
            "error": None,
            "birth_date": "1949-12-31",
            "sex": "female",
            "region_code": "110105",
            "province": rows[0]["province"],
            "county": rows[0]["county"],
            "converted_from_15": False,
        }
    ]
    code, rows, _ = run(capsys, "id", "check", "11010519491231002X", "110105194912310021")
    assert code == 1 and [r["valid"] for r in rows] == [True, False] and "校验码" in rows[1]["error"]


DEMO_STAFF = {"admin", "qiantai", "wangge"}  # who voids a demo certificate


def test_init_demo_then_lookup_is_audited(capsys, tmp_path):
    db = str(tmp_path / "cli.db")
    code, rows, _ = run(capsys, "--db", db, "init", "--demo", "--residents", "400", "--seed", "5")
    assert code == 0 and rows[0]["demo"]["residents"] >= 400 and rows[0]["schema"]
    with sqlite3.connect(db) as conn:
        number, name = conn.execute("SELECT id_number, name FROM residents LIMIT 1").fetchone()
        # The demo's year of certificates went through the issuing use case, which audits each.
        (last,) = conn.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()
        assert {a for (a,) in conn.execute("SELECT DISTINCT actor FROM audit_log")} <= {"demo", *DEMO_STAFF}
    code, rows, _ = run(capsys, "--db", db, "lookup", number, "--user", "qiantai")
    assert code == 0 and rows[0]["name"] == name and rows[0]["grid"]["name"]
    with sqlite3.connect(db) as conn:
        added = conn.execute("SELECT actor, action FROM audit_log WHERE id > ?", (last,)).fetchall()
    assert added == [("qiantai", "lookup")]


def test_lookup_failures_are_one_sentence_on_stderr(capsys, tmp_path):
    db = str(tmp_path / "empty.db")
    assert run(capsys, "--db", db, "init")[0] == 0  # a named file that does not exist is refused
    code, rows, err = run(capsys, "--db", db, "lookup", "11010519491231002X")
    assert code == 1 and rows == []
    assert err.startswith("yichuang: ") and err.count("\n") == 1 and "11010519491231002X" not in err
    code, _, err = run(capsys, "--db", db, "lookup", "123")
    assert code == 1 and "18位" in err
    code, _, err = run(capsys, "--db", db, "lookup", "11010519491231002X", "--user", "ghost")
    assert code == 1 and "不存在" in err


def test_catalogue_lists_items_and_searches(capsys, tmp_path):
    db = str(tmp_path / "cat.db")
    assert run(capsys, "--db", db, "init")[0] == 0
    code, rows, _ = run(capsys, "--db", db, "catalogue")
    assert code == 0 and len(rows) >= 30
    assert set(rows[0]) >= {
        "code",
        "name",
        "category",
        "promised_days",
        "materials",
        "self_service",
        "template",
    }
    _, rows, _ = run(capsys, "--db", db, "catalogue", "--search", "jzzm")
    assert rows[0]["name"] == "居住证明" and rows[0]["template"] == "JZZM"


def test_user_add_reads_password_from_stdin(capsys, tmp_path, monkeypatch):
    import io

    db = str(tmp_path / "u.db")
    assert run(capsys, "--db", db, "init")[0] == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-secret\n"))
    code, rows, _ = run(
        capsys,
        "--db",
        db,
        "user",
        "add",
        "zhang",
        "--role",
        "front_desk",
        "--name",
        "张敏",
        "--password-stdin",
    )
    assert code == 0 and rows == [{"username": "zhang", "role": "front_desk", "display_name": "张敏"}]
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    code, _, err = run(capsys, "--db", db, "user", "add", "li", "--role", "admin", "--password-stdin")
    assert code == 1 and "至少" in err


def test_backup_is_consistent_while_a_writer_holds_a_transaction(capsys, tmp_path, demo_db, monkeypatch):
    from app.commands import database_cmd

    db_path = demo_db.url[len("sqlite:///") :]
    writer = sqlite3.connect(db_path)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE residents SET name = '未提交' WHERE id = 1")
    copy_while_writing = database_cmd.backup_sqlite

    def copy_then_writer_finishes(engine, target):
        # The copy is taken while the transaction is open; then the desk's write ends, as a real
        # one does within milliseconds, and the backup's audit entry can be written.
        copy_while_writing(engine, target)
        writer.rollback()

    monkeypatch.setattr(database_cmd, "backup_sqlite", copy_then_writer_finishes)
    try:
        code, rows, _ = run(capsys, "--db", db_path, "backup", "--out", str(tmp_path / "copy.db"))
    finally:
        writer.rollback()
        writer.close()
    assert code == 0 and rows[0]["bytes"] > 0
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT name FROM residents WHERE id = 1").fetchone()[0] != "未提交"
        assert copy.execute("SELECT count(*) FROM residents").fetchone()[0] >= 1500


def test_backup_to_an_unwritable_place_says_so(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert run(capsys, "--db", str(tmp_path / "b.db"), "init")[0] == 0
    code, _, err = run(
        capsys, "--db", str(tmp_path / "b.db"), "backup", "--out", str(blocker / "sub" / "c.db")
    )
    assert code == 1 and "无法写入备份文件" in err


def test_unexpected_errors_are_a_sentence_not_sql_with_personal_data(capsys, tmp_path, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    import app.commands.lookup_cmd as lookup_cmd

    def boom(*_a, **_k):
        raise IntegrityError(
            "INSERT INTO residents VALUES (?)",
            ["张三", "11010519491231002X"],
            Exception("UNIQUE constraint failed: residents.id_number"),
        )

    assert run(capsys, "--db", str(tmp_path / "e.db"), "init")[0] == 0
    monkeypatch.setattr(lookup_cmd, "lookup", boom)
    code, _, err = run(capsys, "--db", str(tmp_path / "e.db"), "lookup", "11010519491231002X")
    assert code == 2 and "UNIQUE constraint failed" in err
    assert "张三" not in err and "11010519491231002X" not in err and "Traceback" not in err


def test_python_dash_m_app_is_the_same_command():
    result = subprocess.run(
        [sys.executable, "-m", "app", "id", "check", "11010519491231002X"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and json.loads(result.stdout)["valid"] is True


@pytest.mark.parametrize("argv", [["--version"]])
def test_version(capsys, argv):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 0 and "yichuang" in capsys.readouterr().out


def test_lookup_json_resident_is_the_one_in_the_database(demo_db, capsys):
    with demo_db.sessions() as session:
        person = session.scalars(select(Resident).limit(1)).one()
    code, rows, _ = run(capsys, "--db", demo_db.url, "lookup", person.id_number)
    assert code == 0 and rows[0]["id_number"] == person.id_number
    with demo_db.sessions() as session:
        assert session.scalars(select(AuditEntry)).one().actor.startswith("cli:")
