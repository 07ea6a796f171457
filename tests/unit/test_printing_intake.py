"""The intake desk's printed documents: text extractable, fonts embedded, QR readable, nothing lost."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pypdf
import pypdfium2 as pdfium
import pytest
import zxingcpp
from reportlab.lib.units import mm
from reportlab.pdfbase.ttfonts import TTFontFile

from app.printing.documents.intake import (
    REMEDY,
    ReceiptData,
    RefusalNoticeData,
    SupplementNoticeData,
    render_receipt,
    render_refusal_notice,
    render_supplement_notice,
)
from app.printing.fonts import SANS, SONG, missing_glyphs, register_fonts
from app.printing.layout import LEFT_MARGIN, PAGE_HEIGHT, TEXT_WIDTH, TOP_MARGIN, escape
from app.printing.qr import QUIET_ZONE, qr_drawing, qr_matrix
from app.services.common.chinese import chinese_date

CENTRE = "桃园社区党群服务中心"
PHONE = "0571-8888 6666"
HOSTILE = "<b>王&\"'</b>"


def receipt(**changes) -> ReceiptData:
    data = ReceiptData(
        centre_name=CENTRE,
        centre_phone=PHONE,
        case_number="TY-20261123-0042",
        item_name="居住证明开具",
        applicant_name="王晓梅",
        applicant_id_masked="330106********1228",
        accepted_at=dt.datetime(2026, 11, 23, 14, 5),
        promised_days=3,
        promised_date=dt.date(2026, 11, 26),
        first_responder="李红",
        qr_text="https://ty.example.gov.cn/q?c=TY-20261123-0042&k=8F3A",
        materials=("居民身份证原件及复印件", "户口簿原件及复印件", "房屋租赁合同（租住者提供）"),
        agent_name="张建国",
        agent_id_masked="330106********0015",
    )
    return dataclasses.replace(data, **changes)


MISSING = (
    "户口簿原件及复印件（首页及本人页）",
    "近期一寸免冠白底彩色照片两张",
    "所在单位出具的未参加城镇职工基本医疗保险的证明，或街道（乡镇）劳动保障所出具的灵活就业登记证明材料，须加盖公章",
    "委托书（他人代办时提供）",
)


def supplement(**changes) -> SupplementNoticeData:
    data = SupplementNoticeData(
        centre_name=CENTRE,
        centre_phone=PHONE,
        case_number="TY-20261123-0043",
        applicant_name="刘芳",
        item_name="城乡居民基本医疗保险参保登记",
        missing_materials=MISSING,
        staff_name="陈静",
        issued_on=dt.date(2026, 11, 23),
        applied_on=dt.date(2026, 11, 23),
    )
    return dataclasses.replace(data, **changes)


def refusal(**changes) -> RefusalNoticeData:
    data = RefusalNoticeData(
        centre_name=CENTRE,
        centre_phone=PHONE,
        case_number="TY-20261120-0007",
        applicant_name="赵敏",
        item_name="困难群众临时救助申请",
        applied_on=dt.date(2026, 11, 20),
        reason="经核查，申请人户籍不在本社区，且未能提供在本社区连续居住满六个月的有效证明材料。",
        staff_name="周立",
        issued_on=dt.date(2026, 11, 23),
        legal_basis="《社会救助暂行办法》第四十八条",
    )
    return dataclasses.replace(data, **changes)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Text without the line breaks and spaces that wrapping and extraction add."""
    return re.sub(r"\s+", "", text)


def long_reason() -> str:
    sentences = "".join(
        f"第{i}项，申请人于窗口提交的材料与户籍登记信息不一致，经电话核实仍无法确认，依规不能受理。"
        for i in range(1, 40)
    )
    return sentences[:600]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 11, 23), "二〇二六年十一月二十三日"),
        (dt.date(2030, 10, 1), "二〇三〇年十月一日"),
        (dt.date(2026, 12, 31), "二〇二六年十二月三十一日"),
        (dt.date(2027, 1, 10), "二〇二七年一月十日"),
        (dt.date(2026, 2, 20), "二〇二六年二月二十日"),
    ],
)
def test_chinese_date(day, expected):
    assert chinese_date(day) == expected


