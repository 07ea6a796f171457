"""A report as a signed-in person asks for it: their role checked, their scope narrowed to one grid
when they choose one (a grid worker only among their own), and the view audited. The 统计 tab,
the report files and the monthly report all come through here, so the rules are written once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Grid
from app.services.admin.permissions import require
from app.services.admin.scope import Scope
from app.services.reports.full_report import FullReport, full_report, record_report_view
from app.services.reports.grids import GridChoice, grid_by_code
from app.services.reports.periods import Period, narrowed


class ScopeRefused(ValueError):
    """A grid the person may not report on, or that does not exist; one sentence."""


@dataclass(frozen=True, slots=True)
class ReportScope:
    """The scope a report is made for, and how it is said on screen and on paper."""

    scope: Scope
    label: str  # 全部网格, 网格 TY01 幸福一网格, 本人网格
    grid_code: str = ""


def report_grids(session: Session, scope: Scope) -> list[GridChoice]:
    """The grids a person may narrow a report to: every grid, or a grid worker's own."""
    rows = session.execute(
        select(Grid.id, Grid.code, Grid.name).where(scope.grid_filter(Grid.id)).order_by(Grid.code)
    )
    return [GridChoice(*row) for row in rows]


def report_scope(session: Session, scope: Scope, grid_code: str = "") -> ReportScope:
    """``scope`` narrowed to the grid ``grid_code`` (none: the person's whole scope)."""
    if not grid_code:
        return ReportScope(scope, "全部网格" if scope.whole_street else "本人负责的网格")
    grid = grid_by_code(session, grid_code)
    if grid is None:
        raise ScopeRefused(f"网格“{grid_code}”不存在")
    if not scope.allows_grid(grid.id):
        raise ScopeRefused(f"网格“{grid_code}”不在您负责的范围内")
    return ReportScope(narrowed(scope, grid.id), f"网格 {grid.code} {grid.name}", grid.code)


def shown_report(
    session: Session,
    period: Period,
    *,
    actor: str,
    scope: Scope,
    grid_code: str = "",
    what: str = "统计报表",
    as_of: dt.date | None = None,
) -> tuple[FullReport, ReportScope]:
    """The full report for ``actor`` (who must be allowed to view reports), audited as one view;
    the caller commits."""
    require(session, actor, "report.view")
    chosen = report_scope(session, scope, grid_code)
    report = full_report(session, period, scope=chosen.scope, as_of=as_of)
    record_report_view(session, actor=actor, what=what, period=period, scope_note=chosen.label)
    return report, chosen
