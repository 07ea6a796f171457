"""Importing residents from the community's spreadsheets (花名册 / 一人一表) in .xlsx or .csv.

Columns are found by their usual Chinese headers. Every row is checked on its own; a rejected row
is reported with its spreadsheet row number and a reason that never shows a whole ID number. The
accepted rows are written in one transaction together with one audit entry, so an import either
lands completely or not at all. Residents already on the population base (same ID number) are
updated, never duplicated; a cell left empty does not erase what is already stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import HEAD_RELATION, Building, Grid, Household, Resident
from app.services.common import audit
from app.services.common.idcard import IdInfo, IdNumberError, mask, parse, redact
from app.services.imports.spreadsheet import (
    HeaderMap,
    ImportFileError,
    cell_date,
    cell_text,
    is_blank,
    read_table,
)

__all__ = ["ImportFileError", "ImportReport", "RejectedRow", "import_residents", "map_columns"]

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
_HEADER_MAP = HeaderMap(HEADERS, REQUIRED)

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
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_SCIENTIFIC = re.compile(r"\d+(\.\d+)?e\+?\d+", re.IGNORECASE)
_ROOM = r"[0-9A-Za-z]{1,12}"
NUMBER_AS_TEXT_HINT = "身份证号被 Excel 存成了数字，末尾几位可能已丢失：请把该列设置为“文本”格式后重新填写"

CHUNK = 500  # ID numbers per query when looking up residents already stored
FLUSH_EVERY = 2000  # pending rows sent to the database at a time (still one transaction)
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class RejectedRow:
    row: int  # as shown in Excel / the CSV line number
    reason: str  # in Chinese, never with a whole ID number


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    file: str = ""
    buildings_created: int = 0
    households_created: int = 0
    dry_run: bool = False
    strict: bool = False
    written: bool = False  # False for a dry run, or a strict import that found rejected rows

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected_count": len(self.rejected),
            "buildings_created": self.buildings_created,
            "households_created": self.households_created,
            "dry_run": self.dry_run,
            "strict": self.strict,
            "written": self.written,
            "rejected": [{"row": r.row, "reason": r.reason} for r in self.rejected],
        }


class _Reject(Exception):
    """One row cannot be imported; the message is the reason shown to the user."""


@dataclass
class _Place:
    grid: str
    building: str
    unit: int
    room: str


@dataclass
class _Row:
    row: int
    info: IdInfo
    name: str
    values: dict[str, str]  # optional fields that have a non-empty cell
    place: _Place | None


map_columns = _HEADER_MAP.columns
_has_required = _HEADER_MAP.is_header


def import_residents(
    session: Session,
    path: str | Path,
    *,
    actor: str,
    strict: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import the residents in ``path`` (.xlsx or .csv) and commit.

    Raises :class:`ImportFileError` when the file as a whole cannot be used (nothing is written).
    With ``strict`` any rejected row means nothing is written; with ``dry_run`` nothing ever is.
    The session's transaction is committed on success and rolled back otherwise, so pass a
    session with no unrelated pending work. ``progress(done, total)`` is called now and then for
    a window to show.
    """
    path = Path(path)
    table = read_table(path, is_header=_has_required)
    columns = _HEADER_MAP.require(
        table.header, table.header_row, hint="（身份证号列可写作“公民身份号码”“身份证号”或“身份证号码”）"
    )
    report = ImportReport(file=path.name, dry_run=dry_run, strict=strict)
    try:
        _Importer(session, columns, report, progress).run(table.rows)
        if dry_run or (strict and report.rejected):
            session.rollback()
        else:
            audit.record(
                session,
                actor=actor,
                action="import",
                subject=f"{report.accepted}人",
                purpose="导入居民",
                detail=(
                    f"{path.name}：新增{report.created}人，更新{report.updated}人，"
                    f"未变{report.unchanged}人，拒绝{len(report.rejected)}行"
                ),
            )
            session.commit()
            report.written = True
    except BaseException:
        session.rollback()
        raise
    return report


