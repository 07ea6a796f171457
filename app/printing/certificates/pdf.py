"""Certificates (证明) and application forms (申请表) from templates, with a verification QR code.

A certificate prints as an official letter on the GB/T 9704 page: heading, title, 编号 at the top
right, body paragraphs in 三号 with a two-character indent, the issuer and date over the seal area,
then the footer notes beside the QR code (扫码验证, and the verification code in large type). A
form prints as bordered tables (shaded labels, wrapping values, the household members), then its
signature/opinion rows kept together with the QR code. A stub (存根) prints above a dashed cut line.

Values are what :func:`app.services.certificates.templates.resolve` returns; every one is escaped
before it reaches a Paragraph. Call :func:`missing_glyph_report` first and refuse to print while it
reports anything: a character no font draws would print as an empty box.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, KeepTogether, Paragraph, Spacer, Table

from app.models import CertificateTemplate
from app.printing.certificates.qr_panel import beside_qr
from app.printing.certificates.slots import Slot, slot
from app.printing.certificates.tables import field_table, form_styles, members_table, sign_rows_table
from app.printing.fonts import SANS, SONG, body_font, missing_glyphs
from app.printing.layout import (
    BODY_SIZE,
    GREY,
    TEXT_HEIGHT,
    TEXT_WIDTH,
    CutLine,
    HeavyParagraph,
    IssuerBlock,
    build_pdf,
    escape,
    para,
    styles,
    table_style,
)
from app.services.certificates.template_schema import MEMBERS_SOURCE, PLACEHOLDER
from app.services.certificates.template_spec import TemplateSpec
from app.services.certificates.templates import display, parse_date
from app.services.common.chinese import chinese_date

SHRINK_LIMIT = 1.25  # a certificate up to a quarter longer than its page is set smaller on one

VERIFY_HINT = "核验方法：扫描本页二维码，或凭编号和验证码向出具单位查询。"


def missing_glyph_report(values: Mapping[str, object]) -> dict[str, list[str]]:
    """Field -> characters that neither the document's face nor the SANS fallback can draw.

    Covers text values and the household members' entries (reported under their key). An empty
    report means every character prints; otherwise tell the staff which field and which character.
    """
    faces = list(dict.fromkeys((SONG, body_font())))
    report: dict[str, list[str]] = {}
    for key, value in values.items():
        missing: list[str] = []
        for text in _strings(value):
            for face in faces:
                missing += missing_glyphs(text, face, fallback=SANS)
        if missing:
            report[key] = list(dict.fromkeys(missing))
    return report


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def shown_values(spec: TemplateSpec, values: Mapping[str, object], issue_date: dt.date) -> dict[str, str]:
    """Each field and source key as printed: dates 1971年7月11日, the issue date the Chinese way."""
    shown: dict[str, str] = {}
    for f in spec.fields:
        value = values.get(f.name)
        if f.source == "computed.issue_date_cn":
            shown[f.name] = chinese_date(issue_date)
        elif f.type == "date" and value not in (None, ""):
            day = parse_date(value)
            shown[f.name] = display(day) if day else display(value)
        else:
            shown[f.name] = display(value)
    for key in spec.source_keys():
        if key != MEMBERS_SOURCE:
            shown[key] = display(values.get(key))
    shown["computed.issue_date_cn"] = chinese_date(issue_date)
    shown["computed.today"] = display(issue_date)
    return shown


def rich(text: str, shown: Mapping[str, str], font: str) -> str:
    """Template text with its placeholders filled; template text and values are both escaped."""
    parts: list[str] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(escape(text[position : match.start()], font))
        parts.append(escape(shown.get(match.group(1), ""), font))
        position = match.end()
    parts.append(escape(text[position:], font))
    return "".join(parts)


def _paragraph(text: str, shown: Mapping[str, str], style_name: str) -> Flowable:
    style = _styles()[style_name]
    paragraph = Paragraph(rich(text, shown, style.fontName), style)
    return slot(paragraph) if PLACEHOLDER.search(text) else paragraph


def _styles() -> dict:
    base = styles()
    body = base["body"]
    return {
        "body": body,
        "heading": base["heading"],
        "salutation": base["salutation"],
        "plain": body.clone("cert_plain", firstLineIndent=0),
        "note": body.clone("cert_note", fontSize=11, leading=16, firstLineIndent=0),
        "stub_title": base["title"].clone("stub_title", fontSize=16, leading=22, spaceAfter=0),
        "stub_body": body.clone("stub_body", fontSize=13, leading=20, firstLineIndent=26),
        "stub_date": body.clone("stub_date", fontSize=13, leading=20, alignment=TA_RIGHT, firstLineIndent=0),
        "issuer": body.clone("cert_issuer", alignment=TA_RIGHT, firstLineIndent=0, rightIndent=2 * BODY_SIZE),
        "header": base["cell"].clone("form_header", fontSize=11, leading=16, alignment=TA_LEFT),
        "header_right": base["cell"].clone("form_header_r", fontSize=11, leading=16, alignment=TA_RIGHT),
    }


def _notes(spec: TemplateSpec, shown: Mapping[str, str]) -> list[Flowable]:
    """The footer notes and how to verify: 12 pt under a letter, 10.5 pt under a form."""
    style = _styles()["note"] if spec.kind == "certificate" else form_styles()["note"]
    notes = [
        (text, Paragraph(rich(text, shown, style.fontName), style)) for text in [*spec.footer, VERIFY_HINT]
    ]
    return [slot(note) if PLACEHOLDER.search(text) else note for text, note in notes]


def _members(spec: TemplateSpec, values: Mapping[str, object]) -> list[dict]:
    members = values.get(MEMBERS_SOURCE)
    return [m for m in members if isinstance(m, Mapping)] if isinstance(members, list | tuple) else []


def _stub(spec: TemplateSpec, shown: Mapping[str, str], serial: str, issue_date: dt.date) -> list[Flowable]:
    st = _styles()
    assert spec.stub is not None
    return [
        Paragraph(escape(spec.stub.title, SONG), st["stub_title"]),
        slot(para(serial, "number_line", markup="编号：")),
        *[_paragraph(text, shown, "stub_body") for text in spec.stub.body],
        slot(Paragraph(escape(chinese_date(issue_date)), st["stub_date"])),
        CutLine(),
        Paragraph(
            "（沿虚线裁开：上联为存根，由开具单位留存；下联交本人）",
            styles()["caption"].clone(
                "cut_caption", fontSize=9, leading=12, textColor=GREY, spaceAfter=3 * mm
            ),
        ),
    ]


def _certificate(
    spec: TemplateSpec,
    values: Mapping[str, object],
    shown: Mapping[str, str],
    serial: str,
    issue_date: dt.date,
    centre_name: str,
    qr: tuple[str, str],
) -> list[Flowable]:
    parts: list[Flowable] = []
    if spec.stub:
        parts += _stub(spec, shown, serial, issue_date)
    if spec.heading is None:  # the body that signs it heads it too (居民委员会 over and under)
        issuer = _plain(spec.signature.issuer, shown) if spec.signature is not None else ""
        parts.append(slot(para(issuer or centre_name, "heading")))
    elif spec.heading:
        parts.append(_paragraph(str(spec.heading), shown, "heading"))
    parts.append(para(spec.title, "title"))
    if spec.subtitle:
        parts.append(para(spec.subtitle, "subtitle"))
    parts.append(slot(para(serial, "number_line", markup="编号：")))
    tables = {t.id: t for t in spec.tables}
    for part in spec.body:
        if part.table:
            table = tables[part.table]
            assert table.members is not None
            parts += [
                Spacer(1, 2 * mm),
                members_table(
                    table.title,
                    table.members.columns,
                    _members(spec, values),
                    min_rows=table.members.min_rows,
                    size=12,
                ),
                Spacer(1, 3 * mm),
            ]
        else:
            parts.append(_paragraph(part.text, shown, part.style))
    signature = spec.signature
    assert signature is not None
    issuer = rich(signature.issuer, shown, body_font())
    if signature.seal:
        issuer_block: Flowable = IssuerBlock(
            _plain(signature.issuer, shown), chinese_date(issue_date), seal_label=signature.seal_label
        )
    else:
        issuer_block = Paragraph(f"{issuer}<br/>{chinese_date(issue_date)}", _styles()["issuer"])
    closing = [Spacer(1, 4 * mm), beside_qr(slot(issuer_block), *qr), Spacer(1, 3 * mm), *_notes(spec, shown)]
    last = parts[-1].content if isinstance(parts[-1], Slot) else parts[-1]
    if isinstance(last, Paragraph):  # the last words (特此证明) never part from the seal
        closing.insert(0, parts.pop())
    parts.append(KeepTogether(closing))
    return parts


def _plain(text: str, shown: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: shown.get(m.group(1), ""), text)


def _form(
    spec: TemplateSpec,
    values: Mapping[str, object],
    shown: Mapping[str, str],
    serial: str,
    issue_date: dt.date,
    centre_name: str,
    qr: tuple[str, str],
) -> list[Flowable]:
    st = _styles()
    title = styles()["title"].clone("form_title", spaceAfter=4 if spec.subtitle else 8)
    parts: list[Flowable] = [HeavyParagraph(escape(spec.title, SONG), title)]
    if spec.subtitle:
        parts.append(para(spec.subtitle, "subtitle"))
    header = Table(
        [
            [
                slot(Paragraph("填表日期：" + chinese_date(issue_date), st["header"])),
                slot(Paragraph("编号：" + escape(serial, SONG), st["header_right"])),
            ]
        ],
        colWidths=[TEXT_WIDTH * 0.6, TEXT_WIDTH * 0.4],
    )
    header.setStyle(
        table_style(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    parts += [header, Spacer(1, 1.5 * mm)]
    fields = {f.name: f for f in spec.fields}
    for table in spec.tables:
        if table.members:
            parts.append(
                members_table(
                    table.title,
                    table.members.columns,
                    _members(spec, values),
                    min_rows=table.members.min_rows,
                )
            )
        else:
            parts += field_table(table, fields, shown)
    panel = beside_qr(_notes(spec, shown), *qr)
    rows = spec.sign_rows
    data_h, closing_h = _height(parts), _height([sign_rows_table(rows), panel]) + 4 * mm
    spare = TEXT_HEIGHT - data_h - closing_h - 6 * mm
    extra = min(spare, len(rows) * 12 * mm) if spare > 0 else 0  # room left: more space to write
    if not rows:
        parts.append(panel)
        return parts
    # The opinion rows follow the data on the same page as far as they fit (the applicant's
    # signature beside what they declared); the rest continue on the next, and the last row never
    # leaves the QR code and the notes.
    share = extra / len(rows)
    if len(rows) > 1:
        parts.append(sign_rows_table(rows[:-1], extra=share * (len(rows) - 1)))
    parts.append(KeepTogether([sign_rows_table(rows[-1:], extra=share), Spacer(1, 4 * mm), panel]))
    return parts


def _height(flowables: list[Flowable]) -> float:
    """The height ``flowables`` take laid out one after another (a KeepTogether by its content)."""
    total = 0.0
    for f in flowables:
        if isinstance(f, KeepTogether):
            total += _height(list(f._content))
        else:
            total += f.wrap(TEXT_WIDTH, TEXT_HEIGHT)[1] + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def render_certificate(
    spec: TemplateSpec | CertificateTemplate,
    values: Mapping[str, object],
    *,
    serial: str,
    qr_text: str,
    verification_code: str,
    centre_name: str,
    issue_date: dt.date,
) -> bytes:
    """The PDF of one certificate or form. ``values`` as ``resolve`` returns them; the printed issue
    date is always ``issue_date`` (written 二〇二六年十一月二十三日)."""
    if not isinstance(spec, TemplateSpec):
        spec = TemplateSpec.from_definition(spec.definition)
    flowables = certificate_flowables(
        spec,
        values,
        serial=serial,
        qr=(qr_text, verification_code),
        centre_name=centre_name,
        issue_date=issue_date,
    )
    return build_pdf(flowables, title=f"{spec.title} {serial}", centre_name=centre_name)


def certificate_flowables(
    spec: TemplateSpec,
    values: Mapping[str, object],
    *,
    serial: str,
    qr: tuple[str, str],
    centre_name: str,
    issue_date: dt.date,
) -> list[Flowable]:
    """What :func:`render_certificate` lays out on its pages (``qr``: the QR text and the
    verification code); a batch lays out the same (see :mod:`slots`)."""
    shown = shown_values(spec, values, issue_date)
    build = _certificate if spec.kind == "certificate" else _form
    flowables = build(spec, values, shown, serial, issue_date, centre_name, qr)
    if spec.kind == "certificate" and TEXT_HEIGHT < _height(flowables) <= SHRINK_LIMIT * TEXT_HEIGHT:
        # A letter a little too long for its page (a large household's table) is set a little
        # smaller on one page rather than leaving its seal and QR code alone on a second.
        # (On one page nothing needs keeping together: the directives give way to their content.)
        content = [g for f in flowables for g in (f._content if isinstance(f, KeepTogether) else [f])]
        flowables = [KeepInFrame(TEXT_WIDTH, TEXT_HEIGHT, content, mode="shrink")]
    return flowables
