"""Importing residents from the community's spreadsheets (花名册 / 一人一表) in .xlsx or .csv.

Columns are found by their usual Chinese headers. Every row is checked on its own; a rejected row
is reported with its spreadsheet row number and a reason that never shows a whole ID number. The
accepted rows are written in one transaction together with one audit entry, so an import either
lands completely or not at all. Residents already on the population base (same ID number) are
updated, never duplicated; a cell left empty does not erase what is already stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import HEAD_RELATION, Building, Grid, Household, Resident
from app.services.common import audit
from app.services.common.idcard import mask, redact
from app.services.imports.resident_rows import HEADER_MAP, HEADERS, Place, ResidentRow, RowReader, floor_of
from app.services.imports.spreadsheet import (
    CellCleaner,
    CorrectedCell,
    ImportFileError,
    RejectedRow,
    RowRejected,
    read_table,
)

__all__ = ["ImportFileError", "ImportReport", "RejectedRow", "import_residents"]

CHUNK = 500  # ID numbers per query when looking up residents already stored
FLUSH_EVERY = 2000  # pending rows sent to the database at a time (still one transaction)
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class ChangedRow:
    """A resident on record whom a row changed: which columns, and the name before and after (the
    one change staff must be able to check against the card; other values are not repeated)."""

    row: int
    id_masked: str
    columns: tuple[str, ...]  # their usual headers, e.g. 联系电话, 户号
    name_before: str = ""
    name_after: str = ""

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"row": self.row, "id": self.id_masked, "columns": list(self.columns)}
        if self.name_before != self.name_after:
            data["name"] = f"{self.name_before} → {self.name_after}"
        return data


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    corrected: list[CorrectedCell] = field(default_factory=list)  # control or bidi characters taken out
    changed: list[ChangedRow] = field(default_factory=list)  # residents already on record, updated
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
            "corrected": [c.as_dict() for c in self.corrected],
            "changed": [c.as_dict() for c in self.changed],
        }


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
    table = read_table(path, is_header=HEADER_MAP.is_header)
    columns = HEADER_MAP.require(
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
        self.reader = RowReader(columns)
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
        parsed: list[ResidentRow] = []
        seen: dict[str, int] = {}
        cleaner = CellCleaner(
            HEADERS, multiline=("hukou_address", "current_address")
        )  # as typed with Alt+Enter
        for number, cells in rows:
            cells = cleaner.clean(number, cells, self.reader.columns)
            try:
                row = self.reader.parse_row(number, cells, seen)
            except RowRejected as exc:
                self.reject(number, str(exc))
                continue
            if row is not None:
                parsed.append(row)
        self.report.corrected = cleaner.corrected
        existing = self.existing_residents([p.info.number for p in parsed])
        for grid in self.session.scalars(select(Grid)):
            self.grids_by_code[grid.code] = grid
            self.grids_by_name.setdefault(grid.name, []).append(grid)
        total = len(parsed)
        with self.session.no_autoflush:
            for done, row in enumerate(parsed, start=1):
                try:
                    self.apply(row, existing.get(row.info.number))
                except RowRejected as exc:
                    self.reject(row.row, str(exc))
                if done % FLUSH_EVERY == 0 and not self.report.dry_run:
                    self.session.flush()
                if self.progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                    self.progress(done, total)
        self.report.rejected.sort(key=lambda r: r.row)

    # --- pass 2: against the database ----------------------------------------------------------

    def existing_residents(self, numbers: list[str]) -> dict[str, Resident]:
        found: dict[str, Resident] = {}
        for start in range(0, len(numbers), CHUNK):
            chunk = numbers[start : start + CHUNK]
            for resident in self.session.scalars(select(Resident).where(Resident.id_number.in_(chunk))):
                found[resident.id_number] = resident
        return found

    def apply(self, row: ResidentRow, resident: Resident | None) -> None:
        household = self.household(row.place) if row.place is not None else None
        if household is not None and row.values.get("relation_to_head") == HEAD_RELATION:
            if household in self.heads:
                label = f"{row.place.building}{household.unit}单元{household.room}室"
                raise RowRejected(f"同一户（{label}）已有户主（第{self.heads[household]}行）")
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
        columns: list[str] = []
        name_before = resident.name
        for attr, value in wanted.items():
            if getattr(resident, attr) != value:
                setattr(resident, attr, value)
                columns.append(HEADERS[attr][0] if attr in HEADERS else attr)
        if household is not None and (household.id is None or resident.household_id != household.id):
            _set_household(resident, household)
            columns.append("户（楼栋、单元、房号）")
        if columns:
            self.report.updated += 1
            self.report.changed.append(
                ChangedRow(row.row, mask(resident.id_number), tuple(columns), name_before, resident.name)
            )
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
            raise RowRejected(f"网格名称“{text}”对应多个网格，请改填网格编码")
        raise RowRejected(f"网格“{text}”不存在，请填写系统中已有网格的编码或名称")

    def building(self, place: Place) -> Building:
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
                raise RowRejected(f"未填写网格，而楼栋“{redact(place.building)}”在多个网格中都有，请填写网格")
            raise RowRejected(
                f"未填写网格，且系统中没有楼栋“{redact(place.building)}”（新楼栋须填写所属网格）"
            )
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
            building.floors = max(building.floors, floor_of(place.room))
        return building

    def buildings_of(self, grid_id: int) -> dict[str, Building]:
        if grid_id not in self.buildings:
            stmt = select(Building).where(Building.grid_id == grid_id)
            self.buildings[grid_id] = {b.name: b for b in self.session.scalars(stmt)}
        return self.buildings[grid_id]

    def household(self, place: Place) -> Household:
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


def _set_household(resident: Resident, household: Household | None) -> None:
    if household is None:
        return
    if household.id is not None:
        resident.household_id = household.id
    else:
        resident.household = household