def test_receipt_carries_every_field():
    data = receipt()
    text = "".join(pages_text(render_receipt(data)))
    for value in (
        data.case_number,
        data.applicant_name,
        data.applicant_id_masked,
        data.agent_name,
        data.agent_id_masked,
        data.first_responder,
        PHONE,
        "受理回执",
        CENTRE,
        "二〇二六年十一月二十六日",
        "2026-11-23 14:05",
        "3个工作日",
        "扫码查询办理进度",
        "申请人签字",
    ):
        assert value in text, value
    assert flat(data.item_name) in flat(text)
    for material in data.materials:
        assert flat(material) in flat(text)


def test_an_item_handled_at_once_reads_jiban_not_zero_working_days():
    text = "".join(pages_text(render_receipt(receipt(promised_days=0))))
    assert "即办" in text and "0个工作日" not in text


def test_receipt_fits_one_page_and_without_agent_omits_it():
    pdf = render_receipt(receipt(agent_name=None, agent_id_masked=None))
    text = pages_text(pdf)
    assert len(text) == 1
    assert "帮办代办人" not in text[0]


@pytest.mark.parametrize(
    "qr_text",
    [
        "https://ty.example.gov.cn/q?c=TY-20261123-0042&k=8F3A",
        "办件编号：TY-20261123-0042\n查询办理进度请致电：0571-8888 6666",
    ],
)
def test_receipt_qr_decodes_back_to_its_text(qr_text):
    data = receipt(qr_text=qr_text)
    image = pdfium.PdfDocument(render_receipt(data))[0].render(scale=150 / 72).to_pil()
    decoded = [b.text for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert decoded == [data.qr_text]


@pytest.mark.parametrize(
    "render",
    [
        lambda: render_receipt(receipt()),
        lambda: render_supplement_notice(supplement()),
        lambda: render_refusal_notice(refusal()),
    ],
    ids=["receipt", "supplement", "refusal"],
)
def test_every_font_is_an_embedded_truetype_subset(render):
    reader = pypdf.PdfReader(io.BytesIO(render()))
    seen = 0
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            seen += 1
            assert re.fullmatch(r"/[A-Z]{6}\+.+", font["/BaseFont"]), font["/BaseFont"]
            assert font["/Subtype"] == "/TrueType"
            assert "/FontFile2" in font["/FontDescriptor"].get_object()
            assert "/ToUnicode" in font
    assert seen


def test_supplement_notice_lists_every_missing_material_in_order():
    data = supplement()
    text = flat("".join(pages_text(render_supplement_notice(data))))
    for value in (
        data.case_number,
        data.applicant_name,
        data.item_name,
        "一次性告知书",
        "材料补齐后予以受理",
    ):
        assert flat(value) in text, value
    positions = [text.index(flat(f"{i}.{m}")) for i, m in enumerate(MISSING, 1)]
    assert positions == sorted(positions)
    assert "盖章" in text and "陈静" in text and "二〇二六年十一月二十三日" in text


def test_supplement_notice_needs_a_missing_material():
    with pytest.raises(ValueError):
        supplement(missing_materials=("  ",))


def test_refusal_notice_carries_reason_basis_and_remedy():
    data = refusal()
    text = flat("".join(pages_text(render_refusal_notice(data))))
    for value in (
        data.case_number,
        data.applicant_name,
        data.item_name,
        data.reason,
        data.legal_basis,
        REMEDY,
        "不予受理通知书",
        "二〇二六年十一月二十日",
        "周立",
    ):
        assert flat(value) in text, value


def test_long_reason_wraps_across_pages_without_losing_text():
    reason = long_reason()
    assert len(reason) == 600
    pages = pages_text(render_refusal_notice(refusal(reason=reason)))
    assert len(pages) >= 2
    body = flat("".join(pages))
    for number in range(1, len(pages) + 1):
        body = body.replace(f"—{number}—", "")
    assert flat(reason) in body.replace(CENTRE, "")


def test_hostile_text_prints_literally():
    markup = escape(HOSTILE)  # the signs in the Latin face, every one escaped
    assert re.sub(r"</?font[^>]*>", "", markup) == "&lt;b&gt;王&amp;\"'&lt;/b&gt;" and "<b>" not in markup
    for pdf in (
        render_receipt(receipt(applicant_name=HOSTILE, item_name=HOSTILE)),
        render_supplement_notice(supplement(applicant_name=HOSTILE, missing_materials=(HOSTILE,))),
        render_refusal_notice(refusal(applicant_name=HOSTILE, reason=HOSTILE, legal_basis=HOSTILE)),
    ):
        text = "".join(pages_text(pdf))
        assert HOSTILE in text


def test_full_id_numbers_never_reach_paper():
    with pytest.raises(ValueError, match="mask"):
        receipt(applicant_id_masked="33010619900101123X")
    with pytest.raises(ValueError, match="mask"):
        receipt(agent_id_masked="330106199001011234")


def _ink_box(pdf: bytes) -> list[tuple[int, int, int, int]]:
    """Bounding box of dark pixels of each page, in points (rendered at 72 dpi)."""
    boxes = []
    for page in pdfium.PdfDocument(pdf):
        image = page.render(scale=1).to_pil().convert("L")
        boxes.append(image.point(lambda v: 255 if v < 160 else 0).getbbox())
    return boxes


def test_long_values_stay_inside_the_text_block():
    name = "阿卜杜热合曼·买买提明·艾力·" * 6 + "X" * 80
    item = "城乡居民基本养老保险待遇领取资格认证及个人账户一次性支付申请" * 3
    documents = [
        render_receipt(
            receipt(
                applicant_name=name, item_name=item, case_number="TY-2026-" + "9" * 40, materials=(item,) * 12
            )
        ),
        render_supplement_notice(
            supplement(applicant_name=name, item_name=item, missing_materials=(item,) * 8)
        ),
        render_refusal_notice(refusal(applicant_name=name, item_name=item, reason=long_reason() + name)),
    ]
    right_edge = LEFT_MARGIN + TEXT_WIDTH + 4 * mm  # a hanging full-width comma may reach into the margin
    for pdf in documents:
        for left, top, right, bottom in _ink_box(pdf):
            assert left >= LEFT_MARGIN - 1 * mm
            assert right <= right_edge
            assert top >= TOP_MARGIN - 2 * mm
            assert bottom <= PAGE_HEIGHT - 20 * mm


def test_missing_glyphs_agrees_with_the_font_cmap():
    source = register_fonts().song
    cmap = TTFontFile(source, subfontIndex=0).charToGlyph
    rare = "𠮷"
    expected = [] if cmap.get(ord(rare), 0) else [rare]
    assert missing_glyphs(rare, SONG) == expected
    assert missing_glyphs("居住证明", SONG) == []
    assert missing_glyphs("居住证明\n", SONG) == []
    assert missing_glyphs("吉𠮷吉𠮷", SONG) == expected


def test_characters_the_song_face_lacks_fall_back_to_sans():
    lacking = [c for c in "刏刯剈剶劆勊" if missing_glyphs(c, SONG)]
    if not lacking:
        pytest.skip("the system Song face has all of these")
    char = lacking[0]
    assert missing_glyphs(char, SONG, fallback=SANS) == []
    assert f'face="{SANS}"' in escape(char)
    text = "".join(pages_text(render_refusal_notice(refusal(applicant_name="王" + char))))
    assert "王" + char in text


def test_font_registration_is_idempotent():
    assert register_fonts() is register_fonts()


def test_qr_matrix_keeps_the_quiet_zone():
    matrix = qr_matrix("TY-20261123-0042")
    size = len(matrix)
    assert all(len(row) == size for row in matrix)
    border = matrix[:QUIET_ZONE] + matrix[-QUIET_ZONE:]
    assert not any(any(row) for row in border)
    assert not any(any(row[:QUIET_ZONE] + row[-QUIET_ZONE:]) for row in matrix)
    assert any(any(row) for row in matrix)


def test_qr_drawing_size_and_limits():
    drawing = qr_drawing("TY-20261123-0042", size_mm=30)
    assert drawing.width == pytest.approx(30 * mm)
    with pytest.raises(ValueError):
        qr_drawing("TY-20261123-0042", size_mm=20)
    with pytest.raises(ValueError):
        qr_drawing("x" * 2000, size_mm=30)
    with pytest.raises(ValueError):
        qr_matrix("abc", error_correction="L")
