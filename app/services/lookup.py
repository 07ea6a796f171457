"""Finding a resident by ID number, with everything the front desk shows about them.

Every successful lookup writes an audit entry in the same transaction as the read, so a shown
record is always accounted for (who, when, whose, why).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Building, Community, Grid, GridStaff, Household, Resident, ResidentPhoto, Tag
from app.models.staff import GRID_LEADER
from app.services import audit
from app.services.idcard import IdNumberError, mask, parse


class LookupFailed(LookupError):
    """No such resident, or the number itself is wrong; the message is safe to show and log."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind  # "invalid" or "not_found"


def find_resident(session: Session, id_text: str) -> Resident:
    """The resident with this ID number (any accepted spelling), loaded with household,
    building, grid and community; raises LookupFailed without auditing."""
    try:
        info = parse(id_text)
    except IdNumberError as exc:
        raise LookupFailed(f"身份证号无效：{exc}", "invalid") from None
    stmt = (
        select(Resident)
        .where(Resident.id_number == info.number)
        .options(
            joinedload(Resident.household)
            .joinedload(Household.building)
            .joinedload(Building.grid)
            .joinedload(Grid.community)
            .joinedload(Community.street),
            joinedload(Resident.household).selectinload(Household.members),
            selectinload(Resident.tags),
        )
    )
    resident = session.scalars(stmt).unique().one_or_none()
    if resident is None:
        raise LookupFailed(f"人口库中没有身份证号为 {mask(info.number)} 的居民", "not_found")
    return resident


def age_tags(session: Session) -> list[Tag]:
    return list(session.scalars(select(Tag).where((Tag.min_age.is_not(None)) | (Tag.max_age.is_not(None)))))


def tags_of(resident: Resident, rule_tags: list[Tag], today: dt.date) -> list[Tag]:
    """Assigned tags plus the age tags that apply today, in the centre's tag order."""
    age = resident.age_on(today)
    found = {t.id: t for t in resident.tags}
    found.update({t.id: t for t in rule_tags if t.applies_to_age(age)})
    return sorted(found.values(), key=lambda t: (t.sort_order, t.id))


def lookup(
    session: Session,
    id_text: str,
    *,
    actor: str,
    purpose: str = "查询居民信息",
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The resident as a plain dict (see ``resident_json``), audited. The caller commits."""
    resident = find_resident(session, id_text)
    audit.record(session, actor=actor, action="lookup", resident=resident, purpose=purpose)
    return resident_json(session, resident, today or dt.date.today())


def resident_json(session: Session, resident: Resident, today: dt.date) -> dict[str, Any]:
    rule_tags = age_tags(session)
    data: dict[str, Any] = {
        "id_number": resident.id_number,
        "name": resident.name,
        "sex": resident.sex,
        "age": resident.age_on(today),
        "birth_date": resident.birth_date.isoformat(),
        "ethnicity": resident.ethnicity,
        "phone": resident.phone,
        "hukou_address": resident.hukou_address,
        "current_address": resident.current_address,
        "relation_to_head": resident.relation_to_head,
        "card": {
            "authority": resident.card_authority,
            "valid_from": _iso(resident.card_valid_from),
            "valid_to": "长期" if resident.card_long_term else _iso(resident.card_valid_to),
        },
        "tags": [{"code": t.code, "name": t.name, "color": t.color} for t in tags_of(resident, rule_tags, today)],
        "household": None,
        "building": None,
        "grid": None,
        "community": None,
    }
    household = resident.household
    if household is None:
        return data
    building = household.building
    grid = building.grid
    community = grid.community
    head = household.head
    data["household"] = {
        "unit": household.unit,
        "room": household.room,
        "label": household.label,
        "head": head.name if head else None,
        "members": [
            {
                "name": m.name,
                "relation_to_head": m.relation_to_head,
                "sex": m.sex,
                "age": m.age_on(today),
                "id_number": mask(m.id_number),
            }
            for m in household.members
        ],
    }
    data["building"] = {"name": building.name, "address": building.address, "units": building.units}
    leader = session.scalar(
        select(GridStaff).where(GridStaff.grid_id == grid.id, GridStaff.role == GRID_LEADER).limit(1)
    )
    data["grid"] = {
        "code": grid.code,
        "name": grid.name,
        "leader": {"name": leader.name, "phone": leader.phone} if leader else None,
        "hotline": grid.hotline,
    }
    data["community"] = {"code": community.code, "name": community.name, "street": community.street.name}
    return data


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class DeskRecord:
    """Everything the resident panel shows, read in one short transaction."""

    record: dict[str, Any]
    photo: bytes | None
    cases: list  # CaseRow, newest first


def lookup_for_desk(
    session: Session, id_text: str, *, actor: str, purpose: str, today: dt.date | None = None
) -> DeskRecord:
    """The audited lookup plus the photo and the person's cases. The caller commits."""
    from app.services.cases import CaseFilter, find_cases

    today = today or dt.date.today()
    record = lookup(session, id_text, actor=actor, purpose=purpose, today=today)
    resident_id = session.scalar(select(Resident.id).where(Resident.id_number == record["id_number"]))
    photo = session.get(ResidentPhoto, resident_id)
    cases = find_cases(session, CaseFilter(applicant_id_number=record["id_number"], limit=50), today=today)
    return DeskRecord(record, photo.image if photo else None, cases)
