"""The year's 党员评定表 (the 成绩单 of a branch's members, after 黄山区's 四类成绩单) as data
for the printed sheet and as an .xlsx workbook: a workbook is data, so it is written here with the
centre's one writer (formula-looking text stays text), and the PDF is drawn in app/printing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.services.common.xlsx import Column, SheetSpec, write_xlsx
from app.services.party.point_grades import BranchYear, RankRow

SHEET_COLUMNS = (
    Column("类别", 10),
    Column("名次", 8),
    Column("姓名", 10),
    Column("身份证号", 22),
    Column("积分", 8),
    Column("无故缺席", 9),
    Column("系统建议", 10),
    Column("建议依据", 36),
    Column("支部评定", 10),
    Column("评议意见", 30),
    Column("记录人", 12),
)


def sheet_title(record: BranchYear) -> str:
    return f"{record.branch}{record.year}年度党员评定表"


def sheet_cells(row: RankRow) -> list[object]:
    return [
        row.group,
        f"{row.place}/{row.of}",
        row.name,
        row.id_masked,
        row.points,
        row.unexcused,
        row.proposed,
        row.why,
        row.decided or "未评定",
        row.note,
        row.decided_by,
    ]


def grade_counts(record: BranchYear) -> dict[str, int]:
    """How many members the branch gave each grade (undecided under 未评定)."""
    counts: dict[str, int] = {}
    for row in record.rows:
        key = row.decided or "未评定"
        counts[key] = counts.get(key, 0) + 1
    return counts


def write_sheet_xlsx(
    path: Path, record: BranchYear, *, made_by: str, made_at: dt.datetime | None = None
) -> int:
    """The sheet as a workbook; returns how many members it lists."""
    made_at = made_at or dt.datetime.now()
    counts = "、".join(f"{grade}{n}人" for grade, n in grade_counts(record).items()) or "无"
    spec = SheetSpec(
        sheet_title(record),
        SHEET_COLUMNS,
        about=(
            ("支部", record.branch),
            ("年度", str(record.year)),
            ("评定情况", counts),
            ("建议规则", record.rule),
            ("制表", f"{made_by} {made_at:%Y-%m-%d %H:%M}"),
        ),
    )
    return write_xlsx(path, spec, (sheet_cells(row) for row in record.rows), total=len(record.rows))
