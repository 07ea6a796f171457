"""Importing grids and their staff from one .xlsx workbook with two sheets.

Sheet 社区 (optional, read first): 社区代码, 社区名称, 编号前缀, 地址, 电话, 办公时间 (community_sheet).
Sheet 网格: 网格编码, 网格名称, 所属社区, 东至, 南至, 西至, 北至, 范围, 面积, 服务电话, 星级.
Sheet 人员: 网格编码, 姓名, 角色 (网格长, 综治网格员 …), 电话, 派出单位, 职责, and optionally 楼栋
(for 楼栋长).

Every row is checked on its own and against the database with the same rules as the desk's
editor; a refused row is reported with its sheet, its Excel row number and the reason. The
import is atomic: by default one refused row means nothing is written (``strict=False`` writes
the accepted rows), and whatever is written lands in one transaction with one audit entry.
Importing the same workbook again updates: a grid is found by its code, a person by grid, name
and role (the grid leader by grid alone: a new name there is a new leader). An empty cell never
erases what is stored. Grids whose board content changed get a new board version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Building, Community, Grid, GridStaff
from app.models.staff import GRID_LEADER, role_name
from app.services.common import audit
from app.services.grids.rules import (
    GRID_FIELDS,
    GridEditError,
    check_staff_roles,
    clean_grid_value,
    clean_staff_values,
    clean_text,
    role_code,
)
from app.services.imports.community_sheet import (
    COMMUNITY_HEADERS,
    COMMUNITY_REQUIRED,
    COMMUNITY_SHEET,
    import_communities,
)
from app.services.imports.spreadsheet import (
    CellCleaner,
    CorrectedCell,
    HeaderMap,
    ImportFileError,
    RejectedRow,
    RowRejected,
    SheetRows,
    is_blank,
    read_table,
)

__all__ = ["GridImportReport", "ImportFileError", "SheetRejectedRow", "import_grids_and_staff"]

GRID_SHEET, STAFF_SHEET = "网格", "人员"
GRID_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("网格编码", "网格编号"),
    "name": ("网格名称",),
    "community": ("所属社区", "社区"),
    "boundary_east": ("东至",),
    "boundary_south": ("南至",),
    "boundary_west": ("西至",),
    "boundary_north": ("北至",),
    "coverage": ("范围", "覆盖范围", "网格范围"),
    "area_km2": ("面积", "网格面积"),
    "hotline": ("服务电话", "网格电话"),
    "star_rating": ("星级", "星级网格"),
}
STAFF_HEADERS: dict[str, tuple[str, ...]] = {
    "grid": ("网格编码", "网格编号"),
    "name": ("姓名",),
    "role": ("角色", "职务", "岗位"),
    "phone": ("电话", "联系电话", "手机号", "手机号码"),
    "organisation": ("派出单位", "所在单位", "单位"),
    "duty": ("职责", "工作职责"),
    "building": ("楼栋",),
}
GRID_REQUIRED = ("code", "name")
STAFF_REQUIRED = ("grid", "name", "role")


@dataclass(frozen=True)
class SheetRejectedRow(RejectedRow):
    sheet: str = ""  # 网格 or 人员


@dataclass
class GridImportReport:
    file: str = ""
    communities_created: int = 0
    communities_updated: int = 0
    communities_unchanged: int = 0
    grids_created: int = 0
    grids_updated: int = 0
    grids_unchanged: int = 0
    staff_created: int = 0
    staff_updated: int = 0
    staff_unchanged: int = 0
    rejected: list[SheetRejectedRow] = field(default_factory=list)
    corrected: list[CorrectedCell] = field(default_factory=list)  # control or bidi characters taken out
    boards_outdated: list[str] = field(default_factory=list)  # grid codes whose board content changed
    dry_run: bool = False
    strict: bool = True
    written: bool = False

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("rejected", "corrected")}
        data["rejected_count"] = len(self.rejected)
        data["rejected"] = [{"sheet": r.sheet, "row": r.row, "reason": r.reason} for r in self.rejected]
        data["corrected"] = [c.as_dict() for c in self.corrected]
        return data


def _sheet(path: Path, headers, required) -> SheetRows | None:
    header_map = HeaderMap(headers, required)
    table = read_table(path, is_header=header_map.is_header)
    return table if header_map.is_header(table.header) else None


def import_grids_and_staff(
    session: Session, path: str | Path, *, actor: str, dry_run: bool = False, strict: bool = True
) -> GridImportReport:
    """Import ``path`` and commit (or roll back: dry run, refused rows under ``strict``, errors).
    Raises ImportFileError when the workbook as a whole cannot be used."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ImportFileError(
            f"网格和人员请用 Excel 工作簿（.xlsx）导入，含“{GRID_SHEET}”和“{STAFF_SHEET}”两个工作表"
        )
    grid_table = _sheet(path, GRID_HEADERS, GRID_REQUIRED)
    staff_table = _sheet(path, STAFF_HEADERS, STAFF_REQUIRED)
    community_table = _sheet(path, COMMUNITY_HEADERS, COMMUNITY_REQUIRED)
    if grid_table is None and staff_table is None and community_table is None:
        raise ImportFileError(
            f"“{path.name}”中找不到可导入的工作表：“{GRID_SHEET}”表须有“网格编码”“网格名称”列，"
            f"“{STAFF_SHEET}”表须有“网格编码”“姓名”“角色”列"
        )
    report = GridImportReport(file=path.name, dry_run=dry_run, strict=strict)
    try:
        if community_table is not None:
            _communities(session, community_table, report, actor)
        run = _Import(session, report)
        if grid_table is not None:
            run.grids(grid_table)
        if staff_table is not None:
            run.staff(staff_table)
        sheets = (COMMUNITY_SHEET, GRID_SHEET, STAFF_SHEET)
        report.rejected.sort(key=lambda r: (sheets.index(r.sheet), r.row))
        for grid in run.changed - run.created:
            grid.board_version += 1
        report.boards_outdated = sorted(g.code for g in run.changed | run.created)
        if dry_run or (strict and report.rejected):
            session.rollback()
        else:
            audit.record(
                session,
                actor=actor,
                action="import",
                subject=f"{report.grids_created + report.grids_updated + report.grids_unchanged}个网格",
                purpose="导入网格和人员",
                detail=(
                    f"{path.name}：社区新增{report.communities_created}个、更新{report.communities_updated}个；"
                    f"网格新增{report.grids_created}个、更新{report.grids_updated}个、"
                    f"未变{report.grids_unchanged}个；人员新增{report.staff_created}人、更新{report.staff_updated}人、"
                    f"未变{report.staff_unchanged}人；拒绝{len(report.rejected)}行"
                    + (
                        f"\n待重印公示牌：{'、'.join(report.boards_outdated)}"
                        if report.boards_outdated
                        else ""
                    )
                ),
            )
            session.commit()
            report.written = True
    except BaseException:
        session.rollback()
        raise
    return report


