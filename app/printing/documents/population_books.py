"""一户一档 (A4 portrait) and 一幢一册 (A4 landscape), drawn from the records of
app.services.population.books. Long tables run onto further pages with their header rows repeated
and a running head naming the household or building on every page."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.printing.documents.register_pages import build_register_pdf, grid_table, page_width
from app.printing.layout import field_grid, para
from app.services.population.books import BuildingBook, HouseholdFile

MEMBER_HEADERS = ["姓名", "关系", "性别", "出生日期", "身份证号", "联系电话", "标签", "状态"]
MEMBER_MM = [16, 13, 10, 20, 38, 23, 26, 10]  # mm, the 156 mm text width: an ID number fits one line
HOUSEHOLD_HEADERS = ["单元", "房号", "户主", "户主身份证号", "户主电话", "在册/登记人数", "重点人群标签"]
HOUSEHOLD_MM = [14, 18, 26, 40, 30, 26, 113]


def _masked_note(full: bool) -> str:
    return "" if full else "（身份证号、电话已部分隐去）"


def render_household_file(data: HouseholdFile, *, centre_name: str) -> bytes:
    """一户一档: where the household lives, who belongs to it, and whom to call."""
    title = f"一户一档 {data.building}{data.unit}单元{data.room}室"
    contacts = "；".join(f"{c.role} {c.name} {c.phone}".strip() for c in data.contacts) or "—"
    flowables = [
        para("一户一档", "title"),
        para(f"{data.community} · {data.grid}", "subtitle"),
        Spacer(1, 4 * mm),
        *field_grid(
            [
                [("住址", data.address)],
                [("户主", data.head or "—"), ("户号", data.hukou_number or "—")],
                [("成员人数", f"{len(data.members)}人"), ("建档日期", data.made_on.isoformat())],
                [("联系人", contacts)],
            ]
        ),
        Spacer(1, 5 * mm),
        para(f"家庭成员{_masked_note(data.full_data)}", "cell"),
        Spacer(1, 2 * mm),
        grid_table(
            MEMBER_HEADERS,
            (
                [
                    m.name,
                    m.relation or "—",
                    m.sex,
                    m.birth_date.isoformat(),
                    m.id_number,
                    m.phone or "—",
                    "、".join(m.tags) or "—",
                    m.state,
                ]
                for m in data.members
            ),
            _scaled(MEMBER_MM, page_width("portrait")),
            centred=(1, 2, 3, 7),
        ),
        Spacer(1, 6 * mm),
        para("本档案含居民个人信息，仅供社区工作使用，请妥善保管，不得外传。", "small"),
    ]
    return build_register_pdf(
        flowables,
        title=title,
        running_head=f"{title} · {data.grid}",
        centre_name=centre_name,
        orientation="portrait",
    )


def render_building_book(data: BuildingBook, *, centre_name: str) -> bytes:
    """一幢一册: every household of the building by unit and room, with its leader and party group."""
    title = f"一幢一册 {data.building}"
    leaders = "；".join(f"{c.role} {c.name} {c.phone}".strip() for c in data.leaders) or "未配备"
    living = sum(line.living for line in data.households)
    flowables = [
        para("一幢一册", "title"),
        para(f"{data.community} · {data.grid} · {data.building}", "subtitle"),
        Spacer(1, 3 * mm),
        grid_table(
            ["楼栋地址", "单元/层数", "住户", "居民（在册/登记）", "楼栋长与网格长", "楼栋党小组"],
            [
                [
                    data.address or data.building,
                    f"{data.units}个单元，{data.floors}层",
                    f"{len(data.households)}户",
                    f"{living}/{data.residents}人",
                    leaders,
                    data.party_group or "未建立",
                ]
            ],
            _scaled([55, 25, 18, 28, 80, 61], page_width("landscape")),
        ),
        Spacer(1, 4 * mm),
        para(f"住户名册（按单元、房号）{_masked_note(data.full_data)}", "cell"),
        Spacer(1, 2 * mm),
        grid_table(
            HOUSEHOLD_HEADERS,
            (
                [
                    f"{h.unit}单元",
                    h.room,
                    h.head,
                    h.head_id_number or "—",
                    h.head_phone or "—",
                    f"{h.living}/{h.members}",
                    h.tags or "—",
                ]
                for h in data.households
            ),
            _scaled(HOUSEHOLD_MM, page_width("landscape")),
            centred=(0, 1, 5),
        ),
        Spacer(1, 4 * mm),
        para(f"制册日期：{data.made_on.isoformat()}。本册含居民个人信息，仅供社区工作使用。", "small"),
    ]
    return build_register_pdf(
        flowables,
        title=title,
        running_head=f"一幢一册 · {data.community} {data.grid} · {data.building}",
        centre_name=centre_name,
        orientation="landscape",
    )


def _scaled(widths_mm: list[float], available: float) -> list[float]:
    total = sum(widths_mm)
    return [w / total * available for w in widths_mm]
