"""A real centre from nothing, by the command line as its administrator types it: a new database
with no demo data, its street, its community, its grids and residents from its own workbooks,
then a case, a certificate and the notice boards."""

from __future__ import annotations

import io
import json

import pypdf

from app.cli import main
from tests.unit.centre_files import (
    COMMUNITY,
    GRIDS,
    HEAD,
    STREET,
    write_grids_workbook,
    write_residents_workbook,
)


def run(capsys, *argv: str) -> tuple[int, list[dict], str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


def pdf_text(path) -> str:
    return "\n".join(
        page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages
    )


def test_a_new_centre_from_an_empty_database_to_its_first_certificate(tmp_path, capsys):
    db = ["--db", str(tmp_path / "centre.db")]
    grids = write_grids_workbook(tmp_path / "网格.xlsx")
    residents = write_residents_workbook(tmp_path / "居民.xlsx")

    assert run(capsys, *db, "init")[0] == 0
    code, _, err = run(capsys, *db, "import", "grids", str(grids))
    assert code == 1  # no community yet: the grids are refused, nothing written
    code, rows, _ = run(capsys, *db, "street", "set", *STREET, "--district", "王益区", "--city", "铜川市")
    assert code == 0 and rows[0]["created"] and rows[0]["street_name"] == "红旗街道"
    code, rows, err = run(
        capsys, *db, "community", "add", COMMUNITY[0], COMMUNITY[1], "--prefix", COMMUNITY[2].lower(),
        "--address", "红星路8号", "--phone", "0919-3180001", "--issuer", "红旗街道红星社区居民委员会",
    )  # fmt: skip
    assert code == 0, err
    assert rows[0]["prefix"] == "HX" and rows[0]["is_centre"] is True
    code, rows, _ = run(capsys, *db, "centre")
    assert rows[0]["centre_name"] == "红星社区党群服务中心"

    code, rows, err = run(capsys, *db, "import", "grids", str(grids))
    assert code == 0, rows
    assert rows[0]["grids_created"] == 2 and rows[0]["staff_created"] == 2 and rows[0]["written"]
    code, rows, _ = run(capsys, *db, "import", "residents", str(residents), "--strict")
    assert code == 0, rows
    assert rows[0]["created"] == 2 and rows[0]["households_created"] == 1 and rows[0]["written"]

    code, rows, err = run(capsys, *db, "case", "accept", "--item", "ZM-001", "--id", HEAD)
    assert code == 0, err
    assert rows[0]["case_no"].startswith("HX")

    pdf = tmp_path / "居住证明.pdf"
    code, rows, err = run(
        capsys, *db, "certificate", "issue", "--template", "JZZM", "--id", HEAD,
        "--field", "purpose=办理居住证", "--field", "since=2012-05-01", "--out", str(pdf),
    )  # fmt: skip
    assert code == 0, err
    assert rows[0]["serial"].startswith("HXJZ")
    text = pdf_text(pdf)
    assert "红旗街道红星社区居民委员会" in text and "王建国" in text
    assert "桃园" not in text  # nothing of the demo street

    boards = tmp_path / "公示牌.pdf"
    code, rows, err = run(capsys, *db, "boards", "--all", "--out", str(boards))
    assert code == 0, err
    assert sorted(rows[0]["grids"]) == sorted(GRIDS)
    board_text = pdf_text(boards)
    assert "红星一网格" in board_text and "李明" in board_text

    # and the new centre finds a person without the card: by the pinyin initials of the name
    code, rows, err = run(capsys, *db, "residents", "--search", "wjg")
    assert code == 0, err
    found = [r for r in rows if "name" in r]
    assert [r["name"] for r in found] == ["王建国"]
    assert "610202196803040319" not in str(rows)  # masked


def test_the_centres_own_heading_prints_where_the_template_leaves_it_to_the_centre(tmp_path, capsys):
    db = ["--db", str(tmp_path / "centre.db")]
    run(capsys, *db, "init")
    run(capsys, *db, "street", "set", *STREET)
    code, _, err = run(
        capsys, *db, "community", "add", COMMUNITY[0], COMMUNITY[1], "--prefix", COMMUNITY[2],
        "--heading", "红星社区党群服务中心（便民服务站）",
    )  # fmt: skip
    assert code == 0, err
    run(capsys, *db, "import", "grids", str(write_grids_workbook(tmp_path / "g.xlsx")))
    run(capsys, *db, "import", "residents", str(write_residents_workbook(tmp_path / "r.xlsx")))
    pdf = tmp_path / "c.pdf"
    code, _, err = run(
        capsys, *db, "certificate", "issue", "--template", "JZZM", "--id", HEAD,
        "--field", "purpose=办理居住证", "--field", "since=2012-05-01", "--out", str(pdf),
    )  # fmt: skip
    assert code == 0, err
    text = pdf_text(pdf)
    assert "红星社区党群服务中心（便民服务站）" in text  # the heading the centre set
    assert "红星社区居民委员会" in text  # the default 落款: the community's own committee


def test_the_centres_community_is_kept_within_a_transaction_and_follows_a_change(demo_db):
    from sqlalchemy import select

    from app.models import Community
    from app.services.admin.centre import current_community, set_current_community

    with demo_db.sessions() as session:
        codes = list(session.scalars(select(Community.code).order_by(Community.code)))
        assert len(codes) >= 2  # the demo street has several communities
        first = current_community(session)
        assert current_community(session) is first
        other = next(code for code in codes if code != first.code)
        set_current_community(session, other)
        assert current_community(session).code == other  # not the kept one
        session.rollback()
        assert current_community(session).code == first.code  # a new transaction reads it again
