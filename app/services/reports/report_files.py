"""The 统计 report written to files: the workbook with Excel's charts and, when asked, the A4 PDF
with printed charts (drawn by the renderer the caller hands in: services never import printing).
One view and one export are audited; the caller commits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.services.admin.centre import CentreNotConfigured, centre_name, current_community
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.reports.full_report import FullReport
from app.services.reports.periods import Period
from app.services.reports.report_xlsx import write_report_xlsx
from app.services.reports.viewing import ReportScope, shown_report

EXPORT_ACTION = "report_export"
# report, centre, scope label, made by, title, notes -> PDF bytes
PdfRenderer = Callable[..., bytes]


@dataclass(frozen=True, slots=True)
class ReportFiles:
    report: FullReport
    scope: ReportScope
    centre: str
    xlsx: Path | None
    pdf: Path | None

    def as_json(self) -> dict:
        total = self.report.cases.total
        return {
            "period": self.report.period.as_json(),
            "scope": self.scope.label,
            "as_of": self.report.as_of.isoformat(),
            "xlsx": str(self.xlsx) if self.xlsx else None,
            "pdf": str(self.pdf) if self.pdf else None,
            "cases.received": total.received,
            "cases.closed": total.closed,
            "satisfaction.rate": self.report.satisfaction.rate,
        }


def centre_title(session: Session) -> str:
    """The centre's name for a heading; "" before a community is chosen."""
    try:
        return centre_name(current_community(session))
    except CentreNotConfigured:
        return ""


def write_pdf(path: Path, data: bytes) -> None:
    """Written beside the target and moved into place whole."""
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)


def write_report_files(
    session: Session,
    period: Period,
    *,
    actor: str,
    scope: Scope,
    grid_code: str = "",
    xlsx: Path | None = None,
    pdf: Path | None = None,
    render_pdf: PdfRenderer | None = None,
) -> ReportFiles:
    if xlsx is None and pdf is None:
        raise ValueError("no file named")
    report, chosen = shown_report(session, period, actor=actor, scope=scope, grid_code=grid_code)
    centre = centre_title(session)
    if xlsx is not None:
        write_report_xlsx(xlsx, report, centre=centre, scope_label=chosen.label, made_by=actor)
    if pdf is not None:
        if render_pdf is None:
            raise ValueError("a PDF needs a renderer")
        write_pdf(pdf, render_pdf(report, centre=centre, scope_label=chosen.label, made_by=actor))
    files = "、".join(str(p) for p in (xlsx, pdf) if p is not None)
    audit.record(
        session,
        actor=actor,
        action=EXPORT_ACTION,
        subject="统计报表",
        purpose=f"{period.start.isoformat()}至{period.end.isoformat()}",
        detail=f"范围：{chosen.label}；文件：{files}"[:500],
    )
    return ReportFiles(report, chosen, centre, xlsx, pdf)
