"""Certificate and form templates: the shipped files, loading, values, and the printed documents."""

from __future__ import annotations

import copy
import io
import re
import shutil

import pypdf
import pypdfium2 as pdfium
import pytest
import yaml
import zxingcpp
from reportlab.lib.units import mm
from sqlalchemy import delete, select

from app.models import CertificateTemplate, Grid, Resident, Tag
from app.printing.certificates.pdf import missing_glyph_report, render_certificate
from app.printing.layout import LEFT_MARGIN, PAGE_HEIGHT, TEXT_WIDTH, TOP_MARGIN
from app.resources import resource_path
from app.services.certificates import templates as ct
from app.services.certificates.issue import issue_form
from app.services.certificates.listing import (
    COMPUTED_TEMPLATES,
    active_templates,
    stored_template,
    stored_templates,
)
from app.services.certificates.register import CertificateError
from app.services.certificates.template_checks import validate_definition, validate_templates
from app.services.common.chinese import chinese_date
from app.services.population.lookup import LookupFailed, find_resident
from app.services.population.selection import filter_choices
from tests.conftest import DEMO_TODAY

CODES = ["JZZM", "TFCY", "DYJS", "SBD", "GLJT", "DBSQ", "LSJZ", "CJBT", "JJYL", "JYKN", "ZYSC"]
CENTRE = "桃园社区党群服务中心"
HOSTILE = "<b>王&\"'</b>"
RARE = "\U0003134a"  # CJK Extension G: beyond every font the program uses (𠮷 now prints)
# About as long as a signed payload (serial, template, date, holder hash, Ed25519 signature).
QR_TEXT = (
    "YC1.JZ-2026-000123.JZZM.20261123.3f9a61c0d2e84b7a."
    + "Zm9yZ2VkIHNpZ25hdHVyZXMgYXJlIHJlZnVzZWQ" * 2
    + "AB"
)
CODE = "K7Q2-9XMD"
STAFF = {
    "since": "2015年3月",
    "purpose": "子女就近入学报名",
    "party_status": "正式党员",
    "to_org": "中共西安市雁塔区电子城街道工作委员会",
    "destination": "西安市雁塔区电子城街道",
    "dues_paid_to": "2026年11月",
    "org_phone": "0919-3109100",
    "org_address": "铜川市王益区北关街87号",
    "joined_party": "2003-07-01",
    "work_unit": "铜川市王益区人民医院",
    "position": "护士长",
    "unit_party_org": "中共铜川市王益区人民医院委员会",
    "expertise": "医疗护理、健康讲座",
    "service_post": "关爱帮扶",
    "wishes": "每月第二个周六上午参加健康义诊",
    "age_band": "80至89周岁",
    "bank": "中国邮政储蓄银行铜川王益支行",
    "account": "6217993800012345678",
    "agent_name": "李立东",
    "agent_relation": "子",
    "agent_phone": "13809190001",
    "category": "城市最低生活保障",
    "teams": "第1网格平安巡防队、桃园社区助老服务队",  # ZYSC: what the volunteer record works out
    "period": "2026年1月1日至2026年11月23日",
    "activities": "16",
    "hours": "25",
    "monthly_income": "1200",
    "property": "自有住房一套（60平方米），无车辆",
    "reason": "本人患慢性病无法工作，家庭收入低于本地低保标准。",
    "aid_type": "支出型",
    "hardship": "家庭成员突发重大疾病",
    "amount": "5000",
    "other_aid": "无",
    "card_number": "61020219710711884242",
    "disability_type": "肢体",
    "disability_grade": "二级",
    "subsidy": "两项补贴同时申请",
    "guardian": "付平",
    "guardian_phone": "13809190002",
    "living": "与配偶同住",
    "ability": "轻度失能",
    "services": "助餐（午餐）、助洁（每周一次）",
    "schedule": "工作日午餐时段",
    "contact_name": "李立东",
    "contact_phone": "13809190001",
    "health": "高血压，长期服药",
    "education": "高中或中专",
    "employment_card": "6102020012345",
    "unemployed_since": "2025-06-30",
    "difficulty": "大龄失业人员",
    "job_wish": "保洁、物业服务",
    "statement": "原企业关停后失业至今，多次求职未果。",
    "economy": "其他",
}


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes) -> str:
    return flat("".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages))


