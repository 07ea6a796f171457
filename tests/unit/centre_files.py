"""The workbooks a new centre brings: its communities, grids and staff, and a few residents."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from app.services.common.idcard import check_digit

STREET = ("610202011", "红旗街道")
COMMUNITY = ("610202011001", "红星社区", "HX")
GRIDS = ("610202011001001", "610202011001002")


def id_number(region: str, birth: str, serial: str) -> str:
    first17 = f"{region}{birth}{serial}"
    return first17 + check_digit(first17)


HEAD = id_number("610202", "19680304", "031")  # a man, head of household
SPOUSE = id_number("610202", "19700812", "042")  # a woman


def write_grids_workbook(path: Path, *, community_sheet: bool = False, bad_staff_role: bool = False) -> Path:
    wb = Workbook()
    ws = wb.active
    if community_sheet:
        ws.title = "社区"
        ws.append(["社区代码", "社区名称", "编号前缀", "地址", "电话", "办公时间"])
        ws.append([COMMUNITY[0], COMMUNITY[1], COMMUNITY[2], "红星路8号", "0919-3180001", "周一至周五"])
        ws = wb.create_sheet("网格")
    else:
        ws.title = "网格"
    ws.append(["网格编码", "网格名称", "所属社区", "东至", "南至", "西至", "北至"])
    ws.append([GRIDS[0], "红星一网格", COMMUNITY[1], "红星路", "建设街", "铁路", "北环路"])
    ws.append([GRIDS[1], "红星二网格", COMMUNITY[1], "河堤", "建设街", "红星路", "北环路"])
    staff = wb.create_sheet("人员")
    staff.append(["网格编码", "姓名", "角色", "电话", "派出单位"])
    staff.append([GRIDS[0], "李明", "网格长", "13900000001", "红星社区居委会"])
    staff.append([GRIDS[1], "赵丽", "班长" if bad_staff_role else "网格长", "13900000002", "红星社区居委会"])
    wb.save(path)
    return path


def write_residents_workbook(path: Path, *, bad_id: bool = False) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "居民"
    ws.append(
        ["姓名", "公民身份号码", "民族", "户籍地址", "现住址", "楼栋", "单元", "房号", "与户主关系", "网格"]
    )
    home = "红星小区1号楼1单元101室"
    ws.append(
        ["王建国", HEAD, "汉族", "陕西省铜川市王益区红星路8号", home, "1号楼", 1, "101", "户主", GRIDS[0]]
    )
    spouse = SPOUSE[:-1] + ("0" if SPOUSE[-1] != "0" else "1") if bad_id else SPOUSE
    ws.append(["刘秀英", spouse, "汉族", "", home, "1号楼", 1, "101", "配偶", GRIDS[0]])
    wb.save(path)
    return path
