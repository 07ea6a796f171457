"""The case's 办理单 (A4): 问题单, 措施单 with its schedule, 责任单, 结果单, the way it is handled,
the escalations and the three evaluations, drawn from app.services.cases.handling's records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table
from sqlalchemy.orm import Session

from app.printing.layout import GREY, LABEL_SHADE, TEXT_WIDTH, build_pdf, field_grid, para, table_style
from app.services.cases.documents import DocumentError, record_print
from app.services.cases.handling import PrintableSheet, UnitEvaluation, printable_sheet

TITLE = "办件办理单"


def _section(title: str) -> Paragraph:
    return para(title, "cell_label", markup="")


def _table(header: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    data = [[para(h, "cell_label") for h in header]]
    data += [[para(cell, "small") for cell in row] for row in rows] or [
        [para("（无）", "small")] + [""] * (len(header) - 1)
    ]
    table = Table(data, colWidths=[w * TEXT_WIDTH for w in widths], repeatRows=1, splitByRow=True)
    table.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GREY),
                ("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _v(text: str) -> Paragraph:
    return para(text, "small")


def _evaluation(value: UnitEvaluation | None) -> str:
    if value is None:
        return "—"
    return f"{value.evaluation}　{value.note}".strip()


def render_handling_sheet(printable: PrintableSheet, today: dt.date | None = None) -> bytes:
    today = today or dt.date.today()
    sheet = printable.sheet
    story: list[Flowable] = [
        para(printable.centre_name, "heading"),
        para(TITLE, "title"),
        para(f"编号：{sheet.case_no}", "number_line"),
    ]
    story += field_grid(
        [
            [("事项", _v(sheet.item_name)), ("状态", _v(sheet.status_name))],
            [("申请人", _v(printable.applicant)), ("网格", _v(printable.grid_name))],
            [("收件时间", _v(printable.received)), ("承诺办结", _v(printable.due))],
            [("当前承办", _v(printable.owner)), ("办理方式", _v(sheet.mode or "未定"))],
            [("问题单", _v(sheet.problem or "—"))],
        ]
    )
    story += [Spacer(1, 4 * mm), _section("措施单（序时进度）"), Spacer(1, 1 * mm)]
    story.append(
        _table(
            ["序", "措施", "责任人", "计划完成", "实际完成", "进度"],
            [
                [
                    str(m.number),
                    m.text,
                    m.owner,
                    m.planned.isoformat() if m.planned else "—",
                    m.done.isoformat() if m.done else "—",
                    m.state(today),
                ]
                for m in sheet.measures
            ],
            [0.05, 0.36, 0.12, 0.17, 0.17, 0.13],
        )
    )
    story += [Spacer(1, 4 * mm), _section("责任单"), Spacer(1, 1 * mm)]
    story.append(
        _table(
            ["责任单位", "责任人", "联系电话"],
            [[r.unit, r.person, r.phone or "—"] for r in sheet.responsible],
            [0.45, 0.25, 0.30],
        )
    )
    if sheet.escalations:
        story += [Spacer(1, 4 * mm), _section("吹哨上报"), Spacer(1, 1 * mm)]
        story.append(
            _table(
                ["上报对象", "层级", "原因", "要求答复"],
                [
                    [e.target, e.level or "—", e.reason, e.requested.isoformat() if e.requested else "—"]
                    for e in sheet.escalations
                ],
                [0.25, 0.1, 0.45, 0.2],
            )
        )
    story += [Spacer(1, 4 * mm)]
    story += field_grid(
        [
            [("结果单", _v(sheet.result or "尚未办结"))],
            [("指派网格员", _v(printable.assignee or "—"))],
            [
                ("群众评价", _v(sheet.resident_evaluation or "—")),
                ("社区评价", _v(_evaluation(sheet.community_evaluation))),
            ],
            [("街道评价", _v(_evaluation(sheet.street_evaluation)))],
        ]
    )
    return build_pdf(story, title=f"{TITLE} {sheet.case_no}", centre_name=printable.centre_name)


def write_handling_sheet(session: Session, case_no: str, path: Path, *, actor: str) -> Path:
    """Write the 办理单 to ``path`` and audit it as a print; the caller commits."""
    printable = printable_sheet(session, case_no)
    if printable is None:
        raise DocumentError(f"办件 {case_no} 不存在")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_handling_sheet(printable))
    record_print(session, case_no, TITLE, actor=actor, how=f"保存为 {path.name}")
    return path
