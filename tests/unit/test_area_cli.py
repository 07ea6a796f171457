"""``street set`` and ``community add|edit|list``, and the grids workbook's 社区 sheet."""

from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEntry, Grid
from tests.unit.centre_files import COMMUNITY, STREET, write_grids_workbook
from tests.unit.test_real_centre import run


def _new(capsys, tmp_path) -> list[str]:
    db = ["--db", str(tmp_path / "c.db")]
    assert run(capsys, *db, "init")[0] == 0
    return db


def test_codes_and_prefixes_are_refused_with_one_clear_sentence(capsys, tmp_path):
    db = _new(capsys, tmp_path)
    code, _, err = run(capsys, *db, "community", "add", COMMUNITY[0], COMMUNITY[1], "--prefix", "HX")
    assert code == 1 and "请先运行 yichuang street set" in err
    code, _, err = run(capsys, *db, "street", "set", "61020201", "红旗街道")
    assert code == 1 and "9位数字" in err
    assert run(capsys, *db, "street", "set", *STREET)[0] == 0
    code, _, err = run(capsys, *db, "community", "add", "61020201100", "红星社区", "--prefix", "HX")
    assert code == 1 and "12位数字" in err
    code, _, err = run(capsys, *db, "community", "add", "610202099001", "红星社区", "--prefix", "HX")
    assert code == 1 and "610202011 开头" in err
    code, _, err = run(capsys, *db, "community", "add", COMMUNITY[0], "红星社区", "--prefix", "H1")
    assert code == 1 and "英文字母" in err
    assert run(capsys, *db, "community", "add", COMMUNITY[0], "红星社区", "--prefix", "HX")[0] == 0
    code, _, err = run(capsys, *db, "community", "add", "610202011002", "红光社区", "--prefix", "hx")
    assert code == 1 and "已被社区 610202011001 使用" in err
    code, _, err = run(capsys, *db, "community", "add", COMMUNITY[0], "红光社区", "--prefix", "HG")
    assert code == 1 and "已存在" in err
    code, _, err = run(capsys, *db, "street", "set", "610202012", "红旗街道")
    assert code == 1 and "不能改为" in err


def test_the_first_community_is_the_centres_and_every_change_is_audited(capsys, tmp_path, monkeypatch):
    db = _new(capsys, tmp_path)
    run(capsys, *db, "street", "set", *STREET, "--hotline", "0919-3180000")
    code, rows, _ = run(capsys, *db, "street", "set", *STREET, "--city", "铜川市")
    assert code == 0 and rows[0]["hotline"] == "0919-3180000" and rows[0]["city"] == "铜川市"
    assert rows[0]["board_qr"] == "vcard" and not rows[0]["created"]
    run(capsys, *db, "community", "add", *COMMUNITY[:2], "--prefix", COMMUNITY[2])
    run(capsys, *db, "community", "add", "610202011002", "红光社区", "--prefix", "HG")
    code, rows, _ = run(capsys, *db, "community", "list")
    assert [(r["code"], r["is_centre"]) for r in rows] == [(COMMUNITY[0], True), ("610202011002", False)]
    code, rows, _ = run(
        capsys, *db, "community", "edit", "610202011002", "--hours", "周一至周六", "--issuer", "红光居委会"
    )
    assert code == 0 and rows[0]["hours"] == "周一至周六" and rows[0]["issuer"] == "红光居委会"
    assert rows[0]["prefix"] == "HG"  # what was not given is kept
    code, _, err = run(capsys, *db, "community", "edit", "610202011002")
    assert code == 1 and "没有要修改的内容" in err
    code, _, err = run(capsys, *db, "community", "edit", "610202011009", "--name", "x")
    assert code == 1 and "不存在" in err
    from app.db import open_database

    database = open_database(f"sqlite:///{tmp_path / 'c.db'}")
    with database.sessions() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    database.dispose()
    assert actions.count("street_set") == 2 and actions.count("community_add") == 2
    assert actions.count("community_edit") == 1


def test_a_grids_workbook_may_bring_its_communities(capsys, tmp_path):
    db = _new(capsys, tmp_path)
    run(capsys, *db, "street", "set", *STREET)
    book = write_grids_workbook(tmp_path / "g.xlsx", community_sheet=True)
    code, rows, _ = run(capsys, *db, "import", "grids", str(book), "--dry-run")
    assert code == 0 and rows[0]["communities_created"] == 1 and not rows[0]["written"]
    assert run(capsys, *db, "community", "list")[1] == []  # a dry run writes nothing
    code, rows, _ = run(capsys, *db, "import", "grids", str(book))
    assert code == 0 and rows[0]["communities_created"] == 1 and rows[0]["grids_created"] == 2
    code, rows, _ = run(capsys, *db, "community", "list")
    assert rows[0]["prefix"] == "HX" and rows[0]["address"] == "红星路8号" and rows[0]["is_centre"]
    code, rows, _ = run(capsys, *db, "import", "grids", str(book))
    assert code == 0 and rows[0]["communities_unchanged"] == 1 and rows[0]["grids_unchanged"] == 2


def test_a_refused_community_row_is_reported_and_nothing_is_written(capsys, tmp_path):
    from openpyxl import load_workbook

    db = _new(capsys, tmp_path)
    run(capsys, *db, "street", "set", *STREET)
    book = write_grids_workbook(tmp_path / "g.xlsx", community_sheet=True)
    wb = load_workbook(book)
    wb["社区"]["C2"] = "红星"  # not letters
    wb.save(book)
    code, rows, _ = run(capsys, *db, "import", "grids", str(book))
    assert code == 1 and not rows[0]["written"]
    assert rows[0]["rejected"][0] == {"sheet": "社区", "row": 2, "reason": rows[0]["rejected"][0]["reason"]}
    assert "英文字母" in rows[0]["rejected"][0]["reason"]
    assert any(r["sheet"] == "网格" for r in rows[0]["rejected"])  # its grids have no community
    from app.db import open_database

    database = open_database(f"sqlite:///{tmp_path / 'c.db'}")
    with database.sessions() as session:
        assert session.scalars(select(Grid)).all() == []
    database.dispose()
