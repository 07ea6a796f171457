"""共建单位年度记录: one partner unit's year on A4 — the agreement and contact, the in-service
members who reported to the community (双报到, numbers masked) and their hours, the resources it
offered, the needs it took on, the 双向认领 projects with their milestones and results, and the
micro-wishes it claimed (wishers masked). Kept by the community and given to the unit."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from app.printing.layout import build_pdf, field_grid, para, table_style
from app.services.engage.partner_reads import UnitRecord

STYLE = [
    ("GRID", (0, 0), (-1, -1), 0.5, "#555555"),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"),
]


def _day(day) -> str:
    return day.isoformat() if day else "—"


def _table(head: tuple[str, ...], rows: list[list[str]], widths: list[float], empty: str) -> Table:
    body = [[para(h, "cell_label") for h in head]]
    body += [[para(str(v), "small") for v in row] for row in rows]
    if not rows:
        body.append([para(empty, "small")] + [""] * (len(head) - 1))
    table = Table(body, colWidths=[w * mm for w in widths], repeatRows=1)
    commands = list(STYLE)
    if not rows:
        commands.append(("SPAN", (0, 1), (-1, 1)))
    table.setStyle(table_style(commands))
    return table


def render_unit_record(record: UnitRecord, *, path: str | Path | None = None) -> bytes:
    unit = record.unit
    agreement = (
        f"{_day(unit.agreement_from)} 至 {_day(unit.agreement_to)}" if unit.agreement_from else "未签协议"
    )
    story = [
        para(f"{record.year}年度共建单位共驻共建记录", "title"),
        *field_grid(
            [
                [("单位名称", unit.name), ("单位类别", unit.kind)],
                [("联系人", unit.contact_name or "—"), ("联系电话", unit.contact_phone or "—")],
                [("共建协议", agreement), ("报到党员", f"{len(record.members)}名，服务{record.hours:g}小时")],
            ]
        ),
        Spacer(0, 4 * mm),
        para("一、在职党员到社区报到（双报到）", "cell_label"),
        _table(
            ("姓名", "身份证号", "服务次数", "服务时长"),
            [[m.name, m.id_masked, f"{m.services}次", f"{m.hours:g}小时"] for m in record.members],
            [36, 60, 30, 30],
            "本年度暂无报到党员",
        ),
        Spacer(0, 4 * mm),
        para("二、资源清单与认领的需求", "cell_label"),
        _table(
            ("清单", "名称", "说明", "认领情况"),
            [["资源", i.title, i.detail or "—", i.claimed_by or "待认领"] for i in record.resources]
            + [["需求", i.title, i.detail or "—", i.claimed_by] for i in record.needs],
            [16, 44, 56, 40],
            "本年度暂无资源和需求",
        ),
        Spacer(0, 4 * mm),
        para("三、双向认领项目", "cell_label"),
        _table(
            ("编号", "项目", "负责人", "节点", "状态与成效"),
            [
                [
                    p.project_no,
                    f"{p.title}（{p.direction_name}，{_day(p.claimed_on)}认领）",
                    p.owner,
                    "；".join(
                        f"{m.title} 计划{_day(m.planned_on)} 完成{_day(m.done_on)}" for m in p.milestones
                    )
                    or "—",
                    p.status_name + (f"：{p.result}" if p.result else ""),
                ]
                for p in record.projects
            ],
            [27, 41, 16, 42, 30],
            "本年度暂无认领项目",
        ),
        Spacer(0, 4 * mm),
        para("四、认领的微心愿", "cell_label"),
        _table(
            ("编号", "心愿人", "心愿", "状态"),
            [[w.wish_no, w.wisher, w.content, w.status] for w in record.wishes],
            [28, 20, 80, 28],
            "本年度暂无认领的微心愿",
        ),
        Spacer(0, 6 * mm),
        KeepTogether(
            [
                para("社区党组织意见：", "salutation"),
                Spacer(0, 14 * mm),
                para(f"{record.community_name}（盖章）        年    月    日", "number_line"),
            ]
        ),
    ]
    return build_pdf(
        story, title=f"{unit.name}{record.year}年度共建记录", centre_name=record.community_name, path=path
    )
