"""网格上报: a problem a grid worker found (on a visit, on a round) becomes a case of the grid, with
no applicant and no ID number. It is accepted at once and enters the same workflow and deadlines
as any case: dispatched, completed, called back. The caller commits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, Grid
from app.models.base import utcnow
from app.services.admin.centre import current_community
from app.services.admin.permissions import require
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.cases import workflow
from app.services.cases.numbers import next_case_no
from app.services.common import audit
from app.services.common.idcard import redact
from app.services.common.workdays import WorkCalendar

GRID_CHANNEL = "grid"
REPORT_DAYS = 5  # working days to deal with a problem a grid worker reported
REPORT_TEXT_LIMIT = 500


class GridReportError(ValueError):
    """A report that cannot be filed as asked; one sentence for the person."""


def find_grid(session: Session, code: str, scope: Scope = WHOLE_STREET) -> Grid:
    grid = session.scalar(select(Grid).where(Grid.code == (code or "").strip()))
    if grid is None or not scope.allows_grid(grid.id):
        raise GridReportError(f"没有找到编码为“{code}”的网格，或该网格不归您负责")
    return grid


def report_grid_case(
    session: Session,
    grid: Grid,
    *,
    text: str,
    actor: str,
    address: str = "",
    scope: Scope = WHOLE_STREET,
    today: dt.date | None = None,
    calendar: WorkCalendar | None = None,
) -> Case:
    """File a 网格上报 case for ``grid``: accepted, owned by the reporter, due in five working days."""
    require(session, actor, "case.report")
    if not scope.allows_grid(grid.id):
        raise GridReportError("该网格不归您负责")
    content = redact((text or "").strip())
    if not content:
        raise GridReportError("请写明发现的问题")
    if len(content) > REPORT_TEXT_LIMIT:
        raise GridReportError(f"问题描述最多{REPORT_TEXT_LIMIT}个字，现在有{len(content)}个字")
    today = today or dt.date.today()
    calendar = calendar or WorkCalendar.load(session)
    community = current_community(session)
    now = utcnow()
    case = Case(
        origin_community=community.code,
        case_no=next_case_no(session, community.short_code, today),
        community_id=community.id,
        channel=GRID_CHANNEL,
        status="accepted",
        item_id=None,
        item_code="",
        item_name="网格上报",
        promised_days=REPORT_DAYS,
        resident_id=None,
        applicant_name=f"{grid.community.name}{grid.name}"[:50],  # the case belongs to the grid
        applicant_id_number="",
        applicant_phone="",
        grid_id=grid.id,
        first_responder=actor,
        owner=actor,
        content=content,
        address=(address or "").strip()[:200],
        received_at=now,
        accepted_at=now,
        due_date=calendar.add_working_days(today, REPORT_DAYS),
        materials_received=[],
        materials_missing=[],
        events=[],
    )
    session.add(case)
    workflow.record_event(
        case,
        actor=actor,
        action="grid_report",
        note=content[:60],
        data={"due_date": case.due_date.isoformat()},
    )
    session.flush()
    audit.record(session, actor=actor, action="grid_report", subject=case.case_no, purpose="网格上报")
    return case
