"""一户一档 and 一幢一册: what they hold, masked unless allowed, audited, within the Scope; the PDFs'
text (header rows and page numbers on every page of a long building book); the print command."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.cli import main
from app.models import AuditEntry, Building, Grid, Household, PartyOrganisation, Resident
from app.printing.documents.population_books import render_building_book, render_household_file
from app.services.admin.scope import WHOLE_STREET, scope_for, user_grid_codes
from app.services.common.idcard import check_digit, mask
from app.services.population.books import (
    BookError,
    building_book,
    building_code,
    find_building,
    household_file,
)
from tests.conftest import DEMO_TODAY


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _household_head(session, *where) -> Resident:
    stmt = (
        select(Resident)
        .join(Household)
        .join(Building)
        .join(Grid)
        .where(Resident.relation_to_head == "户主", *where)
        .order_by(Resident.id)
    )
    return session.scalars(stmt.limit(1)).one()


def _big_building(session, households: int = 90) -> str:
    """A building with many households, so that its book runs over several pages."""
    building = session.scalars(select(Building).order_by(Building.id).limit(1)).one()
    for index in range(households):
        household = Household(building_id=building.id, unit=9, room=f"{index + 1:04d}")
        session.add(household)
        session.flush()
        first17 = f"61020219800101{index:03d}"
        session.add(
            Resident(
                id_number=first17 + check_digit(first17),
                name=f"测试{index}",
                sex="male",
                birth_date=dt.date(1980, 1, 1),
                phone=f"1390000{index:04d}",
                household_id=household.id,
                relation_to_head="户主",
            )
        )
    session.flush()
    return f"{building.grid.code}/{building.name}"


def test_a_household_file_lists_every_member_masked_and_audits_each(demo_db):
    with demo_db.sessions.begin() as session:
        head = _household_head(session)
        members = list(head.household.members)
        data = household_file(
            session, head.id_number, scope=WHOLE_STREET, full_data=False, actor="qiantai", today=DEMO_TODAY
        )
        assert data.head == head.name and len(data.members) == len(members)
        assert {m.id_number for m in data.members} == {mask(m.id_number) for m in members}
        assert any(c.role == "网格长" for c in data.contacts)
        pdf = render_household_file(data, centre_name="测试社区党群服务中心")
    text = "".join(_pages(pdf))
    assert "一户一档" in text and head.name in text and "第 1 页 共 1 页" in text
    assert mask(head.id_number) in text and head.id_number not in text
    with demo_db.sessions() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.purpose == "打印一户一档")).all()
    assert {e.resident_id for e in entries} == {m.id for m in members}
    assert all(e.action == "print" and e.actor == "qiantai" for e in entries)


def test_full_numbers_only_when_allowed(demo_db):
    with demo_db.sessions() as session:
        head = _household_head(session)
        data = household_file(session, head.id_number, scope=WHOLE_STREET, full_data=True, actor="admin")
        assert head.id_number in {m.id_number for m in data.members}
        book = building_book(
            session,
            building_code(session, head.id_number, scope=WHOLE_STREET),
            scope=WHOLE_STREET,
            full_data=True,
            actor="admin",
        )
        assert head.id_number in {line.head_id_number for line in book.households}


def test_a_building_book_repeats_its_header_on_every_page(demo_db):
    with demo_db.sessions.begin() as session:
        code = _big_building(session)
        book = building_book(
            session, code, scope=WHOLE_STREET, full_data=False, actor="houtai", today=DEMO_TODAY
        )
        building_id = find_building(session, code, scope=WHOLE_STREET).id
        residents = session.scalar(
            select(func.count())
            .select_from(Resident)
            .join(Household)
            .where(Household.building_id == building_id)
        )
        pdf = render_building_book(book, centre_name="测试社区党群服务中心")
    assert len(book.households) >= 90 and book.code == code
    assert [(h.unit, h.room) for h in book.households] == sorted(
        ((h.unit, h.room) for h in book.households), key=lambda k: (k[0], int(k[1]))
    )
    pages = _pages(pdf)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "户主身份证号" in page and "房号" in page, number  # the header row, repeated
        assert f"第 {number} 页 共 {len(pages)} 页" in page
        assert book.building in page  # the running head
    text = "".join(pages)
    assert "61020219800101000" not in text and "6102**********" in text
    assert "楼栋长" in text
    with demo_db.sessions() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert entry.action == "print" and code in entry.purpose and entry.subject == f"{book.residents}条"
    assert book.residents == residents


def test_the_party_group_of_the_building_is_named(demo_db):
    with demo_db.sessions() as session:
        group = session.scalars(
            select(PartyOrganisation).where(PartyOrganisation.level == "building_group").limit(1)
        ).first()
        if group is None:
            pytest.skip("the small demo street has no building party group")
        building = session.get(Building, group.building_id)
        book = building_book(
            session, f"{building.grid.code}/{building.name}", scope=WHOLE_STREET, full_data=False, actor="a"
        )
        assert book.party_group.startswith(group.name)


def test_a_grid_worker_prints_only_their_own_grids(demo_db):
    with demo_db.sessions() as session:
        scope = scope_for(session, "wangge")
        codes = user_grid_codes(session, "wangge")
        outsider = _household_head(session, Grid.code.not_in(codes))
        insider = _household_head(session, Grid.code.in_(codes))
        with pytest.raises(BookError, match="网格"):
            household_file(session, outsider.id_number, scope=scope, full_data=False, actor="wangge")
        with pytest.raises(BookError):
            building_code(session, outsider.id_number, scope=scope)
        outside_code = building_code(session, outsider.id_number, scope=WHOLE_STREET)
        with pytest.raises(BookError, match="网格"):
            building_book(session, outside_code, scope=scope, full_data=False, actor="wangge")
        assert household_file(
            session, insider.id_number, scope=scope, full_data=False, actor="wangge"
        ).members
        with pytest.raises(BookError, match="网格编码/楼名"):
            building_book(session, "no-slash", scope=WHOLE_STREET, full_data=False, actor="a")
        with pytest.raises(BookError, match="没有名为"):
            building_book(session, f"{codes[0]}/无此楼", scope=WHOLE_STREET, full_data=False, actor="a")


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_print_commands_write_audited_pdfs(capsys, demo_db, tmp_path):
    with demo_db.sessions() as session:
        codes = user_grid_codes(session, "wangge")
        outsider = _household_head(session, Grid.code.not_in(codes))
        code_of_building = building_code(session, outsider.id_number, scope=WHOLE_STREET)
    out_file = tmp_path / "hh.pdf"
    code, out, _ = _run(
        capsys, "--db", demo_db.url, "print", "household", outsider.id_number, "--out", str(out_file)
    )
    assert code == 0 and json.loads(out)["members"] >= 1
    text = "".join(_pages(out_file.read_bytes()))
    assert mask(outsider.id_number) in text and outsider.id_number not in text
    code, _, err = _run(
        capsys,
        "--db",
        demo_db.url,
        "print",
        "household",
        outsider.id_number,
        "--out",
        str(out_file),
        "--full-id",
    )
    assert code == 1 and "--user" in err
    code, _, err = _run(
        capsys,
        "--db",
        demo_db.url,
        "print",
        "household",
        outsider.id_number,
        "--out",
        str(out_file),
        "--full-id",
        "--user",
        "wangge",
    )
    assert code == 1 and "--full-id" in err
    code, _, _ = _run(
        capsys,
        "--db",
        demo_db.url,
        "print",
        "household",
        outsider.id_number,
        "--out",
        str(out_file),
        "--full-id",
        "--user",
        "admin",
    )
    assert code == 0 and outsider.id_number in "".join(_pages(out_file.read_bytes()))
    book_file = tmp_path / "bb.pdf"
    code, _, err = _run(
        capsys,
        "--db",
        demo_db.url,
        "print",
        "building",
        code_of_building,
        "--out",
        str(book_file),
        "--user",
        "wangge",
    )
    assert code == 1 and "网格" in err and not book_file.exists()
    code, out, _ = _run(
        capsys, "--db", demo_db.url, "print", "building", code_of_building, "--out", str(book_file)
    )
    assert code == 0 and json.loads(out)["building"] == code_of_building
    assert "一幢一册" in _pages(book_file.read_bytes())[0]
