"""Details of the paper a centre hands out (issue 19, 8): one issuing body over and under a
certificate, typed dates in words, no printed seal circle, a seal place on the receipt, and a
refusal that says where and within what time it can be reviewed."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from app.models import Resident
from app.printing.certificates.renderer import PDF_RENDERER
from app.printing.documents.cases import render_case_document
from app.services.cases import intake
from app.services.cases.documents import REMEDY_SETTING, case_document
from app.services.certificates.issue import issue_certificate
from app.services.setup.demo_street import EXAMPLE_ID_NUMBER


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _drawing(pdf: bytes) -> bytes:
    return b"".join(page.get_contents().get_data() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_certificate_names_one_body_prints_typed_dates_in_words_and_no_seal_circle(demo_db):
    with demo_db.sessions.begin() as session:
        person = session.scalars(select(Resident).where(Resident.id_number == EXAMPLE_ID_NUMBER)).one()
        issued = issue_certificate(
            session,
            PDF_RENDERER,
            template_code="JZZM",
            resident=person,
            staff_values={"purpose": "办理居住证", "since": "2015-03-01"},
            actor="qiantai",
        )
    text = _text(issued.pdf)
    assert "2015年3月1日" in text and "2015-03-01" not in text
    body = text.replace("\n", "")
    assert body.count("居民委员会") == 2  # the heading and the 落款 name the same body
    assert body.count("党群服务中心") == 1  # only the page footer names the place
    assert b"] 0 d" not in _drawing(issued.pdf).replace(b"[] 0 d", b"")  # no dashed guide is drawn
    # The title is set heavy (filled and stroked: the face has one weight); nothing else is.
    assert _drawing(issued.pdf).count(b"2 Tr") == 1


def test_the_receipt_has_a_seal_place_and_a_refusal_says_where_to_seek_review(demo_db):
    with demo_db.sessions.begin() as session:
        person = session.scalars(select(Resident).where(Resident.id_number == EXAMPLE_ID_NUMBER)).one()
        item = intake.find_item(session, "ZM-001")
        accepted = intake.accept(
            session,
            item_code="ZM-001",
            resident=person,
            actor="qiantai",
            materials_received=list(item.materials),
        ).case_no
        refused = intake.refuse(
            session, item_code="SB-005", resident=person, actor="qiantai", reason="已在他处办理"
        ).case_no
    with demo_db.sessions() as session:
        receipt = _text(render_case_document(session, accepted).pdf)
        notice = case_document(session, refused).data
        refusal = _text(render_case_document(session, refused).pdf).replace("\n", "")
    assert "受理单位盖章" in receipt
    with demo_db.sessions() as session:
        assert _drawing(render_case_document(session, accepted).pdf).count(b"2 Tr") == 1  # 受理回执
    assert "六十日内向王益区人民政府申请行政复议" in notice.remedy and "六个月内" in notice.remedy
    assert "六十日内向王益区人民政府申请行政复议" in refusal
    with demo_db.sessions.begin() as session:  # a county that names another body sets its own text
        from app.models import CentreSetting

        session.add(
            CentreSetting(key=REMEDY_SETTING, value="可自收到之日起六十日内向{district}司法局申请复议。")
        )
    with demo_db.sessions() as session:
        assert case_document(session, refused).data.remedy == "可自收到之日起六十日内向王益区司法局申请复议。"


def _staff_values(spec) -> dict[str, object]:
    """A value for every field staff fill in, as a person would type it."""
    values: dict[str, object] = {}
    for f in spec.fields:
        if not f.from_staff:
            continue
        if f.type == "choice":
            values[f.name] = f.choices[0]
        elif f.type == "date":
            values[f.name] = "2020-01-01"
        elif f.type == "number":
            values[f.name] = "3" if f.max is None or f.max >= 3 else str(f.max)
        else:
            values[f.name] = "按实际情况填写，内容较长时也应完整打印在表格中"[: f.limit or 40]
    return values


def test_no_page_holds_only_the_closing_block_for_the_largest_household(demo_db):
    """Every template, for the head of the demo street's largest household: a letter stays on one
    page; a form keeps the applicant's signature with their data and the last opinion row with the
    QR code."""
    from sqlalchemy import func

    from app.models import CertificateTemplate
    from app.services.certificates.listing import COMPUTED_TEMPLATES
    from app.services.certificates.templates import spec_of

    with demo_db.sessions() as session:
        household = session.execute(
            select(Resident.household_id, func.count())
            .where(Resident.household_id.is_not(None))
            .group_by(Resident.household_id)
            .order_by(func.count().desc())
            .limit(1)
        ).first()[0]
        codes = list(
            session.scalars(select(CertificateTemplate.code).where(CertificateTemplate.active.is_(True)))
        )
    assert len(codes) >= 10
    for code in codes:
        with demo_db.sessions.begin() as session:
            head = session.scalars(
                select(Resident).where(Resident.household_id == household).order_by(Resident.id)
            ).first()
            spec = spec_of(session.get(CertificateTemplate, code))
            issued = issue_certificate(
                session,
                PDF_RENDERER,
                template_code=code,
                resident=head,
                staff_values=_staff_values(spec),
                actor="t",
                computed=code in COMPUTED_TEMPLATES,  # drawn with values as its use case gives them
            )
            session.rollback()  # nothing of this test is kept
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(issued.pdf)).pages]
        if spec.kind == "certificate":
            assert len(pages) == 1, f"{code}: {len(pages)} pages"
        else:
            first_row = spec.sign_rows[0].label
            assert first_row[:4] in pages[0].replace("\n", ""), f"{code}: the applicant's row left page 1"
            last = pages[-1].replace("\n", "")
            assert spec.sign_rows[-1].label[:4] in last and "扫码验证" in last, code


def test_rows_left_for_handwriting_have_the_height_of_a_written_line():
    from reportlab.lib.units import mm

    from app.printing.certificates.tables import HANDWRITING_MM, members_table
    from app.services.certificates.template_spec import Column

    columns = [Column("姓名", "name"), Column("关系", "relation")]
    table = members_table("家庭成员", columns, [{"name": "王涛", "relation": "户主"}], min_rows=4)
    table.wrap(170 * mm, 250 * mm)
    blank = table._rowHeights[-3:]  # the rows after the one filled in
    assert HANDWRITING_MM >= 8 and all(h >= HANDWRITING_MM * mm for h in blank), blank


# A character of each CJK extension plane that names use (B: 𠮷, 𬀩; C, D, E, F).
RARE_NAMES = "\U00020bb7\U0002c029\U0002a700\U0002b740\U0002b820\U0002ceb0"


def test_names_with_characters_of_every_extension_plane_print(demo_db):
    """Hanazono Mincho B (installed by scripts/setup.sh) draws them: nothing is refused, the PDF
    embeds the rare-character font, and each character is drawn in it."""
    from app.printing.fonts import RARE, missing_glyphs, rare_font

    assert rare_font() == RARE, "no rare-character font: run scripts/setup.sh as root (fonts-hanazono)"
    assert missing_glyphs("王" + RARE_NAMES, "YcSong", fallback="YcSans") == []
    with demo_db.sessions.begin() as session:
        person = session.scalars(select(Resident).where(Resident.id_number == EXAMPLE_ID_NUMBER)).one()
        person.name = "王" + RARE_NAMES[:2]
        issued = issue_certificate(
            session,
            PDF_RENDERER,
            template_code="JZZM",
            resident=person,
            staff_values={"purpose": "办理" + RARE_NAMES[2:] + "登记", "since": "2015-03"},
            actor="qiantai",
        )
        session.rollback()
    reader = PdfReader(io.BytesIO(issued.pdf))
    fonts = {str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any(name.endswith("+HanaMinB") for name in fonts), fonts  # embedded as a subset


def test_digits_take_one_latin_face_per_role(demo_db):
    """Digits in Song text take the Latin serif face, in sans text (a board's 第1网格) the Latin sans
    face: never the Chinese faces' typewriter digits, never a serif digit in a sans heading."""
    from app.printing.boards.text import runs
    from app.printing.fonts import LATIN_SANS, LATIN_SERIF, SANS, SONG
    from app.printing.layout import escape

    assert runs("第1网格") == [(SANS, "第"), (LATIN_SANS, "1"), (SANS, "网格")]
    assert escape("2015年", SONG) == f'<font face="{LATIN_SERIF}">2015</font>年'
    with demo_db.sessions.begin() as session:
        person = session.scalars(select(Resident).where(Resident.id_number == EXAMPLE_ID_NUMBER)).one()
        issued = issue_certificate(
            session,
            PDF_RENDERER,
            template_code="JZZM",
            resident=person,
            staff_values={"purpose": "办理居住证", "since": "2015-03"},
            actor="qiantai",
        )
        session.rollback()
    page = PdfReader(io.BytesIO(issued.pdf)).pages[0]
    fonts = {str(f["/BaseFont"]).split("+")[-1] for f in page["/Resources"]["/Font"].values()}
    assert "DejaVuSerifCondensed" in fonts
