"""Finding cases: the desk's case list, the supervision list and ``yichuang cases``.

Rows are plain records with the deadline state already worked out, so a table model only has to
display them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.models import Case, CaseEvent, Community, Grid
from app.models.base import as_local, local_midnight_utc
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.cases.workflow import RUNNING_STATUSES, status_name
from app.services.common import audit
from app.services.common.idcard import mask
from app.services.common.workdays import WorkCalendar, deadline_state
from app.services.population.registration import PlaceChoice

DEADLINE_NAMES = {"overdue": "已超期", "due_soon": "即将到期", "on_time": "正常", "none": ""}


class CaseSearchFailed(RuntimeError):
    """The database could not answer (busy, locked); the message names the error's kind."""


@dataclass
class CaseFilter:
    statuses: list[str] = field(default_factory=list)
    item_code: str = ""
    grid_id: int | None = None
    staff: str = ""  # first responder or current owner
    assigned_to: str = ""  # only the cases last assigned to this grid worker (指派给我)
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    overdue_only: bool = False
    supervised_only: bool = False
    text: str = ""  # case number, applicant name, or hotline order number
    channel: str = ""
    applicant_id_number: str = ""  # one person's cases, for the resident panel
    limit: int = 5000


@dataclass(frozen=True)
class CaseRow:
    id: int
    case_no: str
    status: str
    status_name: str
    channel: str
    item_name: str
    applicant_name: str
    applicant_id_masked: str
    grid_name: str
    first_responder: str
    owner: str
    received_at: dt.datetime
    due_date: dt.date | None
    deadline: str  # overdue, due_soon, on_time, none
    supervised: bool
    evaluation: str
    # What a figure of docs/REPORTS.md needs to be checked by hand from ``yichuang cases``.
    item_code: str = ""
    promised_days: int = 0
    accepted_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    materials_notice: bool = False  # a one-time notice of missing materials (一次性告知) was issued

    def as_json(self) -> dict:
        return {
            "case_no": self.case_no,
            "status": self.status,
            "status_name": self.status_name,
            "channel": self.channel,
            "item": self.item_name,
            "applicant": self.applicant_name,
            "applicant_id": self.applicant_id_masked,
            "grid": self.grid_name,
            "first_responder": self.first_responder,
            "owner": self.owner,
            "received_at": as_local(self.received_at).isoformat(timespec="seconds"),
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "deadline": self.deadline,
            "supervised": self.supervised,
            "evaluation": self.evaluation,
            "item_code": self.item_code,
            "promised_days": self.promised_days,
            "accepted_at": _local(self.accepted_at),
            "completed_at": _local(self.completed_at),
            "materials_notice": self.materials_notice,
        }


def _local(moment: dt.datetime | None) -> str | None:
    return as_local(moment).isoformat(timespec="seconds") if moment else None


def find_cases(
    session: Session,
    flt: CaseFilter,
    *,
    today: dt.date | None = None,
    calendar: WorkCalendar | None = None,
    scope: Scope = WHOLE_STREET,
) -> list[CaseRow]:
    """Cases matching ``flt`` within ``scope`` (a grid worker: the cases of their grids only)."""
    today = today or dt.date.today()
    calendar = calendar or WorkCalendar.load(session)
    notice = (
        exists()
        .where(CaseEvent.case_id == Case.id, CaseEvent.action == "request_materials")
        .correlate(Case)
        .label("notice")
    )
    stmt = (
        select(Case, Grid.name, notice)
        .outerjoin(Grid, Case.grid_id == Grid.id)
        .where(scope.grid_filter(Case.grid_id))
    )
    if flt.statuses:
        stmt = stmt.where(Case.status.in_(flt.statuses))
    if flt.item_code:
        stmt = stmt.where(Case.item_code == flt.item_code)
    if flt.grid_id is not None:
        stmt = stmt.where(Case.grid_id == flt.grid_id)
    if flt.staff:
        stmt = stmt.where(or_(Case.first_responder == flt.staff, Case.owner == flt.staff))
    if flt.assigned_to:
        stmt = stmt.where(Case.id.in_(_assigned_to(flt.assigned_to)))
    if flt.channel:
        stmt = stmt.where(Case.channel == flt.channel)
    if flt.applicant_id_number:
        stmt = stmt.where(Case.applicant_id_number == flt.applicant_id_number)
    if flt.received_from:
        stmt = stmt.where(Case.received_at >= local_midnight_utc(flt.received_from))
    if flt.received_to:
        stmt = stmt.where(Case.received_at < local_midnight_utc(flt.received_to + dt.timedelta(days=1)))
    if flt.supervised_only:
        stmt = stmt.where(Case.supervised.is_(True))
    if flt.overdue_only:
        stmt = stmt.where(Case.status.in_(RUNNING_STATUSES), Case.due_date < today)
    text = flt.text.strip()
    if text:
        like = f"%{text}%"
        stmt = stmt.where(
            or_(Case.case_no.like(like), Case.applicant_name.like(like), Case.hotline_order_no == text)
        )
    stmt = stmt.order_by(Case.received_at.desc(), Case.id.desc()).limit(flt.limit)
    return [
        _row(case, grid_name or "", today, calendar, bool(notice))
        for case, grid_name, notice in session.execute(stmt)
    ]


