"""What people type at the command line (issue 19): a bad path stores nothing, a typo in --db
does not start an empty centre, the street server never writes into the desk's database, errors
are Chinese sentences, and a closed pipe ends the command quietly."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.models import Case, Certificate, Resident
from tests.integration.conftest import ROOT


def run(capsys, *argv: str) -> tuple[int, list[dict], str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


def _count(db, model) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count(model.id))) or 0


def _someone(db) -> str:
    with db.sessions() as session:
        return session.scalars(select(Resident.id_number).order_by(Resident.id).limit(1)).one()


def test_a_receipt_that_cannot_be_written_stores_no_case(demo_db, capsys, tmp_path):
    before = _count(demo_db, Case)
    for bad in (tmp_path / "missing" / "r.pdf", tmp_path):
        code, rows, err = run(
            capsys, "--db", demo_db.url, "case", "accept", "--item", "ZM-001", "--id", _someone(demo_db),
            "--receipt", str(bad),
        )  # fmt: skip
        assert code == 1 and rows == [] and ("不存在" in err or "文件夹" in err), err
    assert _count(demo_db, Case) == before


def test_a_receipt_that_fails_after_the_case_is_stored_still_prints_the_number(
    demo_db, capsys, tmp_path, monkeypatch
):
    import app.printing.documents.cases as documents

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(documents, "write_case_document", full_disk)
    code, rows, _ = run(
        capsys, "--db", demo_db.url, "case", "accept", "--item", "ZM-001", "--id", _someone(demo_db),
        "--receipt", str(tmp_path / "r.pdf"),
    )  # fmt: skip
    assert code == 3 and rows[0]["case_no"] and "磁盘空间已满" in rows[0]["receipt_error"]
    assert "未给出 --material" in rows[0]["materials"]


def test_a_certificate_or_board_that_cannot_be_written_takes_no_serial(demo_db, capsys, tmp_path):
    before = _count(demo_db, Certificate)
    code, _, err = run(
        capsys, "--db", demo_db.url, "certificate", "issue", "--template", "JZZM", "--id", _someone(demo_db),
        "--field", "purpose=办理居住证", "--out", str(tmp_path / "nowhere" / "c.pdf"),
    )  # fmt: skip
    assert code == 1 and "不存在" in err and _count(demo_db, Certificate) == before
    code, _, err = run(capsys, "--db", demo_db.url, "boards", "--all", "--out", str(tmp_path))
    assert code == 1 and "文件夹" in err


def test_a_database_named_by_mistake_is_not_created(capsys, tmp_path, monkeypatch):
    typo = tmp_path / "yichaung.db"
    code, rows, err = run(capsys, "--db", str(typo), "cases")
    assert code == 1 and rows == [] and "不存在" in err and "yichuang init" in err and not typo.exists()
    monkeypatch.setenv("YICHUANG_DB", str(typo))
    code, _, err = run(capsys, "lookup", "11010519491231002X")
    assert code == 1 and not typo.exists()
    code, rows, _ = run(capsys, "init")
    assert code == 0 and typo.exists()
    # What opening the new database loaded is counted, not reported as nothing.
    assert rows[0]["tags_added"] > 0 and rows[0]["items_added"] > 0 and rows[0]["templates_added"] > 0


def test_the_street_commands_take_a_file_path_and_never_the_desks_database(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("YICHUANG_DB", str(tmp_path / "desk.db"))
    monkeypatch.delenv("YICHUANG_STREET_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    street = tmp_path / "street.db"
    code, rows, err = run(capsys, "street-admin", "--db", str(street), "register", "TY", "桃园社区")
    assert code == 0 and rows[0]["api_key"], err
    code, rows, _ = run(capsys, "street-admin", "--db", str(street), "list")
    assert [r["code"] for r in rows] == ["TY"]
    code, rows, _ = run(capsys, "street-admin", "list")
    assert code == 0 and rows == []
    assert not (tmp_path / "desk.db").exists() and (tmp_path / "data" / "yichuang" / "street.db").exists()


def test_usage_and_file_errors_are_chinese_sentences(capsys, tmp_path, demo_db):
    with pytest.raises(SystemExit) as stopped:
        main(["case", "accept"])
    assert stopped.value.code == 2 and "缺少必需的参数：--item, --id" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["cases", "--limit", "many"])
    assert "须为正确的数字" in capsys.readouterr().err
    code, _, err = run(capsys, "--db", demo_db.url, "import", "residents", str(tmp_path))
    assert code != 0 and "No such" not in err and "Is a directory" not in err
    not_a_database = tmp_path / "notes.db"
    not_a_database.write_bytes(b"plain text, not SQLite" * 50)
    code, _, err = run(capsys, "--db", str(not_a_database), "cases")
    assert code == 1 and "这不是数据库文件" in err and "file is not" not in err


def test_a_reader_that_closes_the_pipe_ends_the_command_quietly():
    numbers = " ".join(["11010519491231002X"] * 5000)  # about 1 MB of output: far more than a pipe holds
    shell = f"{sys.executable} -m app id check {numbers} | head -c 10 > /dev/null; echo ${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.stderr == "" and done.stdout.strip() == "141", (done.stdout, done.stderr)
