"""The 社区 sheet a grids workbook may carry: 社区代码, 社区名称, 编号前缀, 地址, 电话, 办公时间.

Read before the 网格 sheet, so that a centre starting from nothing can bring its communities and
their grids in one workbook. A community is found by its code: a new one is added (its prefix is
required), a known one takes the cells that are filled (an empty cell never erases). Each row is
checked with the rules of ``yichuang community add``; a refused row is reported like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.services.admin.area import AreaError, CommunityDetails, upsert_community
from app.services.imports.spreadsheet import CellCleaner, HeaderMap, SheetRows, cell_text, is_blank

COMMUNITY_SHEET = "社区"
COMMUNITY_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("社区代码", "社区编码"),
    "name": ("社区名称",),
    "prefix": ("编号前缀", "社区简码"),
    "address": ("地址", "社区地址"),
    "phone": ("电话", "服务电话", "联系电话"),
    "hours": ("办公时间", "服务时间"),
}
COMMUNITY_REQUIRED = ("code", "name")


@dataclass
class CommunityCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def import_communities(
    session: Session,
    table: SheetRows,
    *,
    actor: str,
    reject: Callable[[int, str], None],
    cleaner: CellCleaner,
) -> CommunityCounts:
    """Add or update the sheet's communities in ``session`` (the caller commits or rolls back)."""
    columns = HeaderMap(COMMUNITY_HEADERS, ()).columns(table.header)
    counts = CommunityCounts()
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        cells = cleaner.clean(number, cells, columns)
        values = {k: cell_text(cells[i]) if i < len(cells) else "" for k, i in columns.items()}
        if all(is_blank(v) for v in values.values()):
            continue
        code = values.get("code", "").replace(" ", "")
        if code in seen:
            reject(number, f"社区代码“{code}”与第{seen[code]}行重复")
            continue
        seen[code] = number
        details = CommunityDetails(**{key: values.get(key, "") for key in COMMUNITY_HEADERS})
        try:  # every check runs before anything of the row is written
            outcome = upsert_community(session, details, actor=actor)
        except AreaError as exc:
            reject(number, str(exc))
            continue
        setattr(counts, outcome, getattr(counts, outcome) + 1)
    return counts