def _assigned_to(username: str):
    """The ids of the cases whose latest assignment (an ``assign`` event) names ``username``."""
    latest = select(func.max(CaseEvent.id)).where(CaseEvent.action == "assign").group_by(CaseEvent.case_id)
    return select(CaseEvent.case_id).where(
        CaseEvent.id.in_(latest), CaseEvent.data["assignee"].as_string() == username
    )


def list_cases(
    sessions: sessionmaker[Session],
    flt: CaseFilter,
    *,
    today: dt.date,
    actor: str,
    scope: Scope = WHOLE_STREET,
) -> list[CaseRow]:
    """``find_cases`` in a short transaction of its own, for a list that is refreshed while the
    desk works. The list names applicants, so it is audited in the same transaction as the read
    (a list that could not be logged is not shown); a busy or locked database comes back as
    CaseSearchFailed instead of an exception the view would have to know."""
    try:
        with sessions.begin() as session:
            rows = find_cases(session, flt, today=today, scope=scope)
            audit.record_list(
                session, actor=actor, action="lookup", shown=len(rows), what="查看办件列表", search=flt.text
            )
            return rows
    except SQLAlchemyError as exc:
        raise CaseSearchFailed(type(exc).__name__) from exc


def _row(case: Case, grid_name: str, today: dt.date, calendar: WorkCalendar, notice: bool = False) -> CaseRow:
    running = case.status in RUNNING_STATUSES
    return CaseRow(
        id=case.id,
        case_no=case.case_no,
        status=case.status,
        status_name=status_name(case.status),
        channel=case.channel,
        item_name=case.item_name,
        applicant_name=case.applicant_name,
        applicant_id_masked=mask(case.applicant_id_number) if case.applicant_id_number else "",
        grid_name=grid_name,
        first_responder=case.first_responder,
        owner=case.owner,
        received_at=case.received_at,
        due_date=case.due_date,
        deadline=deadline_state(case.due_date if running else None, today, calendar),
        supervised=case.supervised,
        evaluation=case.evaluation,
        item_code=case.item_code,
        promised_days=case.promised_days,
        accepted_at=case.accepted_at,
        completed_at=case.completed_at,
        materials_notice=notice,
    )


def get_case(session: Session, case_no: str, scope: Scope = WHOLE_STREET) -> Case | None:
    """The case with this number, or None (also when it lies outside ``scope``)."""
    return session.scalar(select(Case).where(Case.case_no == case_no, scope.grid_filter(Case.grid_id)))


def community_grids(session: Session, community_code: str, scope: Scope = WHOLE_STREET) -> list[PlaceChoice]:
    """The grids of one community within ``scope``, to filter its case list by."""
    stmt = (
        select(Grid.id, Grid.name)
        .join(Community, Grid.community_id == Community.id)
        .where(Community.code == community_code, scope.grid_filter(Grid.id))
        .order_by(Grid.id)
    )
    return [PlaceChoice(name, grid_id) for grid_id, name in session.execute(stmt)]
