"""What the desk's upkeep dialogs choose from: households found by building, room or head's
name, and the members of one household, each narrowed to the signed-in person's scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from app.models import HEAD_RELATION, LIVING, Building, Household, Resident
from app.services.admin.scope import Scope
from app.services.population.changes import find_in_scope


@dataclass(frozen=True, slots=True)
class HouseholdChoice:
    id: int
    label: str  # 和平里1号楼1单元101室
    head: str  # the living head's name, "" when none
    living: int  # living members


def find_households(session: Session, text: str, *, scope: Scope, limit: int = 50) -> list[HouseholdChoice]:
    """Households whose building, room (如 1号楼 502) or head's name holds ``text``, in building
    order; an empty text finds nothing (the register is long)."""
    words = text.split()
    if not words:
        return []
    head = aliased(Resident)
    living = (
        select(func.count(Resident.id))
        .where(Resident.household_id == Household.id, Resident.state == LIVING)
        .scalar_subquery()
    )
    stmt = (
        select(Household, head.name, living)
        .join(Building, Household.building_id == Building.id)
        .outerjoin(
            head,
            (head.household_id == Household.id)
            & (head.relation_to_head == HEAD_RELATION)
            & (head.state == LIVING),
        )
        .where(scope.grid_filter(Building.grid_id))
    )
    for word in words:
        like = f"%{word}%"
        stmt = stmt.where(
            or_(
                Building.name.like(like),
                (
                    Building.name + func.cast(Household.unit, Building.name.type) + "单元" + Household.room
                ).like(like),
                Household.room == word,
                head.name.like(like),
            )
        )
    stmt = stmt.order_by(Building.sort_order, Building.id, Household.unit, Household.room).limit(limit)
    return [HouseholdChoice(h.id, h.label, name or "", count) for h, name, count in session.execute(stmt)]


@dataclass(frozen=True, slots=True)
class MemberChoice:
    id_number: str  # full: the dialogs hand it back to the use cases
    name: str
    relation_to_head: str
    living: bool


def household_members(session: Session, id_text: str, *, scope: Scope) -> list[MemberChoice]:
    """The members of the household of the resident ``id_text`` (the living ones first)."""
    resident = find_in_scope(session, id_text, scope)
    if resident.household is None:
        return []
    members = sorted(resident.household.members, key=lambda m: (not m.living, m.id))
    return [MemberChoice(m.id_number, m.name, m.relation_to_head, m.living) for m in members]
