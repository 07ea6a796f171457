"""The 报到服务记实 sheet: an in-service member's year of services to the community, signed off
by the community, for the member to take back to their unit."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from app.printing.layout import build_pdf, field_grid, para, table_style
from app.services.party.report_in import MemberYear


def render_report_in_sheet(record: MemberYear, *, centre_name: str) -> bytes:
    """One member's 报到服务记实 for ``record.year`` as an A4 PDF."""
    story = [
        para(f"{record.year}年度在职党员到社区报到服务记实", "title"),
        *field_grid(
            [
                [("姓名", record.name), ("身份证号", record.id_masked)],
                [("报到单位", record.unit_name or "—"), ("所在支部", record.branch)],
            ]
        ),
        Spacer(0, 4 * mm),
    ]
    rows = [[para(h, "cell_label") for h in ("日期", "岗位", "服务内容", "时长", "确认人")]]
    for s in record.services:
        rows.append(
            [
                para(s.served_on.isoformat(), "small"),
                para(s.post, "small"),
                para(s.content, "small"),
                para(f"{s.hours:g}小时", "small"),
                para(s.confirmed_by or "—", "small"),
            ]
        )
    if not record.services:
        rows.append([para("本年度暂无服务记录", "small"), "", "", "", ""])
    rows.append(
        [
            para("合计", "cell_label"),
            "",
            para(f"共{len(record.services)}次", "small"),
            para(f"{record.hours:g}小时", "small"),
            "",
        ]
    )
    table = Table(rows, colWidths=[26 * mm, 22 * mm, 66 * mm, 18 * mm, 24 * mm], repeatRows=1)
    table.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "#555555"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"),
            ]
        )
    )
    story += [
        table,
        Spacer(0, 10 * mm),
        para("社区党组织意见：", "salutation"),
        Spacer(0, 18 * mm),
        para(f"{centre_name}（盖章）        年    月    日", "number_line"),
    ]
    return build_pdf(story, title=f"{record.name}报到服务记实", centre_name=centre_name)
