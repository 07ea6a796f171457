"""Documents of the intake desk: 受理回执, 一次性告知书 (补正材料通知书), 不予受理通知书.

Each renderer takes the frozen dataclass of plain values that app.services.cases.documents builds
and returns PDF bytes. ID numbers arrive masked; the dataclasses refuse a full number, so that it
can never reach paper.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from app.printing.fonts import SONG
from app.printing.layout import (
    TEXT_WIDTH,
    CutLine,
    Field,
    IssuerBlock,
    SignatureLine,
    build_pdf,
    escape,
    field_grid,
    fit_font_size,
    para,
    short_datetime,
    styles,
    table_style,
)
from app.printing.qr import qr_drawing
from app.services.cases.documents import ReceiptData, RefusalNoticeData, SupplementNoticeData, non_blank
from app.services.common.chinese import chinese_date

_GAP = "\u00a0" * 6  # Paragraph collapses ordinary (and ideographic) spaces
REMEDY = "如对本决定有异议，可依法申请行政复议或者提起行政诉讼。"  # when no text was given


def _esc(text: str) -> str:
    """Escape user text for the body style (whose font may be FangSong)."""
    return escape(text, styles()["body"].fontName)


def _header(centre_name: str, title: str, subtitle: str = "") -> list[Flowable]:
    parts: list[Flowable] = [para(centre_name, "heading"), para(title, "title")]
    if subtitle:
        parts.append(para(subtitle, "subtitle"))
    return parts


QR_SIZE_MM = 32


def _case_panel(data: ReceiptData) -> Table:
    """受理编号 in large type and the promised date, boxed, beside the QR code to follow the case."""
    left_width = TEXT_WIDTH - (QR_SIZE_MM + 10) * mm
    size = fit_font_size(data.case_number, SONG, 26, left_width - 16, 12)
    number_style = styles()["cell"].clone("case_number", fontSize=size, leading=size * 1.25)
    left = [
        para("受理编号", "cell_label"),
        Paragraph(escape(data.case_number), number_style),
        Spacer(1, 2 * mm),
        para(chinese_date(data.promised_date), "cell", markup="承诺办结日期："),
    ]
    right = [qr_drawing(data.qr_text, size_mm=QR_SIZE_MM), para("扫码查询办理进度", "caption")]
    panel = Table([[left, right]], colWidths=[left_width, TEXT_WIDTH - left_width])
    panel.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (0, 0), 1.2, colors.black),
                ("VALIGN", (0, 0), (0, 0), "MIDDLE"),
                ("VALIGN", (1, 0), (1, 0), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 8),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
                ("TOPPADDING", (1, 0), (1, 0), 0),
            ]
        )
    )
    return panel


def _materials_cell(materials: Sequence[str]) -> list[Flowable] | str:
    items = non_blank(materials)
    if not items:
        return "（无）"
    return [para(m, "cell", markup=f"{i}. ") for i, m in enumerate(items, 1)]


def render_receipt(data: ReceiptData) -> bytes:
    """受理回执: what was accepted, when it will be done, who answers for it, and a QR to follow it."""
    rows: list[list[Field]] = [
        [("办理事项", data.item_name)],
        [("申请人", data.applicant_name), ("身份证号", data.applicant_id_masked or "—")],
    ]
    if data.agent_name:
        rows.append([("帮办代办人", data.agent_name), ("身份证号", data.agent_id_masked or "—")])
    rows += [
        [("已收取材料", _materials_cell(data.materials))],
        [
            ("受理时间", short_datetime(data.accepted_at)),
            ("承诺时限", "即办" if not data.promised_days else f"{data.promised_days}个工作日"),
        ],
        [("首问责任人", data.first_responder), ("咨询电话", data.centre_phone)],
    ]
    flowables = [
        *_header(data.centre_name, "受理回执"),
        _case_panel(data),
        Spacer(1, 5 * mm),
        *field_grid(rows),
        Spacer(1, 2 * mm),
        # The receipt is the centre's acknowledgement: the accepting unit seals it by its date.
        IssuerBlock(
            data.centre_name,
            chinese_date(data.accepted_at.date()),
            seal_label="（受理单位盖章）",
            diameter=30 * mm,
        ),
        KeepTogether(
            [
                para("请妥善保管本回执，领取办理结果时请出示；扫描上方二维码可随时查询办理进度。", "small"),
                Spacer(1, 4 * mm),
                CutLine(),
                SignatureLine([("申请人签字：", 55 * mm), ("日期：", 40 * mm)], space_before=4 * mm),
            ]
        ),
    ]
    return build_pdf(flowables, title=f"受理回执 {data.case_number}", centre_name=data.centre_name)


def _number_line(case_number: str) -> Paragraph:
    return para(case_number, "number_line", markup="编号：")


def _closing(centre_name: str, centre_phone: str, staff_name: str, issued_on: dt.date) -> Flowable:
    """Contact line and the issuer with the seal area, kept together (a signature never stands alone)."""
    contact = f"联系电话：{_esc(centre_phone)}{_GAP}经办人：{_esc(staff_name)}"
    return KeepTogether(
        [
            Paragraph(contact, styles()["body"]),
            Spacer(1, 2 * mm),
            IssuerBlock(centre_name, chinese_date(issued_on)),
        ]
    )


def render_supplement_notice(data: SupplementNoticeData) -> bytes:
    """一次性告知书: every missing material at once, so the applicant comes back only once."""
    when = f"于{chinese_date(data.applied_on)}" if data.applied_on else ""
    opening = f"经审查，您{when}申请的“{_esc(data.item_name)}”事项，申请材料不齐全，请补齐以下材料："
    materials = non_blank(data.missing_materials)
    flowables: list[Flowable] = [
        *_header(data.centre_name, "一次性告知书", "（补正材料通知书）"),
        _number_line(data.case_number),
        _salutation(data.applicant_name),
        Paragraph(opening, styles()["body"]),
        *[para(m, "list_item", markup=f"{i}. ") for i, m in enumerate(materials, 1)],
        para("请您一次性补齐上述材料后到本中心办理，材料补齐后予以受理。", "body"),
        _closing(data.centre_name, data.centre_phone, data.staff_name, data.issued_on),
    ]
    return build_pdf(flowables, title=f"一次性告知书 {data.case_number}", centre_name=data.centre_name)


def _salutation(name: str) -> Paragraph:
    return Paragraph(_esc(name) + "：", styles()["salutation"])


def render_refusal_notice(data: RefusalNoticeData) -> bytes:
    """不予受理通知书: the decision, the reason in full, the legal basis and the remedy."""
    opening = (
        f"您于{chinese_date(data.applied_on)}申请的“{_esc(data.item_name)}”事项，"
        "经审查，不符合受理条件，本中心决定不予受理。理由如下："
    )
    reasons = non_blank(data.reason.splitlines())
    flowables: list[Flowable] = [
        *_header(data.centre_name, "不予受理通知书"),
        _number_line(data.case_number),
        _salutation(data.applicant_name),
        Paragraph(opening, styles()["body"]),
        *[para(line, "body") for line in reasons],
    ]
    if (data.legal_basis or "").strip():
        flowables.append(para(data.legal_basis.strip(), "body", markup="依据："))
    flowables.append(para(data.remedy or REMEDY, "body"))
    flowables.append(_closing(data.centre_name, data.centre_phone, data.staff_name, data.issued_on))
    return build_pdf(flowables, title=f"不予受理通知书 {data.case_number}", centre_name=data.centre_name)
