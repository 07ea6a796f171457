"""One case as the desk's detail dialog shows it, and one step taken on it.

A step runs in its own transaction so that the dialog never holds a session while a person types;
a database failure comes back as :class:`CaseNotSaved`, one sentence the dialog can show next to
what was typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.models import Case, Grid, Resident, ServiceItem
from app.services.admin.auth import staff_names
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.cases import intake, workflow
from app.services.cases.search import get_case
from app.services.common import audit
from app.services.common.idcard import mask
from app.services.common.workdays import WorkCalendar, deadline_state


class CaseNotSaved(RuntimeError):
    """The database refused or failed the step; nothing of it was stored."""


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """The case (loaded in the caller's session) and what the dialog shows around it."""

    case: Case
    grid_name: str  # "" when the case belongs to no grid
    item_department: str  # the catalogue's department for the item, "" when unknown
    staff: dict[str, str]  # username -> display name
    deadline: str  # a DEADLINE_NAMES key while the clock runs, else ""


def case_detail(
    session: Session, case_no: str, today: dt.date, scope: Scope = WHOLE_STREET
) -> CaseDetail | None:
    """The case and what is shown around it; None when there is no such case in ``scope``."""
    case = get_case(session, case_no, scope)
    if case is None:
        return None
    grid = session.get(Grid, case.grid_id) if case.grid_id else None
    item = session.get(ServiceItem, case.item_id) if case.item_id else None
    deadline = ""
    if case.status in workflow.RUNNING_STATUSES and case.due_date is not None:
        deadline = deadline_state(case.due_date, today, WorkCalendar.load(session))
    return CaseDetail(
        case,
        grid.name if grid else "",
        item.department if item else "",
        staff_names(session),
        deadline,
    )


def record_case_opened(session: Session, case: Case, *, actor: str) -> None:
    """A case opened with the full ID number on screen is a lookup for the audit log
    (个人信息保护法). The caller commits."""
    resident = session.get(Resident, case.resident_id) if case.resident_id else None
    audit.record(
        session,
        actor=actor,
        action="lookup",
        resident=resident,
        subject=mask(case.applicant_id_number),
        purpose=f"查看办件 {case.case_no}",
    )


def take_step(
    sessions: sessionmaker[Session],
    case_no: str,
    action: str,
    *,
    actor: str,
    note: str = "",
    to: str = "",
    evaluation: str = "",
    scope: Scope = WHOLE_STREET,
) -> None:
    """Carry out one workflow action and commit; raises WorkflowError when the case may not take
    it, CaseNotSaved when the database fails."""
    try:
        with sessions.begin() as session:
            case = get_case(session, case_no, scope)
            if case is None:
                raise workflow.WorkflowError(f"找不到办件 {case_no}")
            if action == "materials_complete":
                intake.materials_arrived(session, case, actor=actor)
            else:
                workflow.apply(session, case, action, actor=actor, note=note, to=to, evaluation=evaluation)
    except SQLAlchemyError as exc:
        raise CaseNotSaved(type(exc).__name__) from exc


def take_handling_step(
    sessions: sessionmaker[Session],
    case_no: str,
    step: Callable[[Session, Case], object],
    *,
    scope: Scope = WHOLE_STREET,
) -> None:
    """Carry out one 四单三办三评 entry (``step(session, case)``, a function of
    app.services.cases.handling or escalation) in its own transaction; raises WorkflowError when
    the case may not take it, CaseNotSaved when the database fails."""
    try:
        with sessions.begin() as session:
            case = get_case(session, case_no, scope)
            if case is None:
                raise workflow.WorkflowError(f"找不到办件 {case_no}")
            step(session, case)
    except SQLAlchemyError as exc:
        raise CaseNotSaved(type(exc).__name__) from exc
