"""The rows of the 居民台账 (一人一表 as a list): residents of a grid or with a tag, living here,
moved away or dead, with their household, building, grid and tags."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import RESIDENT_STATES, Building, Grid, Household, Resident, Tag, resident_tags
from app.services.exports.filters import Resolved, check_choice

SEX_NAMES = {"male": "男", "female": "女"}


@dataclass(frozen=True, slots=True)
class ResidentLedgerRow:
    name: str
    sex: str
    id_number: str  # masked unless the reader may see it in full
    birth_date: dt.date
    ethnicity: str
    grid_name: str
    building: str
    room: str  # 单元-房号
    relation_to_head: str
    phone: str
    tags: str  # assigned and age tags, 、-separated
    state: str  # 在册, 已迁出, 已死亡
    left_on: dt.date | None
    address: str


def years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def resident_rows(session: Session, resolved: Resolved, *, today: dt.date) -> list[ResidentLedgerRow]:
    """Residents within the reader's scope and the filter, by grid, building, room; ages (for an
    age tag such as 老年人) as of ``today``."""
    flt = resolved.flt
    check_choice(flt.state, RESIDENT_STATES, "居民状态")
    stmt = (
        select(
            Resident.id,
            Resident.name,
            Resident.sex,
            Resident.id_number,
            Resident.birth_date,
            Resident.ethnicity,
            Grid.name,
            Building.name,
            Household.unit,
            Household.room,
            Resident.relation_to_head,
            Resident.phone,
            Resident.state,
            Resident.left_on,
            Resident.current_address,
        )
        .outerjoin(Household, Resident.household_id == Household.id)
        .outerjoin(Building, Household.building_id == Building.id)
        .outerjoin(Grid, Building.grid_id == Grid.id)
        .where(resolved.scope.resident_filter())
    )
    if resolved.grid_id is not None:
        stmt = stmt.where(Building.grid_id == resolved.grid_id)
    if flt.state:
        stmt = stmt.where(Resident.state == flt.state)
    all_tags = list(session.scalars(select(Tag).order_by(Tag.sort_order, Tag.id)))
    age_tags = [t for t in all_tags if t.min_age is not None or t.max_age is not None]
    if resolved.tag_id is not None:
        tag = next(t for t in all_tags if t.id == resolved.tag_id)
        if tag in age_tags:
            if tag.min_age is not None:
                stmt = stmt.where(Resident.birth_date <= years_ago(today, tag.min_age))
            if tag.max_age is not None:
                stmt = stmt.where(Resident.birth_date > years_ago(today, tag.max_age))
        else:
            stmt = stmt.where(
                Resident.id.in_(select(resident_tags.c.resident_id).where(resident_tags.c.tag_id == tag.id))
            )
    stmt = stmt.order_by(
        Grid.code, Building.sort_order, Building.id, Household.unit, Household.room, Resident.id
    )
    people = session.execute(stmt).all()
    assigned = _assigned_tags(session)
    rows = []
    for r in people:
        age = _age(r[4], today)
        tags = [t.name for t in all_tags if t.id in assigned.get(r[0], ()) or t.applies_to_age(age)]
        rows.append(
            ResidentLedgerRow(
                name=r[1],
                sex=SEX_NAMES.get(r[2], r[2]),
                id_number=resolved.id_text(r[3]),
                birth_date=r[4],
                ethnicity=r[5],
                grid_name=r[6] or "",
                building=r[7] or "",
                room=f"{r[8]}单元{r[9]}" if r[9] else "",
                relation_to_head=r[10],
                phone=resolved.phone_text(r[11]),
                tags="、".join(tags),
                state=RESIDENT_STATES.get(r[12], r[12]),
                left_on=r[13],
                address=r[14],
            )
        )
    return rows


def _assigned_tags(session: Session) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for resident_id, tag_id in session.execute(select(resident_tags.c.resident_id, resident_tags.c.tag_id)):
        found[resident_id].add(tag_id)
    return found


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
