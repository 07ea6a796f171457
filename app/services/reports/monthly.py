"""The monthly report upward (月度工作报表): the figures of one whole month for the whole community,
with the community's own notes, in a fixed layout the street office receives from every community.

Made at the desk (月度工作报表…) or by ``yichuang report monthly``; kept in ``monthly_reports``, one
per community and month. Made again for the same month, the row is replaced and its version moves:
the next sync sends it (app.services.sync.monthly) and the street keeps the newer one. The files
are the 统计 report's workbook and PDF with the title 月度工作报表 and the notes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import MonthlyReport
from app.models.base import utcnow
from app.services.admin.centre import current_community
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.reports import periods
from app.services.reports.full_report import FullReport
from app.services.reports.report_files import PdfRenderer, centre_title, write_pdf
from app.services.reports.report_xlsx import write_report_xlsx
from app.services.reports.viewing import ScopeRefused, shown_report

TITLE = "月度工作报表"
ACTION = "monthly_report"
MAX_NOTES = 4000
# The breakdowns the street office receives besides the totals (small and the same everywhere).
SENT_GROUPINGS = ("channel", "category")


@dataclass(frozen=True, slots=True)
class MonthlyDone:
    month: str
    community: str
    version: int
    report: FullReport
    xlsx: Path | None
    pdf: Path | None

    def as_json(self) -> dict:
        total = self.report.cases.total
        return {
            "month": self.month,
            "community": self.community,
            "version": self.version,
            "xlsx": str(self.xlsx) if self.xlsx else None,
            "pdf": str(self.pdf) if self.pdf else None,
            "cases.received": total.received,
            "cases.closed": total.closed,
            "to_send": True,
        }


def monthly_figures(report: FullReport) -> list[dict]:
    """The figures the street office receives: every total, the case figures by channel and by
    category, the key groups and community life (as JSON, each with its code and name)."""
    figures = [*report.cases.figures(), *report.satisfaction.figures(), *report.certificates.figures()]
    figures = [f for f in figures if not f.grouping]
    for grouping in SENT_GROUPINGS:
        figures += [f for f in report.by[grouping].figures() if f.grouping]
    figures += [f for f in report.population.figures("tag") if f.grouping != "grid"]
    figures += report.community.figures()
    return [f.as_json() for f in figures]


def make_monthly_report(
    session: Session,
    month: str,
    *,
    actor: str,
    scope: Scope,
    notes: str = "",
    xlsx: Path | None = None,
    pdf: Path | None = None,
    render_pdf: PdfRenderer | None = None,
    as_of: dt.date | None = None,
) -> MonthlyDone:
    """Make (or make again) the report of ``month`` ("2026-11"), store it for the next sync and
    write the files named; the caller commits."""
    period = periods.month(month)
    if not scope.whole_street:
        raise ScopeRefused("月度工作报表由社区统一报送，网格员账号不能生成")
    notes = notes.strip()
    if len(notes) > MAX_NOTES:
        raise ValueError(f"情况说明最多{MAX_NOTES}字，现有{len(notes)}字")
    report, chosen = shown_report(session, period, actor=actor, scope=scope, what=TITLE, as_of=as_of)
    community = current_community(session).code
    key = f"{period.start.year:04d}-{period.start.month:02d}"
    row = session.scalar(
        select(MonthlyReport).where(MonthlyReport.community_code == community, MonthlyReport.month == key)
    )
    if row is None:
        row = MonthlyReport(community_code=community, month=key, version=0, sent_version=0)
        session.add(row)
    row.version = (row.version or 0) + 1
    row.figures = monthly_figures(report)
    row.notes = notes
    row.made_by = actor
    row.made_at = utcnow()
    session.flush()
    centre = centre_title(session)
    if xlsx is not None:
        write_report_xlsx(
            xlsx, report, centre=centre, scope_label=chosen.label, made_by=actor, title=TITLE, notes=notes
        )
    if pdf is not None:
        if render_pdf is None:
            raise ValueError("a PDF needs a renderer")
        data = render_pdf(
            report, centre=centre, scope_label=chosen.label, made_by=actor, title=TITLE, notes=notes
        )
        write_pdf(pdf, data)
    audit.record(
        session, actor=actor, action=ACTION, subject=key, purpose=f"第{row.version}版", detail=community
    )
    return MonthlyDone(key, community, row.version, report, xlsx, pdf)


@dataclass(frozen=True, slots=True)
class MonthlyState:
    month: str
    version: int
    sent: bool
    made_by: str


def monthly_reports(session: Session) -> list[MonthlyState]:
    """The monthly reports kept at this desk, newest month first, and whether the street has each."""
    rows = session.scalars(select(MonthlyReport).order_by(MonthlyReport.month.desc()))
    return [MonthlyState(r.month, r.version, r.sent_version >= r.version, r.made_by) for r in rows]
