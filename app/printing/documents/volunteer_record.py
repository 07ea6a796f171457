"""The 志愿服务记录 sheet: one volunteer's activities in a period with the hours each counted,
for the volunteer to keep or hand to a school or employer (a volunteer from outside the street
has no hours certificate; this sheet is theirs)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from app.printing.layout import build_pdf, field_grid, para, table_style
from app.services.volunteers.records import VolunteerRecord

RULE = (
    "时长按每次活动签到至签退的时间计算，不早于活动开始、不晚于活动结束，按半小时向下取整；经核定的注明原因。"
)


def render_volunteer_record(record: VolunteerRecord, *, centre_name: str) -> bytes:
    """One volunteer's 志愿服务记录 between ``record.date_from`` and ``record.date_to``, A4."""
    period = f"{record.date_from:%Y年%m月%d日} 至 {record.date_to:%Y年%m月%d日}"
    story = [
        para("志愿服务记录", "title"),
        *field_grid(
            [
                [("姓名", record.name), ("身份证号", record.id_masked)],
                [("所在服务队", "、".join(record.teams) or "—"), ("记录时段", period)],
            ]
        ),
        Spacer(0, 4 * mm),
    ]
    rows = [[para(h, "cell_label") for h in ("日期", "服务队", "活动", "签到", "签退", "时长", "备注")]]
    for line in record.lines:
        rows.append(
            [
                para(line.served_on.isoformat(), "small"),
                para(line.team, "small"),
                para(f"{line.activity}（{line.place}）" if line.place else line.activity, "small"),
                para(line.signed_in, "small"),
                para(line.signed_out, "small"),
                para(f"{line.hours:g}小时", "small"),
                para(line.note or "", "small"),
            ]
        )
    if not record.lines:
        rows.append([para("这段时间暂无志愿服务记录", "small"), "", "", "", "", "", ""])
    rows.append(
        [
            para("合计", "cell_label"),
            "",
            para(f"计入时长的活动{record.activities}次", "small"),
            "",
            "",
            para(f"{record.hours:g}小时", "small"),
            "",
        ]
    )
    widths = [25 * mm, 28 * mm, 44 * mm, 14 * mm, 15 * mm, 17 * mm, 27 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "#555555"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"),
                ("SPAN", (0, -1), (1, -1)),
                ("SPAN", (2, -1), (4, -1)),
            ]
        )
    )
    story += [
        table,
        Spacer(0, 3 * mm),
        para(RULE, "small"),
        Spacer(0, 12 * mm),
        para(f"{centre_name}（盖章）        年    月    日", "number_line"),
    ]
    return build_pdf(story, title=f"{record.name}志愿服务记录", centre_name=centre_name)