def body_text(pdf: bytes) -> str:
    """The text without the page footers (page number and centre name), which extraction interleaves."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return "".join(
        flat(p.extract_text()).replace(f"—{i}—", "").replace(CENTRE, "") for i, p in enumerate(pages, 1)
    )


def staff_values(spec: ct.TemplateSpec) -> dict[str, object]:
    values: dict[str, object] = {}
    for f in spec.staff_fields:
        if f.from_staff and f.name in STAFF:
            value = STAFF[f.name]
            values[f.name] = value if f.type != "choice" or value in f.choices else f.choices[-1]
    return values


@pytest.fixture
def demo(demo_db):
    """The demo street with the templates loaded, and an adult living with others."""
    with demo_db.sessions.begin() as session:
        ct.load_templates(session)
    with demo_db.sessions() as session:
        for number in session.scalars(select(Resident.id_number).where(Resident.household_id.is_not(None))):
            resident = find_resident(session, number)
            if len(resident.household.members) >= 2 and resident.age_on(DEMO_TODAY) >= 18:
                yield session, resident
                return
    pytest.fail("no demo resident living with others")


def issue(session, resident, code: str, **changes):
    spec = ct.spec_of(session.get(CertificateTemplate, code))
    values = ct.resolve(spec, ct.prefill(session, spec, resident, DEMO_TODAY), staff_values(spec))
    values.update(changes)
    serial = f"{spec.serial_prefix}-2026-000123"
    pdf = render_certificate(
        spec,
        values,
        serial=serial,
        qr_text=QR_TEXT,
        verification_code=CODE,
        centre_name=CENTRE,
        issue_date=DEMO_TODAY,
    )
    return spec, values, serial, pdf


def decoded_qr(pdf: bytes) -> list[str]:
    found = []
    for page in pdfium.PdfDocument(pdf):
        image = page.render(scale=150 / 72).to_pil()
        found += [b.text for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]
    return found


# ------------------------------------------------------------------------------------------ files


def test_every_shipped_template_validates():
    definitions = ct.read_templates()
    assert sorted(d["code"] for d in definitions) == sorted(CODES)
    assert validate_templates(definitions) == []
    prefixes = [d["serial_prefix"] for d in definitions]
    assert len(set(prefixes)) == len(prefixes)
    for d in definitions:
        assert re.fullmatch(r"[A-Z]{2,4}", d["serial_prefix"])
        assert "参照" in d["follows"]
        assert d["self_service"] == (d["code"] in ("JZZM", "TFCY"))
        spec = ct.TemplateSpec.from_definition(d)
        if spec.kind == "certificate":
            assert spec.body and spec.signature
        else:
            assert spec.tables and spec.sign_rows
    assert ct.TemplateSpec.from_definition(next(d for d in definitions if d["code"] == "DYJS")).stub


def test_catalogue_items_point_to_shipped_templates():
    catalogue = yaml.safe_load(resource_path("catalogue", "service_items.yaml").read_text(encoding="utf-8"))
    used = {item["template"] for item in catalogue["items"] if item.get("template")}
    assert used <= set(CODES)


def test_household_certificate_does_not_state_kinship():
    spec = ct.TemplateSpec.from_definition(
        yaml.safe_load(resource_path("templates", "TFCY.yaml").read_text())
    )
    columns = [c.key for t in spec.tables if t.members for c in t.members.columns]
    assert "relation_to_head" not in columns
    assert all("relation" not in f.source for f in spec.fields)
    assert any("不证明" in note and "亲属关系" in note for note in spec.footer)


def _valid() -> dict:
    return yaml.safe_load(resource_path("templates", "JZZM.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["fields"][0].update(source="resident.nickname"), "未知的数据来源“resident.nickname”"),
        (lambda d: d["body"].append("签发人：{signer}"), "占位符 {signer} 没有对应的字段"),
        (lambda d: d.update(serial_prefix="jz1"), "编号前缀"),
        (lambda d: d.update(kind="letter"), "kind"),
        (lambda d: d.update(colour="red"), "不认识的项“colour”"),
        (lambda d: d["fields"].append(dict(d["fields"][0])), "重复"),
        (
            lambda d: d["fields"].append({"name": "x", "label": "X", "source": "staff", "type": "choice"}),
            "choices",
        ),
        (lambda d: d["fields"][6].update(type="weird"), "类型"),
        (lambda d: d["fields"].append({"name": "unused", "label": "未用", "source": "staff"}), "没有在正文"),
        (lambda d: d.pop("follows"), "follows"),
        (lambda d: d.pop("signature"), "落款"),
    ],
)
def test_validate_definition_explains_mistakes(change, expected):
    definition = _valid()
    assert validate_definition(definition) == []
    change(definition)
    problems = validate_definition(definition)
    assert any(expected in p for p in problems), problems
    with pytest.raises(ValueError):
        ct.TemplateSpec.from_definition(definition)


def test_duplicate_serial_prefix_is_refused():
    first, second = _valid(), _valid()
    second["code"] = "JZZM2"
    problems = validate_templates([first, second])
    assert any("编号前缀 JZ 重复" in p for p in problems)


# ------------------------------------------------------------------------------------------ loading


def test_loading_is_idempotent_and_respects_local_edits(db, tmp_path):
    with db.sessions.begin() as session:
        session.execute(delete(CertificateTemplate))  # initialise() may have loaded them already
    with db.sessions.begin() as session:
        assert ct.load_templates(session) == ct.LoadResult(added=11)
    with db.sessions.begin() as session:
        assert ct.load_templates(session) == ct.LoadResult(unchanged=11)
        row = session.get(CertificateTemplate, "JZZM")
        row.title, row.edited_locally = "居住证明（本社区改）", True
    folder = tmp_path / "templates"
    shutil.copytree(resource_path("templates"), folder)
    for path in folder.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["version"] += 1
        data["title"] += "（新版）"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with db.sessions.begin() as session:
        assert ct.load_templates(session, folder) == ct.LoadResult(updated=10, kept_local=1)
    with db.sessions() as session:
        assert session.get(CertificateTemplate, "JZZM").title == "居住证明（本社区改）"
        tfcy = session.get(CertificateTemplate, "TFCY")
        assert tfcy.title == "同户家庭成员证明（新版）" and tfcy.version == 3  # shipped as version 2
        assert tfcy.definition["title"] == tfcy.title and tfcy.serial_prefix == "TH"


def test_invalid_files_are_refused_with_every_problem(db, tmp_path):
    (tmp_path / "JZZM.yaml").write_text(yaml.safe_dump({**_valid(), "kind": "poem"}, allow_unicode=True))
    (tmp_path / "OTHER.yaml").write_text(yaml.safe_dump({**_valid(), "code": "OTHER"}, allow_unicode=True))
    with db.sessions.begin() as session, pytest.raises(ct.TemplateFileError) as caught:
        ct.load_templates(session, tmp_path)
    assert any("kind" in p for p in caught.value.problems)
    assert any("编号前缀 JZ 重复" in p for p in caught.value.problems)


def test_administrator_edits_are_validated_and_marked(db):
    with db.sessions.begin() as session:
        ct.load_templates(session)
        changed = {**_valid(), "title": "居住情况证明"}
        assert ct.save_template(session, changed).edited_locally
        clash = {**_valid(), "code": "JZNEW"}
        with pytest.raises(ct.TemplateFileError, match="编号前缀 JZ 已被模板 JZZM 使用"):
            ct.save_template(session, clash)
        with pytest.raises(ct.TemplateFileError):
            ct.save_template(session, {**_valid(), "fields": []})
        assert ct.load_templates(session).kept_local == 1
        assert session.get(CertificateTemplate, "JZZM").title == "居住情况证明"


# ------------------------------------------------------------------------------------------ values


def test_prefill_takes_the_lookup_and_computes(demo):
    session, resident = demo
    spec = ct.spec_of(session.get(CertificateTemplate, "DYJS"))
    values = ct.prefill(session, spec, resident, DEMO_TODAY)
    assert values["name"] == resident.name and values["id_number"] == resident.id_number
    assert values["sex"] in ("男", "女")
    assert values["age"] == resident.age_on(DEMO_TODAY)
    community = resident.household.building.grid.community.name
    assert values["from_org"] == f"中共{community}委员会"
    assert values["valid_days"] == 30 and values["party_status"] == "正式党员"
    assert values["destination"] is None
    tfcy = ct.spec_of(session.get(CertificateTemplate, "TFCY"))
    values = ct.prefill(session, tfcy, resident, DEMO_TODAY)
    assert values["member_count"] == len(resident.household.members) == len(values["household.members"])
    assert values["centre.issuer"] == f"{community}居民委员会"  # the 落款 the centre did not change
    assert all("*" in m["id_number"] for m in values["household.members"])


def test_check_values_reports_each_problem(demo):
    session, resident = demo
    spec = ct.spec_of(session.get(CertificateTemplate, "DYJS"))
    good = ct.resolve(spec, ct.prefill(session, spec, resident, DEMO_TODAY), staff_values(spec))
    assert ct.check_values(spec, good) == {}
    bad = {
        **good,
        "destination": "  ",
        "party_status": "积极分子",
        "valid_days": "三十",
        "dues_paid_to": "2026年11月" * 5,
        "to_org": "第一行\n第二行",
    }
    errors = ct.check_values(spec, bad)
    assert set(errors) == {"destination", "party_status", "valid_days", "dues_paid_to", "to_org"}
    assert "请填写" in errors["destination"] and "正式党员" in errors["party_status"]
    assert "数字" in errors["valid_days"] and "最多12个字" in errors["dues_paid_to"]
    assert "换行" in errors["to_org"]
    assert "不能大于90" in ct.check_values(spec, {**good, "valid_days": 400})["valid_days"]
    form = ct.spec_of(session.get(CertificateTemplate, "JYKN"))
    for wrong in ("2025-02-30", "去年", "2025/13/01"):
        assert "日期" in ct.check_values(form, {"unemployed_since": wrong})["unemployed_since"]
    assert "unemployed_since" not in ct.check_values(form, {"unemployed_since": "2025年6月30日"})


def test_resolve_merges_normalises_and_guards_the_register(demo):
    session, resident = demo
    spec = ct.spec_of(session.get(CertificateTemplate, "JYKN"))
    prefilled = ct.prefill(session, spec, resident, DEMO_TODAY)
    staff = {**staff_values(spec), "unemployed_since": "2025年6月30日", "phone": "13900000000"}
    values = ct.resolve(spec, prefilled, staff)
    assert values["unemployed_since"] == "2025-06-30" and values["phone"] == "13900000000"
    assert values["birth_date"] == resident.birth_date.isoformat()
    with pytest.raises(ct.TemplateValueError) as caught:
        ct.resolve(spec, prefilled, {**staff, "name": "别人", "nickname": "x", "difficulty": ""})
    errors = caught.value.errors
    assert "人口库" in errors["name"] and "nickname" in errors and "请填写" in errors["difficulty"]
    tfcy = ct.spec_of(session.get(CertificateTemplate, "TFCY"))
    homeless = {
        **ct.prefill(session, tfcy, resident, DEMO_TODAY),
        "member_count": None,
        "community.name": None,
    }
    with pytest.raises(ct.TemplateValueError) as caught:
        ct.resolve(tfcy, homeless, {**staff_values(tfcy), "member_count": 5})
    assert "人口库" in caught.value.errors["member_count"]
    jzzm = ct.spec_of(session.get(CertificateTemplate, "JZZM"))
    no_ethnicity = {**ct.prefill(session, jzzm, resident, DEMO_TODAY), "ethnicity": ""}
    assert ct.resolve(jzzm, no_ethnicity, {**staff_values(jzzm), "ethnicity": "回族"})["ethnicity"] == "回族"
    dbsq = ct.spec_of(session.get(CertificateTemplate, "DBSQ"))
    values = ct.resolve(dbsq, ct.prefill(session, dbsq, resident, DEMO_TODAY), staff_values(dbsq))
    assert values["monthly_income"] == 1200 and isinstance(values["household.members"], list)


def test_a_required_staff_field_left_empty_is_refused(demo):
    session, resident = demo
    spec = ct.spec_of(session.get(CertificateTemplate, "JZZM"))
    with pytest.raises(ct.TemplateValueError) as caught:
        ct.resolve(spec, ct.prefill(session, spec, resident, DEMO_TODAY), {"since": "2015年3月"})
    assert set(caught.value.errors) == {"purpose"}
    too_long = ct.check_values(
        spec, {**ct.prefill(session, spec, resident, DEMO_TODAY), "purpose": "用" * 501}
    )
    assert "最多500个字" in too_long["purpose"]


# ------------------------------------------------------------------------------------------ printing


@pytest.mark.parametrize("code", CODES)
def test_every_template_renders_for_a_demo_resident(demo, code):
    session, resident = demo
    spec, values, serial, pdf = issue(session, resident, code)
    text = pdf_text(pdf)
    assert flat(resident.name) in text
    assert serial in text
    assert chinese_date(DEMO_TODAY) == "二〇二六年十一月二十三日" and "二〇二六年十一月二十三日" in text
    assert "扫码验证" in text and CODE in text
    assert flat(spec.title) in text
    assert decoded_qr(pdf) == [QR_TEXT]
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) <= 2
    if code == "DYJS":  # the stub repeats serial, name and destination above the cut line
        assert text.count(serial) == 2 and text.count(flat(STAFF["destination"])) >= 2
        assert text.index("存根") < text.index("沿虚线裁开")
    if code in ("TFCY", "DBSQ", "LSJZ"):
        for member in resident.household.members:
            assert flat(member.name) in text
            assert member.id_number not in text or member.id_number == resident.id_number
    assert missing_glyph_report(values) == {}


@pytest.mark.parametrize("code", ["JZZM", "DBSQ"])
def test_fonts_are_embedded_truetype_subsets(demo, code):
    session, resident = demo
    reader = pypdf.PdfReader(io.BytesIO(issue(session, resident, code)[3]))
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


def _ink_boxes(pdf: bytes) -> list[tuple[int, int, int, int]]:
    boxes = []
    for page in pdfium.PdfDocument(pdf):
        image = page.render(scale=1).to_pil().convert("L")
        boxes.append(image.point(lambda v: 255 if v < 160 else 0).getbbox())
    return boxes


def test_hostile_and_long_values_print_literally_inside_the_page(demo):
    session, resident = demo
    purpose = ("为办理" + HOSTILE + "相关手续，") * 40
    purpose = purpose[:500]
    spec, values, serial, pdf = issue(session, resident, "JZZM", name=HOSTILE, purpose=purpose)
    assert ct.check_values(spec, {**values, "name": resident.name}) == {}
    text = pdf_text(pdf)
    assert flat(HOSTILE) in text and flat(purpose) in body_text(pdf)
    assert decoded_qr(pdf) == [QR_TEXT]
    reason = "家中突遭变故，" * 70
    form_pdf = issue(session, resident, "DBSQ", reason=reason[:500], property=HOSTILE * 20)[3]
    assert flat(HOSTILE * 20) in body_text(form_pdf) and flat(reason[:500]) in body_text(form_pdf)
    for document in (pdf, form_pdf):
        for left, top, right, bottom in _ink_boxes(document):
            assert left >= LEFT_MARGIN - 1 * mm
            assert right <= LEFT_MARGIN + TEXT_WIDTH + 4 * mm
            assert top >= TOP_MARGIN - 2 * mm
            assert bottom <= PAGE_HEIGHT - 20 * mm


def test_qr_and_signatures_stay_together_when_a_form_spills(demo):
    session, resident = demo
    pdf = issue(session, resident, "LSJZ", reason="说明" * 240)[3]
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    last = flat(reader.pages[-1].extract_text())
    assert "申请人签字" in last and "街道审批意见" in last and "扫码验证" in last
    assert decoded_qr(pdf) == [QR_TEXT]


def test_missing_glyph_report_names_field_and_character():
    values = {
        "name": "王" + RARE,
        "purpose": HOSTILE,
        "age": 55,
        "household.members": [{"name": "李" + RARE + RARE, "age": 3}],
    }
    report = missing_glyph_report(values)
    assert report == {"name": [RARE], "household.members": [RARE]}
    assert missing_glyph_report({"name": "王晓梅", "purpose": "子女入学"}) == {}


def test_edited_template_text_is_escaped_too(demo):
    session, resident = demo
    spec = ct.spec_of(session.get(CertificateTemplate, "JZZM"))
    definition = copy.deepcopy(spec.definition)
    definition["body"].append("附注：<i>不是标记</i> & 原样打印")
    edited = ct.TemplateSpec.from_definition(definition)
    values = ct.resolve(edited, ct.prefill(session, edited, resident, DEMO_TODAY), staff_values(edited))
    pdf = render_certificate(
        edited,
        values,
        serial="JZ-2026-000001",
        qr_text=QR_TEXT,
        verification_code=CODE,
        centre_name=CENTRE,
        issue_date=DEMO_TODAY,
    )
    assert flat("附注：<i>不是标记</i> & 原样打印") in pdf_text(pdf)


def overlapping_glyphs(pdf: bytes) -> list[tuple[int, str, str]]:
    """Pairs of characters drawn over each other (page, char, char): text must never overlap."""
    clashes = []
    for number, page in enumerate(pdfium.PdfDocument(pdf), 1):
        textpage = page.get_textpage()
        boxes: dict[tuple[int, int], list[tuple[float, float, float, float, str]]] = {}
        for i in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(i)
            char = textpage.get_text_range(i, 1)
            if right - left < 1 or top - bottom < 1 or not char.strip():
                continue
            key = (int((left + right) / 40), int((bottom + top) / 40))
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for other in boxes.get((key[0] + dx, key[1] + dy), []):
                        w = min(right, other[2]) - max(left, other[0])
                        h = min(top, other[3]) - max(bottom, other[1])
                        smaller = min(
                            (right - left) * (top - bottom), (other[2] - other[0]) * (other[3] - other[1])
                        )
                        if w > 0 and h > 0 and w * h > 0.3 * smaller:
                            clashes.append((number, char, other[4]))
            boxes.setdefault(key, []).append((left, bottom, right, top, char))
    return clashes


@pytest.mark.parametrize("code", ["JZZM", "TFCY", "DYJS", "GLJT", "DBSQ"])
def test_no_text_overlaps_even_with_long_values(demo, code):
    session, resident = demo
    changes = {
        "purpose": "申请" * 240,
        "reason": "困难" * 250,
        "property": "房产" * 150,
        "to_org": "党委" * 30,
    }
    spec = ct.spec_of(session.get(CertificateTemplate, code))
    names = {f.name for f in spec.fields}
    pdf = issue(session, resident, code, **{k: v for k, v in changes.items() if k in names})[3]
    assert overlapping_glyphs(pdf) == []


def test_a_form_prints_with_blanks_to_fill_by_hand(demo):
    """Batch printing (e.g. 高龄津贴 forms for everyone aged 80+) has no desk input: the applicant ticks
    and writes by hand, so a form's staff fields print as empty cells and unticked boxes."""
    session, resident = demo
    spec = ct.spec_of(session.get(CertificateTemplate, "GLJT"))
    values = ct.resolve(spec, ct.prefill(session, spec, resident, DEMO_TODAY), {})
    pdf = render_certificate(
        spec,
        values,
        serial="GL-2026-000001",
        qr_text=QR_TEXT,
        verification_code=CODE,
        centre_name=CENTRE,
        issue_date=DEMO_TODAY,
    )
    text = pdf_text(pdf)
    assert "□80至89周岁" in text and "■" not in text
    assert flat(resident.name) in text and decoded_qr(pdf) == [QR_TEXT]


