"""Blank workbooks for every import (``yichuang import template residents|grids|hotline``) and the
words that explain their columns (the 说明 sheet, docs/IMPORT.md).

The header of each column is taken from the importer's own header definitions (the first spelling
of each field), and which columns are required from the importer's own list, so a template can
never ask for a column its importer does not read. What a column holds is said here once, per
field; a test checks that every field the importers read is explained.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.models.staff import STAFF_ROLES
from app.services.imports import community_sheet, grids, hotline_rows, resident_rows


@dataclass(frozen=True)
class Column:
    header: str
    aliases: tuple[str, ...]  # other headers the importer accepts
    required: bool
    text: bool  # stored as text (Excel must not turn it into a number)
    format: str
    example: str


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    note: str = ""


@dataclass(frozen=True)
class ImportKind:
    kind: str
    title: str
    command: str
    sheets: tuple[Sheet, ...]
    notes: tuple[str, ...]


_ROLES = "、".join(name for name, _ in STAFF_ROLES.values())

# field -> (format, example, kept as text); one table per importer
_RESIDENT_DOCS: dict[str, tuple[str, str, bool]] = {
    "name": ("姓名，最多50字", "张建国", True),
    "id_number": ("18位公民身份号码（末位可为X），设为“文本”格式", "610202197509180016", True),
    "sex": ("男 / 女；可不填，填写时须与身份证号一致", "男", True),
    "ethnicity": ("民族，如 汉族", "汉族", True),
    "birth_date": ("日期，如 1975-09-18；可不填，填写时须与身份证号一致", "1975-09-18", True),
    "hukou_address": ("户籍地址，最多200字", "陕西省铜川市王益区桃园路1号", True),
    "current_address": ("现住址，最多200字", "桃园小区3号楼2单元502室", True),
    "phone": ("手机或固定电话", "13800000000", True),
    "building": ("楼栋名称；与单元、房号一起填写，新楼栋须同时填写网格", "3号楼", True),
    "unit": ("单元号，数字", "2", True),
    "room": ("房号，如 502、2-502", "502", True),
    "relation_to_head": ("与户主关系，户主本人填“户主”；每户只能一个户主", "户主", True),
    "grid": ("网格编码或网格名称（系统中已有的网格）", "610202010001001", True),
}
_COMMUNITY_DOCS: dict[str, tuple[str, str, bool]] = {
    "code": ("12位统计用区划代码，以街道代码开头", "610202010001", True),
    "name": ("社区名称", "桃园社区", True),
    "prefix": ("英文字母1至8个；办件编号、证明编号以它开头；新社区必填", "TY", True),
    "address": ("社区党群服务中心地址", "桃园路18号", True),
    "phone": ("服务电话", "0919-3188001", True),
    "hours": ("办公时间", "周一至周五 8:30-17:30", True),
}
_GRID_DOCS: dict[str, tuple[str, str, bool]] = {
    "code": ("网格编码：数字、字母和“-”，最多20位；已有编码则更新该网格", "610202010001001", True),
    "name": ("网格名称；新网格必填", "桃园一网格", True),
    "community": ("社区名称或社区代码（系统中或“社区”表中已有）；新网格必填", "桃园社区", True),
    "boundary_east": ("东至", "桃园路", True),
    "boundary_south": ("南至", "新华街", True),
    "boundary_west": ("西至", "铁路", True),
    "boundary_north": ("北至", "北环路", True),
    "coverage": ("网格覆盖的小区、楼栋，文字", "桃园小区1-6号楼", True),
    "area_km2": ("面积，平方公里，数字", "0.35", False),
    "hotline": ("网格服务电话", "0919-3188011", True),
    "star_rating": ("星级网格，0至5", "3", False),
}
_STAFF_DOCS: dict[str, tuple[str, str, bool]] = {
    "grid": ("网格编码（“网格”表中或系统中已有）", "610202010001001", True),
    "name": ("姓名", "李明", True),
    "role": (f"角色，可填：{_ROLES}", "网格长", True),
    "phone": ("电话；网格长等须填写", "13900000000", True),
    "organisation": ("派出单位", "桃园社区居委会", True),
    "duty": ("职责", "负责网格日常巡查", True),
    "building": ("楼栋名称（楼栋长填写，须是该网格已有的楼栋）", "3号楼", True),
}
_HOTLINE_DOCS: dict[str, tuple[str, str, bool]] = {
    "order_no": ("12345平台的工单编号；已导入的编号会跳过", "GD20260301000123", True),
    "called_at": ("来电时间，如 2026-03-01 09:30", "2026-03-01 09:30", True),
    "name": ("诉求人姓名", "王女士", True),
    "phone": ("联系电话", "13700000000", True),
    "address": ("事发地址；写明楼栋时自动分派到网格", "桃园小区3号楼", True),
    "content": ("诉求内容", "楼道灯不亮", True),
    "category": ("诉求类型", "市政设施", True),
    "time_limit": ("办理时限，如 5个工作日；不填为5个工作日", "5个工作日", True),
    "unit": ("承办单位", "桃园社区", True),
}


def _sheet(
    name: str, headers: dict[str, tuple[str, ...]], required, docs: dict[str, tuple[str, str, bool]], note=""
) -> Sheet:
    columns = tuple(
        Column(names[0], names[1:], key in required, docs[key][2], docs[key][0], docs[key][1])
        for key, names in headers.items()
    )
    return Sheet(name, columns, note)


def import_kinds() -> dict[str, ImportKind]:
    """Every import with its sheets and columns, in the importers' own words."""
    return {
        "residents": ImportKind(
            "residents",
            "居民花名册",
            "yichuang import residents FILE",
            (_sheet("居民", resident_rows.HEADERS, resident_rows.REQUIRED, _RESIDENT_DOCS),),
            (
                "每行一位居民；已在册的居民（按身份证号）会被更新，空白单元格不会清除已有内容。",
                "楼栋、单元、房号一起填写时，居民归入该户；同一户只能有一位“户主”。",
                "身份证号列请设为“文本”格式，否则 Excel 会把末几位变成0。",
            ),
        ),
        "grids": ImportKind(
            "grids",
            "社区、网格和网格人员",
            "yichuang import grids FILE",
            (
                _sheet(
                    community_sheet.COMMUNITY_SHEET,
                    community_sheet.COMMUNITY_HEADERS,
                    community_sheet.COMMUNITY_REQUIRED,
                    _COMMUNITY_DOCS,
                    "可选；在“网格”表之前读取，新增或更新社区",
                ),
                _sheet(grids.GRID_SHEET, grids.GRID_HEADERS, grids.GRID_REQUIRED, _GRID_DOCS),
                _sheet(grids.STAFF_SHEET, grids.STAFF_HEADERS, grids.STAFF_REQUIRED, _STAFF_DOCS),
            ),
            (
                "三个工作表按“社区”“网格”“人员”的顺序读取；不用的工作表可以删去。",
                "有任何一行被拒绝时什么也不写入：先用 --dry-run 检查。",
                "网格按网格编码更新；人员按网格、姓名和角色更新（网格长按网格，换人即为新网格长）。",
            ),
        ),
        "hotline": ImportKind(
            "hotline",
            "12345热线工单",
            "yichuang import hotline FILE",
            (_sheet("工单", hotline_rows.HEADERS, hotline_rows.REQUIRED, _HOTLINE_DOCS),),
            (
                "每行一张工单，导入后成为办件，首问责任人为导入人。",
                "地址写明本社区的楼栋时，工单自动分派到该楼栋所在网格。",
                "系统管理员、前台和后台可以导入；网格员只能导入地址在自己网格内的工单，其他行被拒绝；"
                "自助终端账号不能导入。",
            ),
        ),
    }


