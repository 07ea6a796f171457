"""Grid notice boards: every QR decodes, the text is extractable, everything stays on the page."""

from __future__ import annotations

import io
import itertools
import json
import re

import pypdf
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image, ImageDraw
from reportlab.lib.units import mm
from sqlalchemy import event, func, select
from sqlalchemy.orm import joinedload

from app.cli import main
from app.models import (
    LIVING,
    AuditEntry,
    Building,
    Grid,
    GridStaff,
    Household,
    PartyOrganisation,
    Resident,
    Street,
)
from app.models.staff import BUILDING_LEADER, GRID_LEADER, HELPER, STAFF_ROLES
from app.printing.boards.pdf import BoardsCancelled, layout_boards, page_size, render_boards
from app.services.grids.boards import (
    BoardCommunity,
    BoardData,
    BoardError,
    BoardGrid,
    BoardStaff,
    board_data,
    boards_data,
    leader_vcard,
    mark_previewed_printed,
    mark_printed,
    outdated_grid_codes,
    qr_text_for,
    split_name,
    vcard_escape,
)
from tests.conftest import DEMO_TODAY

URL_TEMPLATE = "https://taoyuan.example.gov.cn/report?grid={grid_code}"
COMBINATIONS = list(itertools.product(("A4", "A3"), ("portrait", "landscape")))
PRINTER_MARGIN = 5 * mm  # what a printer cannot print at the edge of the sheet


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def decoded_qr_codes(pdf: bytes) -> list[list[str]]:
    """The QR texts found on each page rendered at 150 dpi, as a phone camera would see print."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for index in range(len(document)):
            image = document[index].render(scale=150 / 72).to_pil()
            found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            pages.append([barcode.text for barcode in found])
        return pages
    finally:
        document.close()


def leader_phones(session) -> dict[str, str]:
    stmt = select(Grid.code, GridStaff.name, GridStaff.phone).join(GridStaff, GridStaff.grid_id == Grid.id)
    return {
        code: (name, phone)
        for code, name, phone in session.execute(stmt.where(GridStaff.role == GRID_LEADER))
    }


# ------------------------------------------------------------------------------------ batch
def test_every_demo_board_prints_with_a_decodable_vcard_and_extractable_text(demo_db):
    with demo_db.sessions() as session:
        boards = boards_data(session, None, DEMO_TODAY)
        leaders = leader_phones(session)
        grids = {g.code: g for g in session.scalars(select(Grid).options(joinedload(Grid.community)))}
        ids = set(session.scalars(select(Resident.id_number)))
        assert session.scalar(select(Street.board_qr_mode)) == "vcard"
    assert len(boards) == len(grids) == 60
    pdf = render_boards(boards)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 60
    texts = pdf_pages(pdf)
    for board, codes, text in zip(boards, decoded_qr_codes(pdf), texts, strict=True):
        name, phone = leaders[board.grid.code]
        assert codes == [board.qr_text], board.grid.code
        assert codes[0].startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
        assert f"\r\nFN:{name}\r\n" in codes[0] and f"\r\nTEL;TYPE=CELL:{phone}\r\n" in codes[0]
        grid, flat = grids[board.grid.code], squash(text)
        assert squash(grid.name) in flat and grid.community.name in flat
        for boundary in (grid.boundary_east, grid.boundary_south, grid.boundary_west, grid.boundary_north):
            assert squash(boundary[2:]) in flat  # the demo writes 东至…; the board prints the label once
        assert name in flat and phone in flat
        assert "12345" in flat and f"公示牌版本v{grid.board_version}" in flat
        assert "2026年11月23日" in flat
        # Boards are public: never an ID number, neither a staff member's nor anyone's.
        assert not re.search(r"\d{17}[\dXx]", flat)
        assert not any(number in flat for number in ids)


def test_url_mode_fills_the_street_template_on_every_page(demo_db):
    with demo_db.sessions.begin() as session:
        street = session.scalars(select(Street)).one()
        street.board_qr_mode, street.board_url_template = "url", URL_TEMPLATE
    with demo_db.sessions() as session:
        boards = boards_data(session, None, DEMO_TODAY)
    pdf = render_boards(boards, paper="A3", orientation="landscape")
    pages = decoded_qr_codes(pdf)
    assert len(pages) == 60
    for board, codes in zip(boards, pages, strict=True):
        assert codes == [URL_TEMPLATE.replace("{grid_code}", board.grid.code)]
    assert "扫码上报问题" in pdf_pages(pdf)[0]


def test_counts_come_from_the_population_base_in_grouped_queries(demo_db):
    statements: list[str] = []
    engine = demo_db.engine

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with demo_db.sessions() as session:
        event.listen(engine, "before_cursor_execute", count)
        try:
            boards = boards_data(session, None, DEMO_TODAY)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(statements) <= 8  # not one query per grid
        for board in boards[:5]:
            grid_id = session.scalar(select(Grid.id).where(Grid.code == board.grid.code))
            households = session.scalar(
                select(func.count(Household.id)).join(Household.building).where(Building.grid_id == grid_id)
            )
            residents = session.scalar(
                select(func.count(Resident.id))
                .join(Resident.household)
                .join(Household.building)
                .where(Building.grid_id == grid_id, Resident.state == LIVING)
            )
            assert (board.grid.households, board.grid.residents) == (households, residents)
            assert residents > 0
            branch = session.scalars(
                select(PartyOrganisation).where(
                    PartyOrganisation.grid_id == grid_id, PartyOrganisation.level == "grid_branch"
                )
            ).one()
            assert board.grid.party_branch == branch.name
            order = [list(STAFF_ROLES).index(s.role) for s in board.staff]
            assert order == sorted(order) and board.staff[0].role == GRID_LEADER
            assert board.leader is board.staff[0]


# ------------------------------------------------------------------------------------ layout
LONG_BOUNDARY = (
    "沿人民东路向东至铜川市王益区第二人民医院住院部北侧围墙，再折向南经桃园新村二期东门及农贸市场后门，"
    "一直到黄堡河北岸防洪堤（含堤上绿化带和沿河步道）"
)
LONG_NAMES = [
    "阿卜杜热合曼·买买提艾力",
    "欧阳娜娜",
    "Christopher Montgomery",
    "司马相如",
    "热依拉·阿不都克热木江",
    "诸葛孔明",
]


def photo(colour=(90, 140, 200)) -> bytes:
    image = Image.new("RGB", (300, 400), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((90, 60, 210, 200), fill=(240, 210, 180))
    draw.rectangle((50, 240, 250, 400), fill=(30, 40, 70))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def crowded_grid(demo_db) -> str:
    """A demo grid with very long names and boundaries and exactly twelve staff (two with photos,
    one with a damaged photo)."""
    with demo_db.sessions.begin() as session:
        grid = session.scalars(select(Grid).order_by(Grid.code)).first()
        grid.name = "第十二网格（和平里小区、桃园新村及沿街商铺综合网格）"
        grid.community.name = "新华社区居民委员会暨新华社区党群服务中心"
        grid.boundary_east = "东至" + LONG_BOUNDARY
        grid.boundary_south = LONG_BOUNDARY
        grid.boundary_west = LONG_BOUNDARY[::-1]
        grid.boundary_north = LONG_BOUNDARY
        grid.coverage = "和平里小区1—24号楼、桃园新村一期二期全部楼栋、人民东路北侧沿街商铺及农贸市场" * 4
        grid.hotline = "0919-3188000-8001"
        grid.star_rating = 5
        session.execute(GridStaff.__table__.delete().where(GridStaff.grid_id == grid.id))
        building = session.scalars(select(Building).where(Building.grid_id == grid.id)).first()
        roles = [r for r in STAFF_ROLES if r not in (HELPER, BUILDING_LEADER)] + [HELPER, BUILDING_LEADER]
        for index, role in enumerate(roles):
            session.add(
                GridStaff(
                    grid_id=grid.id,
                    role=role,
                    name=LONG_NAMES[index % len(LONG_NAMES)],
                    phone="0919-31880000-801" if index % 2 else f"1391234{index:04d}",
                    organisation="铜川市公安局王益分局桃园派出所社区警务队第三警务室（驻桃园新村警务工作站）",
                    duty="负责网格内治安防范、户籍服务和警情处置，定期入户走访，排查矛盾纠纷和安全隐患。" * 5,
                    building_id=building.id if role == BUILDING_LEADER else None,
                    photo=photo()
                    if index in (0, 5)
                    else b"\xff\xd8\xffnot really a jpeg"
                    if index == 7
                    else None,
                    sort_order=index,
                )
            )
        return grid.code


def check_boxes(boxes, width, height) -> list[str]:
    """Every box on the sheet inside the printable area, inside its parent, and apart from its
    siblings; returns what is wrong."""
    problems = []
    for box in boxes:
        if not (
            box.x >= PRINTER_MARGIN
            and box.y >= PRINTER_MARGIN
            and box.x2 <= width - PRINTER_MARGIN
            and box.y2 <= height - PRINTER_MARGIN
        ):
            problems.append(f"{box.kind} {box.text!r} leaves the page")
        if box.parent is not None and not boxes[box.parent].contains(box):
            problems.append(f"{box.kind} {box.text!r} leaves its {boxes[box.parent].kind}")
    by_parent: dict = {}
    for box in boxes:
        by_parent.setdefault(box.parent, []).append(box)
    for siblings in by_parent.values():
        for a, b in itertools.combinations(siblings, 2):
            if a.overlaps(b):
                problems.append(f"{a.kind} {a.text!r} overlaps {b.kind} {b.text!r}")
    return problems


def small_print(boxes) -> list:
    """The organisation and duty lines of the staff cards: never under 7 printed points."""
    lines = [box for box in boxes if box.kind in ("organisation", "duty")]
    assert lines and min(box.size for box in lines) >= 7 - 1e-6
    return lines


def shown_phones(boxes) -> str:
    """The phone numbers a page shows: the lines of each card's phone joined, and the list's."""
    per_card: dict = {}
    for box in boxes:
        if box.kind == "phone":
            per_card[box.parent] = per_card.get(box.parent, "") + box.text
    listed = [box.text for box in boxes if box.kind in ("list_phone", "list_more")]
    text = " ".join([*per_card.values(), *listed])
    assert "…" not in text
    return text


@pytest.mark.parametrize(("paper", "orientation"), COMBINATIONS)
def test_long_names_long_boundaries_and_twelve_staff_fit_every_paper(
    demo_db, crowded_grid, paper, orientation
):
    with demo_db.sessions() as session:
        board = board_data(session, crowded_grid, DEMO_TODAY)
    assert len(board.staff) == 12
    width, height = page_size(paper, orientation)
    [boxes] = layout_boards([board], paper=paper, orientation=orientation)
    assert check_boxes(boxes, width, height) == []
    notes = small_print(
        boxes
    )  # a long organisation is shortened, never cut (a building leader: the building)
    shown = {box.text for box in notes if box.kind == "organisation"}
    assert shown == {"桃园派出所社区警务队第三警务室", "和平里1号楼"}
    kinds = [box.kind for box in boxes]
    # All twelve are shown: as cards, or as lines of the compact list.
    assert kinds.count("leader") + kinds.count("card") + kinds.count("list_name") == 12
    assert kinds.count("photo") == 2 and kinds.count("avatar") == 10  # the damaged photo prints an avatar
    phones = shown_phones(boxes)
    assert all(person.phone in phones for person in board.staff)
    [qr] = [box for box in boxes if box.kind == "qr"]
    assert qr.w >= 30 * mm and qr.h == qr.w
    for label in ("东至", "南至", "西至", "北至"):
        assert any(box.text == label for box in boxes)

    pdf = render_boards([board], paper=paper, orientation=orientation)
    assert decoded_qr_codes(pdf) == [[board.qr_text]]
    flat = squash(pdf_pages(pdf)[0])
    assert squash(LONG_BOUNDARY) in flat  # wrapped over lines, never cut
    assert board.grid.boundary_east == LONG_BOUNDARY  # the leading 东至 printed once, as the label
    for name in LONG_NAMES:
        assert squash(name) in flat
    assert "公示牌版本v" in flat


def _longest(length: int, words: str = "和平里小区东侧人民路") -> str:
    return (words * (length // len(words) + 1))[:length]


@pytest.mark.parametrize(("paper", "orientation"), COMBINATIONS)
def test_every_field_at_its_maximum_length_still_stays_on_the_page(paper, orientation):
    """Nobody writes 200-character boundaries and twenty 50-character names, but nothing may then
    leave the page or overlap: texts give up lines and end with … instead."""
    roles = list(STAFF_ROLES)
    staff = tuple(
        BoardStaff(
            name=_longest(50, "阿卜杜热合曼·买买提"),
            role=roles[i % 12],
            role_name=STAFF_ROLES[roles[i % 12]][0],
            phone=f"0919-3188{i:04d}-801234",
            duty=_longest(300),
            organisation=_longest(80),
            building=_longest(50) if roles[i % 12] == BUILDING_LEADER else "",
        )
        for i in range(20)
    )
    qr = leader_vcard(
        name=staff[0].name,
        phone=staff[0].phone,
        community=_longest(50),
        grid=_longest(50),
        hotline="0919-31880000-801234",
    )
    board = BoardData(
        street=_longest(50),
        street_hotline="0919-3188000",
        community=BoardCommunity(_longest(50), "0919-31880000-801234", _longest(100)),
        grid=BoardGrid(
            code="A" * 20,
            name=_longest(50),
            boundary_east=_longest(200),
            boundary_south=_longest(200),
            boundary_west=_longest(200),
            boundary_north=_longest(200),
            coverage=_longest(500),
            area_km2=99.9999,
            buildings=99_999,
            households=9_999_999,
            residents=99_999_999,
            party_branch=_longest(80),
            party_secretary=_longest(50),
            hotline="0919-31880000-801234",
            star_rating=5,
        ),
        staff=staff,
        qr_text=qr,
        qr_mode="vcard",
        board_version=12345,
        printed_on=DEMO_TODAY,
    )
    [boxes] = layout_boards([board], paper=paper, orientation=orientation)
    assert check_boxes(boxes, *page_size(paper, orientation)) == []
    small_print(boxes)
    shown = shown_phones(boxes)  # a long number may take two lines of its card, never an ellipsis
    missing = [p.phone for p in staff if p.phone not in shown]
    assert not missing or f"另有{len(missing)}人" in shown
    assert decoded_qr_codes(render_boards([board], paper=paper, orientation=orientation)) == [[qr]]


def test_an_empty_grid_and_a_missing_leader_still_make_a_board(demo_db):
    with demo_db.sessions.begin() as session:
        grid = session.scalars(select(Grid).order_by(Grid.code)).first()
        session.execute(GridStaff.__table__.delete().where(GridStaff.grid_id == grid.id))
        grid.boundary_east = grid.coverage = ""
        grid.area_km2 = None
        grid.star_rating = 0
        code = grid.code
    with demo_db.sessions() as session:
        board = board_data(session, code, DEMO_TODAY)
    assert board.staff == () and board.leader is None
    assert "FN:" in board.qr_text and "TITLE:网格长" in board.qr_text  # a card of the grid itself
    for paper, orientation in COMBINATIONS:
        [boxes] = layout_boards([board], paper=paper, orientation=orientation)
        assert check_boxes(boxes, *page_size(paper, orientation)) == []
    pdf = render_boards([board])
    assert decoded_qr_codes(pdf) == [[board.qr_text]]
    assert "网格人员信息更新中" in squash(pdf_pages(pdf)[0])


def test_progress_and_cancel_for_a_worker_thread(demo_db):
    with demo_db.sessions() as session:
        boards = boards_data(session, None, DEMO_TODAY)[:4]
    seen: list[tuple[int, int]] = []
    render_boards(boards, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    with pytest.raises(BoardsCancelled):
        render_boards(boards, cancelled=lambda: len(seen) >= 6, progress=lambda d, t: seen.append((d, t)))
    assert len(seen) == 6
    with pytest.raises(ValueError, match="纸张"):
        render_boards(boards, paper="B5")


# ------------------------------------------------------------------------------------ QR text
def test_vcard_values_are_escaped_per_rfc_6350():
    assert vcard_escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    card = leader_vcard(
        name="欧阳,晓;明",
        phone="139 1234 5678",
        community="桃园;社区",
        grid="第1,网格",
        hotline="0919-3188000",
    )
    lines = card.split("\r\n")
    assert lines[0] == "BEGIN:VCARD" and lines[1] == "VERSION:3.0" and lines[-1] == "END:VCARD"
    assert "N:欧阳;\\,晓\\;明;;;" in lines
    assert "FN:欧阳\\,晓\\;明" in lines
    assert "ORG:桃园\\;社区;第1\\,网格" in lines
    assert "TITLE:网格长" in lines and "TEL;TYPE=CELL:139 1234 5678" in lines
    assert any(line.startswith("NOTE:") and "0919-3188000" in line and "12345" in line for line in lines)
    assert "\n" not in card.replace("\r\n", "")
    assert split_name("王建国") == ("王", "建国")
    assert split_name("欧阳晓明") == ("欧阳", "晓明")
    assert split_name("Anna Li") == ("Li", "Anna")


def test_vcard_decodes_from_the_printed_page(demo_db):
    with demo_db.sessions.begin() as session:
        leader = session.scalars(select(GridStaff).where(GridStaff.role == GRID_LEADER)).first()
        leader.name, leader.phone = "欧阳,明;", "13900001111"
        code = leader.grid.code
    with demo_db.sessions() as session:
        board = board_data(session, code, DEMO_TODAY)
    assert "FN:欧阳\\,明\\;" in board.qr_text and "TEL;TYPE=CELL:13900001111" in board.qr_text
    assert decoded_qr_codes(render_boards([board])) == [[board.qr_text]]


def test_url_mode_needs_a_template_with_the_grid_code(demo_db):
    with demo_db.sessions.begin() as session:
        street = session.scalars(select(Street)).one()
        grid = session.scalars(select(Grid).order_by(Grid.code)).first()
        street.board_qr_mode, street.board_url_template = "url", ""
        with pytest.raises(BoardError, match="网址模板"):
            qr_text_for(street, grid, None)
        street.board_url_template = "https://example.gov.cn/report"
        with pytest.raises(BoardError, match="grid_code"):
            qr_text_for(street, grid, None)
        street.board_url_template = URL_TEMPLATE
        assert qr_text_for(street, grid, None) == f"https://taoyuan.example.gov.cn/report?grid={grid.code}"
        street.board_qr_mode = "sms"
        with pytest.raises(BoardError, match="url 或 vcard"):
            qr_text_for(street, grid, None)
        street.board_qr_mode, street.board_url_template = "url", ""
    with demo_db.sessions() as session, pytest.raises(BoardError, match="网址模板"):
        boards_data(session, None, DEMO_TODAY)


# ------------------------------------------------------------------------------------ printed
def test_mark_printed_clears_outdated_and_writes_one_audit_entry(demo_db):
    with demo_db.sessions.begin() as session:
        grids = list(session.scalars(select(Grid).order_by(Grid.code)))[:3]
        for grid in grids:
            grid.board_version += 1
        codes = [g.code for g in grids]
    with demo_db.sessions.begin() as session:
        assert set(codes) <= set(outdated_grid_codes(session))
        assert mark_printed(session, codes, "admin") == 3
    with demo_db.sessions() as session:
        for grid in session.scalars(select(Grid).where(Grid.code.in_(codes))):
            assert not grid.board_outdated and grid.board_printed_at is not None
        [entry] = session.scalars(select(AuditEntry)).all()
        assert (entry.actor, entry.action, entry.purpose, entry.subject) == (
            "admin",
            "print",
            "打印网格公示牌",
            "3",
        )
    with demo_db.sessions.begin() as session, pytest.raises(BoardError, match="NOPE"):
        mark_printed(session, ["NOPE"], "admin")
    # Rendered at one version, edited before the print was recorded: still to be reprinted.
    with demo_db.sessions() as session:
        rendered = board_data(session, codes[0], DEMO_TODAY)
    with demo_db.sessions.begin() as session:
        session.scalars(select(Grid).where(Grid.code == codes[0])).one().board_version += 1
    with demo_db.sessions.begin() as session:
        mark_printed(session, [codes[0]], "admin", versions={codes[0]: rendered.board_version})
    with demo_db.sessions() as session:
        grid = session.scalars(select(Grid).where(Grid.code == codes[0])).one()
        assert grid.board_outdated and grid.board_printed_version == rendered.board_version


def test_a_preview_marks_printed_only_the_boards_unchanged_since_rendering(demo_db):
    with demo_db.sessions.begin() as session:
        grids = list(session.scalars(select(Grid).order_by(Grid.code)))[:3]
        for grid in grids:
            grid.board_version += 1
        rendered = {g.code: g.board_version for g in grids}
    first, second, third = rendered
    with demo_db.sessions.begin() as session:  # grid 3 is edited while the preview is open
        session.scalars(select(Grid).where(Grid.code == third)).one().board_version += 1
    with demo_db.sessions.begin() as session:
        assert mark_previewed_printed(session, rendered, "wangge") == [first, second]
    with demo_db.sessions() as session:
        outdated = set(outdated_grid_codes(session))
        assert third in outdated and not {first, second} & outdated
        [entry] = session.scalars(select(AuditEntry)).all()
        assert (entry.actor, entry.subject, entry.detail) == ("wangge", "2", f"{first}、{second}")
    with demo_db.sessions.begin() as session:  # nothing left unchanged: nothing recorded
        assert mark_previewed_printed(session, {third: rendered[third]}, "wangge") == []
    with demo_db.sessions() as session:
        assert len(session.scalars(select(AuditEntry)).all()) == 1


# ------------------------------------------------------------------------------------ CLI
def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(x) for x in out.splitlines() if x.strip()], err


def test_cli_all_prints_every_grid_and_marks_them_printed(capsys, demo_db, tmp_path):
    out = tmp_path / "boards.pdf"
    code, rows, err = run(
        capsys, "--db", demo_db.url, "boards", "--all", "--out", str(out), "--user", "admin"
    )
    assert code == 0, err
    [result] = rows
    assert result["pages"] == 60 and len(result["grids"]) == 60 and result["out"] == str(out.resolve())
    assert result["seconds"] >= 0
    assert len(pypdf.PdfReader(out).pages) == 60
    with demo_db.sessions() as session:
        assert outdated_grid_codes(session) == []
        [entry] = session.scalars(select(AuditEntry)).all()
        assert (entry.actor, entry.action, entry.subject) == ("admin", "print", "60")


def test_cli_grid_outdated_and_unknown(capsys, demo_db, tmp_path):
    with demo_db.sessions() as session:
        codes = list(session.scalars(select(Grid.code).order_by(Grid.code)))
    out = tmp_path / "two.pdf"
    code, [result], _ = run(
        capsys,
        "--db",
        demo_db.url,
        "boards",
        "--grid",
        codes[5],
        codes[2],
        "--out",
        str(out),
        "--paper",
        "A3",
        "--landscape",
    )
    assert code == 0 and result["pages"] == 2 and result["grids"] == [codes[5], codes[2]]
    page = pypdf.PdfReader(out).pages[0]
    assert sorted(round(float(v) / mm) for v in page.mediabox[2:]) == [297, 420]

    code, rows, err = run(
        capsys, "--db", demo_db.url, "boards", "--grid", codes[0], "NOPE-9", "--out", str(tmp_path / "x.pdf")
    )
    assert code == 1 and rows == [] and "NOPE-9" in err and err.count("\n") == 1
    assert not (tmp_path / "x.pdf").exists()

    # Everything except the two just printed is outdated in a fresh demo; print those.
    code, [result], _ = run(
        capsys, "--db", demo_db.url, "boards", "--outdated", "--out", str(tmp_path / "o.pdf")
    )
    assert code == 0 and result["pages"] == 58 and codes[5] not in result["grids"]
    with demo_db.sessions.begin() as session:
        for grid in session.scalars(select(Grid).where(Grid.code.in_([codes[1], codes[7]]))):
            grid.board_version += 1
    code, [result], _ = run(
        capsys, "--db", demo_db.url, "boards", "--all", "--outdated", "--out", str(tmp_path / "o2.pdf")
    )
    assert code == 0 and result["grids"] == [codes[1], codes[7]]
    assert decoded_qr_codes((tmp_path / "o2.pdf").read_bytes()) == [
        [b] for b in _qr_texts(demo_db, codes[1], codes[7])
    ]
    code, [result], _ = run(
        capsys,
        "--db",
        demo_db.url,
        "boards",
        "--outdated",
        "--grid",
        codes[1],
        "--out",
        str(tmp_path / "o3.pdf"),
    )
    assert code == 0 and result == {**result, "pages": 0, "grids": [], "out": None}
    assert not (tmp_path / "o3.pdf").exists()

    code, _, err = run(capsys, "--db", demo_db.url, "boards", "--out", str(tmp_path / "none.pdf"))
    assert code == 1 and "--all" in err


def _qr_texts(db, *codes) -> list[str]:
    with db.sessions() as session:
        return [board.qr_text for board in boards_data(session, list(codes), DEMO_TODAY)]
