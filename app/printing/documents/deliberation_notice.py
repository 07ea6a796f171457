"""议事决议公示: the decision of a 议事 meeting and, once there is one, its result, as an A4 notice
for the board — the topic, when and where, who took part (residents' names masked), the 四议两公开
steps with their dates, the vote, the decision, the result, the posting period and a QR code
carrying the meeting's number, by which a resident asks about it at the desk."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from app.printing.layout import TEXT_WIDTH, build_pdf, field_grid, para, table_style
from app.printing.qr import qr_drawing
from app.services.engage.deliberation_reads import MeetingNotice

QR_MM = 28


def _day(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def render_meeting_notice(notice: MeetingNotice, *, path: str | Path | None = None) -> bytes:
    m = notice.meeting
    title = "议事决议及实施结果公示" if m.result else "议事决议公示"
    story = [
        para(title, "title"),
        para(f"{notice.community_name}　{m.meeting_no}", "subtitle"),
        Spacer(0, 2 * mm),
        *field_grid(
            [
                [("议事形式", m.kind_name), ("召集人", m.convenor)],
                [("议事时间", _day(m.held_on)), ("地点", m.place or "—")],
                [("议题", m.topic)],
                [("参加人员", "、".join(notice.attendees) or "—")],
            ]
        ),
    ]
    if m.steps:
        rows = [[para(h, "cell_label") for h in ("步骤", "日期", "说明")]]
        rows += [
            [para(f"{i}. {s.name}", "small"), para(_day(s.done_on), "small"), para(s.note or "—", "small")]
            for i, s in enumerate(m.steps, 1)
        ]
        table = Table(rows, colWidths=[44 * mm, 36 * mm, TEXT_WIDTH - 80 * mm], repeatRows=1)
        table.setStyle(
            table_style(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, "#555555"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        story += [Spacer(0, 3 * mm), para("四议两公开程序", "cell_label"), table]
    story += [
        Spacer(0, 3 * mm),
        para(f"决议内容（{_day(m.decided_on)}）", "cell_label"),
        para(m.decision, "cell"),
        para(f"表决结果：{m.vote_text}", "cell"),
    ]
    if m.result:
        story += [
            Spacer(0, 2 * mm),
            para(f"实施结果（{_day(m.result_on)}）", "cell_label"),
            para(m.result, "cell"),
        ]
    answered = [f"办件{c}" for c in m.case_nos] + [f"微心愿{w}" for w in m.wish_nos]
    if answered:
        story.append(para("本次议事答复：" + "、".join(answered), "small"))
    hotline = f"，监督电话：{notice.community_hotline}" if notice.community_hotline else ""
    text = para(
        f"公示时间：{_day(notice.day)}至{_day(notice.until)}。居民对公示内容有意见的，请在公示期内向社区党组织"
        f"或居民委员会反映{hotline}。扫描右侧二维码可得到议事编号，到社区党群服务中心查询。",
        "small",
    )
    footer = Table(
        [[text, qr_drawing(notice.qr_text, size_mm=QR_MM)]],
        colWidths=[TEXT_WIDTH - (QR_MM + 4) * mm, (QR_MM + 4) * mm],
    )
    footer.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    signed = KeepTogether(
        [
            para(f"中共{notice.community_name}委员会　{notice.community_name}居民委员会", "number_line"),
            para(_day(notice.day), "number_line"),
        ]
    )
    story += [Spacer(0, 3 * mm), footer, signed]
    return build_pdf(story, title=f"{title} {m.meeting_no}", centre_name=notice.community_name, path=path)