class _Importer:
    def __init__(
        self,
        session: Session,
        columns: dict[str, int],
        report: ImportReport,
        progress: Callable[[int, int], None] | None,
    ):
        self.session = session
        self.columns = columns
        self.report = report
        self.progress = progress
        self.grids_by_code: dict[str, Grid] = {}
        self.grids_by_name: dict[str, list[Grid]] = {}
        self.buildings: dict[int, dict[str, Building]] = {}  # grid id -> name -> building
        self.all_buildings: dict[str, list[Building]] | None = None  # name -> buildings, when needed
        self.households: dict[Building, dict[tuple[int, str], Household]] = {}
        self.new_buildings: set[Building] = set()
        self.heads: dict[Household, int] = {}  # household -> row of its 户主 in this file

    def reject(self, row: int, reason: str) -> None:
        # Reasons quote cells through redact() where an ID number could have been typed by
        # mistake; not grid cells, whose 15-digit codes look like old ID numbers.
        self.report.rejected.append(RejectedRow(row, reason))

    def run(self, rows: list[tuple[int, list[Any]]]) -> None:
        parsed: list[_Row] = []
        seen: dict[str, int] = {}
        for number, cells in rows:
            try:
                row = self.parse_row(number, cells, seen)
            except _Reject as exc:
                self.reject(number, str(exc))
                continue
            if row is not None:
                parsed.append(row)
        existing = self.existing_residents([p.info.number for p in parsed])
        for grid in self.session.scalars(select(Grid)):
            self.grids_by_code[grid.code] = grid
            self.grids_by_name.setdefault(grid.name, []).append(grid)
        total = len(parsed)
        with self.session.no_autoflush:
            for done, row in enumerate(parsed, start=1):
                try:
                    self.apply(row, existing.get(row.info.number))
                except _Reject as exc:
                    self.reject(row.row, str(exc))
                if done % FLUSH_EVERY == 0 and not self.report.dry_run:
                    self.session.flush()
                if self.progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                    self.progress(done, total)
        self.report.rejected.sort(key=lambda r: r.row)

    # --- pass 1: the row on its own ------------------------------------------------------------

    def cell(self, cells: list[Any], key: str) -> Any:
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def parse_row(self, number: int, cells: list[Any], seen: dict[str, int]) -> _Row | None:
        if all(is_blank(self.cell(cells, key)) for key in self.columns):
            return None  # empty, or only columns we do not read (序号 …)
        raw_id = self.cell(cells, "id_number")
        if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
            raise _Reject(NUMBER_AS_TEXT_HINT)
        id_text = cell_text(raw_id)
        name = cell_text(self.cell(cells, "name"))
        if _SCIENTIFIC.fullmatch(id_text):
            raise _Reject(NUMBER_AS_TEXT_HINT)
        if not id_text and not name:
            raise _Reject("缺少姓名和身份证号")
        try:
            info = parse(id_text)
        except IdNumberError as err:
            raise _Reject(f"身份证号有误：{err}") from None
        if info.number in seen:
            raise _Reject(f"身份证号 {mask(info.number)} 与第{seen[info.number]}行重复")
        seen[info.number] = number
        if not name:
            raise _Reject(f"缺少姓名（身份证号 {mask(info.number)}）")
        _check_length("name", name)

        sex_text = cell_text(self.cell(cells, "sex"))
        if sex_text:
            sex = _SEX.get(sex_text.lower())
            if sex is None:
                raise _Reject(f"性别“{redact(sex_text)}”无法识别，应填写“男”或“女”")
            if sex != info.sex:
                raise _Reject(
                    f"性别填写为“{sex_text}”，与身份证号不符（身份证号显示为{_SEX_NAME[info.sex]}）"
                )
        raw_birth = self.cell(cells, "birth_date")
        if not is_blank(raw_birth):
            birth = cell_date(raw_birth)
            if birth is None:
                raise _Reject(
                    f"出生日期“{redact(cell_text(raw_birth))}”无法识别，请写成 1990-01-02 这样的日期"
                )
            if birth != info.birth_date:
                raise _Reject(f"出生日期填写为{birth.isoformat()}，与身份证号中的出生日期不符")

        values: dict[str, str] = {}
        for key in OPTIONAL_FIELDS:
            raw = self.cell(cells, key)
            value = _phone(raw) if key == "phone" else cell_text(raw)
            if value:
                _check_length(key, value)
                values[key] = value
        return _Row(number, info, name, values, self.parse_place(cells))

    def parse_place(self, cells: list[Any]) -> _Place | None:
        grid = cell_text(self.cell(cells, "grid"))
        building = re.sub(r"\s+", "", cell_text(self.cell(cells, "building")))
        room_text = re.sub(r"\s+", "", cell_text(self.cell(cells, "room")))
        unit_text = cell_text(self.cell(cells, "unit"))
        if not (grid or building or room_text):
            return None
        if not (building and room_text):
            given = "、".join(n for n, v in (("网格", grid), ("楼栋", building), ("房号", room_text)) if v)
            lacking = "、".join(n for n, v in (("楼栋", building), ("房号", room_text)) if not v)
            raise _Reject(f"住址不完整：填写了{given}，但缺少{lacking}")
        _check_length("building", building)
        unit, room = _parse_room(room_text, unit_text)
        _check_length("room", room)
        return _Place(grid, building, unit, room)

    # --- pass 2: against the database ----------------------------------------------------------

    def existing_residents(self, numbers: list[str]) -> dict[str, Resident]:
        found: dict[str, Resident] = {}
        for start in range(0, len(numbers), CHUNK):
            chunk = numbers[start : start + CHUNK]
            for resident in self.session.scalars(select(Resident).where(Resident.id_number.in_(chunk))):
                found[resident.id_number] = resident
        return found

    def apply(self, row: _Row, resident: Resident | None) -> None:
        household = self.household(row.place) if row.place is not None else None
        if household is not None and row.values.get("relation_to_head") == HEAD_RELATION:
            if household in self.heads:
                label = f"{row.place.building}{household.unit}单元{household.room}室"
                raise _Reject(f"同一户（{label}）已有户主（第{self.heads[household]}行）")
            self.heads[household] = row.row
        wanted: dict[str, Any] = {
            "name": row.name,
            "sex": row.info.sex,
            "birth_date": row.info.birth_date,
            **row.values,
        }
        if resident is None:
            resident = Resident(id_number=row.info.number, **wanted)
            _set_household(resident, household)
            self.session.add(resident)
            self.report.created += 1
            return
        changed = False
        for attr, value in wanted.items():
            if getattr(resident, attr) != value:
                setattr(resident, attr, value)
                changed = True
        if household is not None and (household.id is None or resident.household_id != household.id):
            _set_household(resident, household)
            changed = True
        if changed:
            self.report.updated += 1
        else:
            self.report.unchanged += 1

    def grid(self, text: str) -> Grid:
        grid = self.grids_by_code.get(text)
        if grid is not None:
            return grid
        named = self.grids_by_name.get(text, [])
        if len(named) == 1:
            return named[0]
        if named:
            raise _Reject(f"网格名称“{text}”对应多个网格，请改填网格编码")
        raise _Reject(f"网格“{text}”不存在，请填写系统中已有网格的编码或名称")

    def building(self, place: _Place) -> Building:
        if not place.grid:
            if self.all_buildings is None:
                self.all_buildings = {}
                stored = list(self.session.scalars(select(Building)))
                for b in stored + [b for b in self.new_buildings if b.id is None]:
                    self.all_buildings.setdefault(b.name, []).append(b)
            matches = self.all_buildings.get(place.building, [])
            if len(matches) == 1:
                return self.buildings_of(matches[0].grid_id).get(place.building, matches[0])
            if matches:
                raise _Reject(f"未填写网格，而楼栋“{redact(place.building)}”在多个网格中都有，请填写网格")
            raise _Reject(f"未填写网格，且系统中没有楼栋“{redact(place.building)}”（新楼栋须填写所属网格）")
        grid = self.grid(place.grid)
        buildings = self.buildings_of(grid.id)
        building = buildings.get(place.building)
        if building is None:
            order = max((b.sort_order for b in buildings.values()), default=0) + 1
            building = Building(grid_id=grid.id, name=place.building, units=1, floors=1, sort_order=order)
            self.session.add(building)
            buildings[place.building] = building
            self.households[building] = {}
            self.new_buildings.add(building)
            if self.all_buildings is not None:
                self.all_buildings.setdefault(building.name, []).append(building)
            self.report.buildings_created += 1
        if building in self.new_buildings:  # only what this import created is sized from the data
            building.units = max(building.units, place.unit)
            building.floors = max(building.floors, _floor(place.room))
        return building

    def buildings_of(self, grid_id: int) -> dict[str, Building]:
        if grid_id not in self.buildings:
            stmt = select(Building).where(Building.grid_id == grid_id)
            self.buildings[grid_id] = {b.name: b for b in self.session.scalars(stmt)}
        return self.buildings[grid_id]

    def household(self, place: _Place) -> Household:
        building = self.building(place)
        rooms = self.households.get(building)
        if rooms is None:
            stmt = select(Household).where(Household.building_id == building.id)
            rooms = {(h.unit, h.room): h for h in self.session.scalars(stmt)}
            self.households[building] = rooms
        household = rooms.get((place.unit, place.room))
        if household is None:
            household = Household(unit=place.unit, room=place.room)
            household.building = building
            self.session.add(household)
            rooms[(place.unit, place.room)] = household
            self.report.households_created += 1
        return household