def write_template(kind: str, path: str | Path) -> Path:
    """A blank workbook for ``kind``: a 说明 sheet, then one sheet per importer sheet with its
    headers (required ones marked in red), a frozen header row and sensible column widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    kinds = import_kinds()
    if kind not in kinds:
        raise ValueError(f"没有“{kind}”导入模板，可选：{'、'.join(kinds)}")
    spec = kinds[kind]
    workbook = Workbook()
    guide = workbook.active
    guide.title = "说明"
    bold = Font(bold=True)
    guide.append([f"{spec.title}导入模板", "", "", "", ""])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append([f"填写后用“{spec.command}”或前台的导入功能导入。"])
    for note in spec.notes:
        guide.append([note])
    guide.append([])
    guide.append(["工作表", "列名", "必填", "格式", "示例", "也可写作"])
    for cell in guide[guide.max_row]:
        cell.font = bold
    for sheet in spec.sheets:
        for column in sheet.columns:
            guide.append(
                [
                    sheet.name,
                    column.header,
                    "必填" if column.required else "",
                    column.format,
                    column.example,
                    "、".join(column.aliases),
                ]
            )
    for letter, width in zip("ABCDEF", (10, 14, 6, 60, 24, 30), strict=True):
        guide.column_dimensions[letter].width = width
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for sheet in spec.sheets:
        ws = workbook.create_sheet(sheet.name)
        ws.append([c.header for c in sheet.columns])
        for index, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=index)
            cell.font = Font(bold=True, color="C00000" if column.required else "000000")
            cell.fill = header_fill
            cell.alignment = Alignment(horizontal="center")
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = max(12, min(40, 2 * len(column.example) + 4))
            if column.text:  # typed numbers (ID numbers, codes, phones) stay text
                for row in range(2, 1001):
                    ws.cell(row=row, column=index).number_format = "@"
        ws.freeze_panes = "A2"
    workbook.active = 1  # the first sheet to fill in
    target = Path(path)
    workbook.save(target)
    return target