# ------------------------------------------------------------------------------ what the desk lists


def test_a_retired_template_is_not_offered_but_still_listed(db):
    with db.sessions.begin() as session:
        ct.load_templates(session)
        session.get(CertificateTemplate, "JZZM").active = False
    with db.sessions() as session:
        offered = active_templates(session)
        stored = stored_templates(session)
        assert "JZZM" not in [t.code for t in offered] and offered
        assert [t.code for t in offered] == sorted(t.code for t in offered)
        assert offered[0].title == session.get(CertificateTemplate, offered[0].code).title
        retired = next(t for t in stored if t.code == "JZZM")
        assert not retired.active and retired.definition["code"] == "JZZM"
        # the volunteer hours certificate is issued from its own records, never offered by hand
        assert {t.code for t in stored} == {t.code for t in offered} | {"JZZM", *COMPUTED_TEMPLATES}
        assert stored_template(session, "JZZM") == retired
        assert stored_template(session, "NOSUCH") is None


def test_the_issue_form_is_prefilled_from_the_lookup(demo):
    session, resident = demo
    form = issue_form(session, "JZZM", resident.id_number, DEMO_TODAY)
    assert form.spec.code == "JZZM" and form.prefilled["name"] == resident.name
    with pytest.raises(LookupFailed):
        issue_form(session, "JZZM", "110105194912310021", DEMO_TODAY)
    session.get(CertificateTemplate, "JZZM").active = False
    with pytest.raises(CertificateError, match="不存在或已停用"):
        issue_form(session, "JZZM", resident.id_number, DEMO_TODAY)
    session.rollback()


def test_a_batch_can_be_narrowed_to_any_grid_and_to_assigned_tags(demo_db):
    with demo_db.sessions() as session:
        choices = filter_choices(session)
        assert [g.code for g in choices.grids] == list(session.scalars(select(Grid.code).order_by(Grid.code)))
        assert choices.grids and choices.tags
        age_tags = set(
            session.scalars(select(Tag.code).where(Tag.min_age.is_not(None) | Tag.max_age.is_not(None)))
        )
        assert age_tags and not age_tags & {t.code for t in choices.tags}