# --- cell values ---------------------------------------------------------------------------------


def _phone(value: Any) -> str:
    return "".join(ch for ch in cell_text(value) if ch.isdigit() or ch in "+-")


def _check_length(key: str, value: str) -> None:
    label, limit = MAX_LENGTH[key]
    if len(value) > limit:
        raise _Reject(f"{label}过长（最多{limit}个字，现为{len(value)}个）")


def _parse_room(text: str, unit_text: str) -> tuple[int, str]:
    """ "502", "2-502", "2单元502", "二单元502室" → (unit, room); a separate 单元 column is used when
    the room does not name its unit."""
    m = re.fullmatch(rf"(\d{{1,2}}|[一二三四五六七八九十])(?:单元|-)({_ROOM})[室号]?", text)
    if m:
        unit = int(m[1]) if m[1].isdigit() else _CN_DIGITS[m[1]]
        return unit, m[2]
    m = re.fullmatch(rf"({_ROOM})[室号]?", text)
    if not m:
        raise _Reject(f"房号“{redact(text)}”无法识别，请写成 502、2-502 或 2单元502 这样的格式")
    if not unit_text:
        return 1, m[1]
    u = re.fullmatch(r"(\d{1,2}|[一二三四五六七八九十])(?:单元)?", re.sub(r"\s+", "", unit_text))
    if not u:
        raise _Reject(f"单元“{redact(unit_text)}”无法识别，请填写数字")
    return (int(u[1]) if u[1].isdigit() else _CN_DIGITS[u[1]]), m[1]


def _floor(room: str) -> int:
    """502 → 5, 1203 → 12; other room names say nothing about floors."""
    return int(room[:-2]) if room.isdigit() and len(room) >= 3 else 1


def _set_household(resident: Resident, household: Household | None) -> None:
    if household is None:
        return
    if household.id is not None:
        resident.household_id = household.id
    else:
        resident.household = household
