"""Home visits (走访): a grid worker records who was visited (a resident, or a household), when, how
(入户/电话/微信), what was found and a photo. A problem found on the visit becomes a grid case
(网格上报) in the same transaction, linked to the visit. Every visit recorded and every list read
is audited. The caller commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import VISIT_WAYS, Community, Grid, Household, Resident, Visit
from app.services.admin.permissions import require
from app.services.admin.scope import WHOLE_STREET, Scope, resident_grid_id
from app.services.cases.grid_report import report_grid_case
from app.services.common import audit
from app.services.common.idcard import mask, redact

FOUND_LIMIT = 500
PHOTO_LIMIT = 2_000_000


class VisitError(ValueError):
    """A visit that cannot be recorded as given; one sentence for the person."""


@dataclass(frozen=True)
class NewVisit:
    visited_on: dt.date
    way: str = "入户"
    found: str = ""
    photo: bytes | None = None
    problem: str = ""  # a problem to hand on as a grid case (网格上报); "" for none


@dataclass(frozen=True)
class RecordedVisit:
    visit_id: int
    case_no: str  # the grid case raised from the visit, or ""


def record_visit(
    session: Session,
    resident: Resident,
    visit: NewVisit,
    *,
    actor: str,
    whole_household: bool = False,
    scope: Scope = WHOLE_STREET,
    today: dt.date,
) -> RecordedVisit:
    """Record a visit to ``resident`` (or their whole household) by ``actor``."""
    require(session, actor, "visit.record")
    if not scope.allows_resident(session, resident):
        raise VisitError("该居民不在您负责的网格内")
    if visit.way not in VISIT_WAYS:
        raise VisitError(f"走访方式须为：{'、'.join(VISIT_WAYS)}")
    if visit.visited_on > today:
        raise VisitError("走访日期不能晚于今天")
    found = redact((visit.found or "").strip())
    if len(found) > FOUND_LIMIT:
        raise VisitError(f"走访情况最多{FOUND_LIMIT}个字，现在有{len(found)}个字")
    if visit.photo is not None and len(visit.photo) > PHOTO_LIMIT:
        raise VisitError("照片太大（超过2MB），请换一张小一些的照片")
    if whole_household and resident.household_id is None:
        raise VisitError("该居民没有登记户，请按个人记录走访")
    grid_id = resident_grid_id(session, resident)
    row = Visit(
        grid_id=grid_id,
        resident_id=None if whole_household else resident.id,
        household_id=resident.household_id,
        visitor=actor,
        visited_on=visit.visited_on,
        way=visit.way,
        found=found,
        photo=visit.photo or None,
        recorded_by=actor,
    )
    session.add(row)
    case_no = ""
    if visit.problem.strip():
        grid = session.get(Grid, grid_id) if grid_id is not None else None
        if grid is None:
            raise VisitError("该居民的住址不在任何网格内，问题无法按网格上报")
        household = resident.household
        case = report_grid_case(
            session,
            grid,
            text=visit.problem,
            actor=actor,
            address=household.label if household is not None else "",
            scope=scope,
            today=today,
        )
        session.flush()
        row.case_id = case.id
        case_no = case.case_no
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="visit_record",
        resident=resident,
        purpose="走访",
        detail=f"{visit.way}{'（整户）' if whole_household else ''}{'，上报' + case_no if case_no else ''}",
    )
    return RecordedVisit(row.id, case_no)


def resident_by_id(session: Session, resident_id: int, scope: Scope = WHOLE_STREET) -> Resident:
    """A resident picked from a list (the due list) by their row id; outside ``scope`` refused."""
    resident = session.get(Resident, resident_id)
    if resident is None or not scope.allows_resident(session, resident):
        raise VisitError("没有找到该居民，或该居民不在您负责的网格内")
    return resident


@dataclass(frozen=True)
class VisitRow:
    visit_id: int
    visited_on: dt.date
    way: str
    visitor: str
    grid_name: str
    who: str  # the resident's name, or the household's head and "户"
    masked_id: str
    address: str
    found: str
    case_no: str

    def as_json(self) -> dict:
        return {
            "visit_id": self.visit_id,
            "visited_on": self.visited_on.isoformat(),
            "way": self.way,
            "visitor": self.visitor,
            "grid": self.grid_name,
            "who": self.who,
            "id": self.masked_id,
            "address": self.address,
            "found": self.found,
            "case_no": self.case_no,
        }


def list_visits(
    session: Session,
    *,
    scope: Scope = WHOLE_STREET,
    since: dt.date | None = None,
    until: dt.date | None = None,
    visitor: str = "",
    resident_id: int | None = None,
    limit: int = 2000,
) -> list[VisitRow]:
    """Visits in the reader's grids, newest first."""
    from app.models import Case

    stmt = (
        select(Visit, (Community.name + Grid.name), Case.case_no)
        .outerjoin(Grid, Grid.id == Visit.grid_id)
        .outerjoin(Community, Community.id == Grid.community_id)
        .outerjoin(Case, Case.id == Visit.case_id)
        .where(scope.grid_filter(Visit.grid_id))
    )
    if since is not None:
        stmt = stmt.where(Visit.visited_on >= since)
    if until is not None:
        stmt = stmt.where(Visit.visited_on <= until)
    if visitor:
        stmt = stmt.where(Visit.visitor == visitor)
    if resident_id is not None:
        resident = session.get(Resident, resident_id)
        household_id = resident.household_id if resident is not None else None
        stmt = stmt.where(
            or_(
                Visit.resident_id == resident_id,
                (Visit.resident_id.is_(None)) & (Visit.household_id == household_id),
            )
        )
    stmt = stmt.order_by(Visit.visited_on.desc(), Visit.id.desc()).limit(limit)
    rows = []
    for visit, grid_name, case_no in session.execute(stmt):
        household = session.get(Household, visit.household_id) if visit.household_id else None
        if visit.resident_id is not None:
            person = session.get(Resident, visit.resident_id)
            who, number = person.name, person.id_number
        else:
            head = household.head if household is not None else None
            who, number = (f"{head.name}户" if head else "整户"), (head.id_number if head else "")
        rows.append(
            VisitRow(
                visit_id=visit.id,
                visited_on=visit.visited_on,
                way=visit.way,
                visitor=visit.visitor,
                grid_name=grid_name or "",
                who=who,
                masked_id=mask(number) if number else "",
                address=household.label if household is not None else "",
                found=visit.found,
                case_no=case_no or "",
            )
        )
    return rows
