"""One row of a residents spreadsheet read on its own, before the database is asked anything:
the columns, the ID number against 性别 and 出生日期, lengths, and the address cells (网格, 楼栋,
单元, 房号) as a :class:`Place`.

A refused row raises :class:`RowRejected` with a reason that quotes a cell only through
``redact`` where an ID number could have been typed into it by mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.services.common.chinese import parse_chinese_number
from app.services.common.idcard import IdInfo, IdNumberError, mask, parse, redact
from app.services.imports.spreadsheet import (
    HeaderMap,
    RowRejected,
    cell_date,
    cell_text,
    in_scientific_notation,
    is_blank,
)

# field -> accepted headers (after normalise_header); the first one names the column in messages
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "id_number": ("公民身份号码", "身份证号", "身份证号码", "公民身份证号码", "身份证件号码"),
    "sex": ("性别",),
    "ethnicity": ("民族",),
    "birth_date": ("出生日期",),
    "hukou_address": ("户籍地址", "户籍所在地"),
    "current_address": ("现住址", "居住地址"),
    "phone": ("联系电话", "手机号码", "电话", "手机号"),
    "building": ("楼栋", "楼栋号", "楼号"),
    "unit": ("单元", "单元号"),
    "room": ("房号", "房间号"),
    "relation_to_head": ("与户主关系",),
    "grid": ("网格", "网格编码", "网格名称", "所属网格"),
}
REQUIRED = ("name", "id_number")
HEADER_MAP = HeaderMap(HEADERS, REQUIRED)

# the longest value each column holds (SQLite does not enforce it; PostgreSQL would fail the commit)
MAX_LENGTH = {
    "name": ("姓名", 50),
    "ethnicity": ("民族", 20),
    "hukou_address": ("户籍地址", 200),
    "current_address": ("现住址", 200),
    "phone": ("联系电话", 30),
    "relation_to_head": ("与户主关系", 20),
    "building": ("楼栋", 50),
    "room": ("房号", 20),
}
OPTIONAL_FIELDS = ("ethnicity", "hukou_address", "current_address", "phone", "relation_to_head")
_SEX = {"男": "male", "男性": "male", "male": "male", "m": "male", "女": "female", "女性": "female"}
_SEX.update({"female": "female", "f": "female"})
_SEX_NAME = {"male": "男", "female": "女"}
_ROOM = r"[0-9A-Za-z]{1,12}"
_UNIT = r"\d{1,2}|[一二三四五六七八九十]"
NUMBER_AS_TEXT_HINT = "身份证号被 Excel 存成了数字，末尾几位可能已丢失：请把该列设置为“文本”格式后重新填写"


@dataclass(frozen=True, slots=True)
class Place:
    grid: str
    building: str
    unit: int
    room: str


@dataclass(frozen=True, slots=True)
class ResidentRow:
    row: int
    info: IdInfo
    name: str
    values: dict[str, str]  # optional fields that have a non-empty cell
    place: Place | None


class RowReader:
    """Reads rows by the columns found in the header."""

    def __init__(self, columns: dict[str, int]):
        self.columns = columns

    def cell(self, cells: list[Any], key: str) -> Any:
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def parse_row(self, number: int, cells: list[Any], seen: dict[str, int]) -> ResidentRow | None:
        """The row checked on its own (None for an empty one); ``seen`` maps the ID numbers of
        the rows read so far to their row numbers, to refuse a second row for one person."""
        if all(is_blank(self.cell(cells, key)) for key in self.columns):
            return None  # empty, or only columns we do not read (序号 …)
        raw_id = self.cell(cells, "id_number")
        if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
            raise RowRejected(NUMBER_AS_TEXT_HINT)
        id_text = cell_text(raw_id)
        name = cell_text(self.cell(cells, "name"))
        if in_scientific_notation(id_text):
            raise RowRejected(NUMBER_AS_TEXT_HINT)
        if not id_text and not name:
            raise RowRejected("缺少姓名和身份证号")
        try:
            info = parse(id_text)
        except IdNumberError as err:
            raise RowRejected(f"身份证号有误：{err}") from None
        if info.number in seen:
            raise RowRejected(f"身份证号 {mask(info.number)} 与第{seen[info.number]}行重复")
        seen[info.number] = number
        if not name:
            raise RowRejected(f"缺少姓名（身份证号 {mask(info.number)}）")
        check_length("name", name)

        sex_text = cell_text(self.cell(cells, "sex"))
        if sex_text:
            sex = _SEX.get(sex_text.lower())
            if sex is None:
                raise RowRejected(f"性别“{redact(sex_text)}”无法识别，应填写“男”或“女”")
            if sex != info.sex:
                raise RowRejected(
                    f"性别填写为“{sex_text}”，与身份证号不符（身份证号显示为{_SEX_NAME[info.sex]}）"
                )
        raw_birth = self.cell(cells, "birth_date")
        if not is_blank(raw_birth):
            birth = cell_date(raw_birth)
            if birth is None:
                raise RowRejected(
                    f"出生日期“{redact(cell_text(raw_birth))}”无法识别，请写成 1990-01-02 这样的日期"
                )
            if birth != info.birth_date:
                raise RowRejected(f"出生日期填写为{birth.isoformat()}，与身份证号中的出生日期不符")

        values: dict[str, str] = {}
        for key in OPTIONAL_FIELDS:
            raw = self.cell(cells, key)
            value = _phone(raw) if key == "phone" else cell_text(raw)
            if value:
                check_length(key, value)
                values[key] = value
        return ResidentRow(number, info, name, values, self.parse_place(cells))

    def parse_place(self, cells: list[Any]) -> Place | None:
        grid = cell_text(self.cell(cells, "grid"))
        building = re.sub(r"\s+", "", cell_text(self.cell(cells, "building")))
        room_text = re.sub(r"\s+", "", cell_text(self.cell(cells, "room")))
        unit_text = cell_text(self.cell(cells, "unit"))
        if not (grid or building or room_text):
            return None
        if not (building and room_text):
            given = "、".join(n for n, v in (("网格", grid), ("楼栋", building), ("房号", room_text)) if v)
            lacking = "、".join(n for n, v in (("楼栋", building), ("房号", room_text)) if not v)
            raise RowRejected(f"住址不完整：填写了{given}，但缺少{lacking}")
        check_length("building", building)
        unit, room = parse_room(room_text, unit_text)
        check_length("room", room)
        return Place(grid, building, unit, room)


def _phone(value: Any) -> str:
    return "".join(ch for ch in cell_text(value) if ch.isdigit() or ch in "+-")


def check_length(key: str, value: str) -> None:
    label, limit = MAX_LENGTH[key]
    if len(value) > limit:
        raise RowRejected(f"{label}过长（最多{limit}个字，现为{len(value)}个）")


def parse_room(text: str, unit_text: str) -> tuple[int, str]:
    """ "502", "2-502", "2单元502", "二单元502室" → (unit, room); a separate 单元 column is used when
    the room does not name its unit."""
    m = re.fullmatch(rf"({_UNIT})(?:单元|-)({_ROOM})[室号]?", text)
    if m:
        return _unit(m[1]), m[2]
    m = re.fullmatch(rf"({_ROOM})[室号]?", text)
    if not m:
        raise RowRejected(f"房号“{redact(text)}”无法识别，请写成 502、2-502 或 2单元502 这样的格式")
    if not unit_text:
        return 1, m[1]
    u = re.fullmatch(rf"({_UNIT})(?:单元)?", re.sub(r"\s+", "", unit_text))
    if not u:
        raise RowRejected(f"单元“{redact(unit_text)}”无法识别，请填写数字")
    return _unit(u[1]), m[1]


def _unit(text: str) -> int:
    number = int(text) if text.isdigit() else parse_chinese_number(text)
    if number is None:
        raise RowRejected(f"单元“{redact(text)}”无法识别，请填写数字")
    return number


def floor_of(room: str) -> int:
    """502 → 5, 1203 → 12; other room names say nothing about floors."""
    return int(room[:-2]) if room.isdigit() and len(room) >= 3 else 1