def _communities(session: Session, table: SheetRows, report: GridImportReport, actor: str) -> None:
    cleaner = CellCleaner(COMMUNITY_HEADERS, sheet=COMMUNITY_SHEET)
    counts = import_communities(
        session,
        table,
        actor=actor,
        reject=lambda row, reason: report.rejected.append(
            SheetRejectedRow(row=row, reason=reason, sheet=COMMUNITY_SHEET)
        ),
        cleaner=cleaner,
    )
    report.communities_created = counts.created
    report.communities_updated = counts.updated
    report.communities_unchanged = counts.unchanged
    report.corrected += cleaner.corrected


class _Import:
    def __init__(self, session: Session, report: GridImportReport):
        self.session = session
        self.report = report
        self.by_code: dict[str, Grid] = {g.code: g for g in session.scalars(select(Grid))}
        self.communities: dict[str, Community] = {}
        for c in session.scalars(select(Community)):
            for key in (c.name, c.code, c.short_code):
                self.communities.setdefault(key, c)
        self.grid_rows: dict[str, int] = {}  # code -> row in the grid sheet
        self.refused_grids: dict[str, int] = {}
        self.created: set[Grid] = set()
        self.changed: set[Grid] = set()
        self.existing: dict[int, list[GridStaff]] = {}  # grid id -> its staff

    def reject(self, sheet: str, row: int, reason: str) -> None:
        self.report.rejected.append(SheetRejectedRow(row=row, reason=reason, sheet=sheet))

    # --- sheet 网格 ------------------------------------------------------------------------------
    def grids(self, table: SheetRows) -> None:
        columns = HeaderMap(GRID_HEADERS, ()).columns(table.header)
        cleaner = CellCleaner(GRID_HEADERS, sheet=GRID_SHEET)
        with self.session.no_autoflush:
            for number, cells in table.rows:
                cells = cleaner.clean(number, cells, columns)
                values = {k: cells[i] if i < len(cells) else None for k, i in columns.items()}
                if all(is_blank(v) for v in values.values()):
                    continue
                code = clean_text(values.get("code")).replace(" ", "")
                try:
                    self.grid_row(number, code, values)
                except RowRejected as exc:
                    self.reject(GRID_SHEET, number, str(exc))
                    if code and code not in self.by_code:  # its staff rows have no grid to go to
                        self.refused_grids.setdefault(code, number)
        self.report.corrected += cleaner.corrected

    def grid_row(self, number: int, code: str, values: dict[str, Any]) -> None:
        errors: list[str] = []
        try:
            code = clean_grid_value("code", code)
        except ValueError as exc:
            raise RowRejected(str(exc)) from None
        if code in self.grid_rows:
            raise RowRejected(f"网格编码“{code}”与第{self.grid_rows[code]}行重复")
        self.grid_rows[code] = number
        wanted: dict[str, Any] = {}
        for key in GRID_FIELDS:
            if key == "code" or is_blank(values.get(key)):
                continue
            try:
                wanted[key] = clean_grid_value(key, values[key])
            except ValueError as exc:
                errors.append(str(exc))
        community_text = clean_text(values.get("community"))
        community = self.communities.get(community_text) if community_text else None
        if community_text and community is None:
            errors.append(f"所属社区“{community_text}”不存在，请填写系统中已有社区的名称或编码")
        grid = self.by_code.get(code)
        if grid is None:
            if "name" not in wanted and is_blank(values.get("name")):
                errors.append("新网格须填写网格名称")
            if not community_text:
                errors.append("新网格须填写所属社区")
        elif community is not None and community.id != grid.community_id:
            errors.append(f"该网格属于“{grid.community.name}”，导入不能改变所属社区")
        if errors:
            raise RowRejected("；".join(dict.fromkeys(errors)))
        if grid is None:
            grid = Grid(community_id=community.id, code=code, **wanted)
            self.session.add(grid)
            self.by_code[code] = grid
            self.created.add(grid)
            self.report.grids_created += 1
            return
        diffs = {k: v for k, v in wanted.items() if getattr(grid, k) != v}
        for key, value in diffs.items():
            setattr(grid, key, value)
        if diffs:
            self.changed.add(grid)
            self.report.grids_updated += 1
        else:
            self.report.grids_unchanged += 1

    # --- sheet 人员 ------------------------------------------------------------------------------
    def staff(self, table: SheetRows) -> None:
        columns = HeaderMap(STAFF_HEADERS, ()).columns(table.header)
        cleaner = CellCleaner(STAFF_HEADERS, sheet=STAFF_SHEET)
        seen: dict[tuple[str, str, str], int] = {}
        for person in self.session.scalars(select(GridStaff).order_by(GridStaff.id)):
            self.existing.setdefault(person.grid_id, []).append(person)
        with self.session.no_autoflush:
            for number, cells in table.rows:
                cells = cleaner.clean(number, cells, columns)
                values = {k: cells[i] if i < len(cells) else None for k, i in columns.items()}
                if all(is_blank(v) for v in values.values()):
                    continue
                try:
                    self.staff_row(number, values, seen)
                except RowRejected as exc:
                    self.reject(STAFF_SHEET, number, str(exc))
        self.report.corrected += cleaner.corrected

    def staff_row(self, number: int, values: dict[str, Any], seen: dict[tuple[str, str, str], int]) -> None:
        code = clean_text(values.get("grid")).replace(" ", "")
        if not code:
            raise RowRejected("缺少网格编码")
        if code in self.refused_grids:
            raise RowRejected(f"网格“{code}”在“{GRID_SHEET}”表第{self.refused_grids[code]}行未能导入")
        grid = self.by_code.get(code)
        if grid is None:
            raise RowRejected(f"网格编码“{code}”不存在（“{GRID_SHEET}”表和系统中都没有）")
        errors: list[str] = []
        try:
            role = role_code(values.get("role"))
        except ValueError as exc:
            errors.append(str(exc))
            role = ""
        given = {
            k: values.get(k) for k in ("name", "phone", "organisation", "duty") if not is_blank(values.get(k))
        }
        try:
            cleaned = clean_staff_values({"name": values.get("name"), **given})
        except GridEditError as exc:
            errors.extend(exc.errors.values())
            cleaned = {}
        building_id = None
        building_name = clean_text(values.get("building"))
        if building_name:
            stmt = select(Building.id).where(Building.grid_id == grid.id, Building.name == building_name)
            building_id = self.session.scalar(stmt) if grid.id is not None else None
            if building_id is None:
                errors.append(f"楼栋“{building_name}”不在网格“{code}”中")
        if errors:
            raise RowRejected("；".join(dict.fromkeys(errors)))
        name = cleaned["name"]
        key = (code, "" if role == GRID_LEADER else name, role)
        if key in seen:
            what = f"网格“{code}”的网格长" if role == GRID_LEADER else f"{name}（{role_name(role)}）"
            raise RowRejected(f"{what}已在第{seen[key]}行填写")
        seen[key] = number
        people = self.existing.get(grid.id, []) if grid.id is not None else []
        if role == GRID_LEADER:
            person = next((p for p in people if p.role == GRID_LEADER), None)
        else:
            person = next((p for p in people if p.role == role and p.name == name), None)
        if person is not None and person.name != name:  # a new grid leader takes the post
            cleaned = {"phone": "", "organisation": "", "duty": "", "photo": None, **cleaned}
        wanted = {**cleaned, "role": role}
        if building_id is not None:
            wanted["building_id"] = building_id
        phone = wanted.get("phone", person.phone if person is not None else "")
        refused = check_staff_roles(role, phone, wanted.get("building_id"))
        if refused:
            raise RowRejected("；".join(refused.values()))
        if person is None:
            staff = GridStaff(sort_order=100 + number, **wanted)
            staff.grid = grid
            self.session.add(staff)
            self.report.staff_created += 1
            self.changed.add(grid)
            return
        diffs = {k: v for k, v in wanted.items() if getattr(person, k) != v}
        for key_, value in diffs.items():
            setattr(person, key_, value)
        if diffs:
            self.report.staff_updated += 1
            self.changed.add(grid)
        else:
            self.report.staff_unchanged += 1
