"""The 会议记录: one branch meeting on A4 as the branch files it (三会一课 and 主题党日 records
are checked by the street on paper): the heading block, who came and who did not and why, the
topic, the minutes, the decisions and the photos as thumbnails. Members are named, never numbered:
no ID number reaches this page."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, KeepTogether, Spacer, Table

from app.printing.fonts import SONG
from app.printing.layout import (
    LEFT_MARGIN,
    PAGE_HEIGHT,
    TEXT_WIDTH,
    TOP_MARGIN,
    field_grid,
    page_document,
    para,
    table_style,
)
from app.printing.page_furniture import running_head
from app.services.party.meeting_records import CARD_HOWS, HOW_NAMES, MeetingRecord

THUMB_WIDTH = 50 * mm
THUMB_HEIGHT = 37 * mm


def _paragraphs(text: str, empty: str) -> list:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return [para(line, "body") for line in lines] or [para(empty, "small")]


def _thumbnail(path: Path) -> Image | None:
    """The photo scaled into the thumbnail box, keeping its shape; None for a file that is not a
    readable picture (a photo removed from the folder by hand prints as missing, not as an error)."""
    try:
        width, height = ImageReader(str(path)).getSize()
    except Exception:  # noqa: BLE001 — any unreadable file is the same to the reader
        return None
    scale = min(THUMB_WIDTH / width, THUMB_HEIGHT / height)
    return Image(str(path), width=width * scale, height=height * scale)


def _photo_grid(photos: Sequence[Path]) -> list:
    cells = [_thumbnail(p) or para("（照片文件缺失）", "small") for p in photos]
    if not cells:
        return [para("本次会议未附照片", "small")]
    rows = [cells[i : i + 3] for i in range(0, len(cells), 3)]
    rows[-1] += [""] * (3 - len(rows[-1]))
    table = Table(rows, colWidths=[TEXT_WIDTH / 3] * 3, rowHeights=[THUMB_HEIGHT + 4 * mm] * len(rows))
    table.setStyle(
        table_style([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    )
    return [table]


def render_minutes(record: MeetingRecord, photos: Sequence[Path], *, centre_name: str) -> bytes:
    """The meeting's 会议记录 as an A4 PDF; ``photos`` are the files of its photos in order."""
    draft = record.draft
    present, absent = record.present, record.absent
    names = "、".join(
        f"{a.name}" + ("" if a.how in CARD_HOWS else f"（{HOW_NAMES.get(a.how, '补记')}）") for a in present
    )
    absentees = "；".join(f"{a.name}（{a.reason or '未说明原因'}）" for a in absent)
    unmarked = record.expected - len(present) - len(absent)
    counts = f"应到{record.expected}人，实到{len(present)}人，缺席{len(absent)}人"
    if unmarked:
        counts += f"，未登记{unmarked}人"
    story = [
        para(f"{record.branch}{record.kind_name}会议记录", "title"),
        *field_grid(
            [
                [("会议类型", record.kind_name), ("会议时间", f"{draft.held_on:%Y年%m月%d日}")],
                [("会议地点", draft.place or "—"), ("会议状态", "已召开" if draft.held else "计划召开")],
                [("主持人", draft.host or "—"), ("记录人", draft.recorder or "—")],
                [("出席情况", counts)],
                [("出席人员", names or "—")],
                [("缺席人员及原因", absentees or "无")],
                [("会议主题", draft.topic)],
            ],
            label_width=30 * mm,
        ),
        Spacer(0, 5 * mm),
        para("会议内容", "cell_label"),
        *_paragraphs(draft.minutes, "（未填写会议内容）"),
        Spacer(0, 4 * mm),
        para("会议决定事项", "cell_label"),
        *_paragraphs(draft.decisions, "（无决定事项）"),
        Spacer(0, 4 * mm),
        KeepTogether([para("会议照片", "cell_label"), Spacer(0, 2 * mm), *_photo_grid(photos)]),
        Spacer(0, 10 * mm),
        Table(
            [[para("主持人签字：", "salutation"), para("记录人签字：", "salutation")]],
            colWidths=[TEXT_WIDTH / 2] * 2,
        ),
    ]
    buffer = io.BytesIO()
    doc = page_document(buffer, title=f"{record.branch}会议记录", centre_name=centre_name)
    template = doc.pageTemplates[0]
    footer = template.onPage
    head = running_head(
        f"{record.branch} · {record.kind_name} · {draft.held_on:%Y-%m-%d}（续）",
        font=SONG,
        x=LEFT_MARGIN,
        y=PAGE_HEIGHT - TOP_MARGIN + 8 * mm,
        width=TEXT_WIDTH,
    )

    def furniture(canvas, document) -> None:
        footer(canvas, document)
        head(canvas, document)

    template.onPage = furniture
    doc.build(story)
    return buffer.getvalue()
