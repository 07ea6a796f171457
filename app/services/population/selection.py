"""Choosing residents by age, tag and grid: the list behind a batch of forms (e.g. 高龄津贴 for
everyone aged 80 or over), and the grids and tags there are to choose from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import LIVING, Building, Grid, Household, Resident, Tag, resident_tags
from app.services.admin.scope import WHOLE_STREET, Scope


@dataclass(frozen=True)
class ResidentFilter:
    min_age: int | None = None  # inclusive
    max_age: int | None = None  # inclusive
    tag_code: str | None = None  # an assigned tag (age tags are min/max age)
    grid_code: str | None = None
    limit: int = 20_000


def _birthday_years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def matching_residents(
    session: Session, flt: ResidentFilter, *, today: dt.date, scope: Scope = WHOLE_STREET
) -> list[Resident]:
    """Residents living here within ``scope``, in ID order (nobody who moved away or died); ages
    are worked out from the birth date as of ``today``."""
    stmt = (
        select(Resident)
        .options(selectinload(Resident.household))
        .where(Resident.state == LIVING, scope.resident_filter())
    )
    if flt.min_age is not None:
        stmt = stmt.where(Resident.birth_date <= _birthday_years_ago(today, flt.min_age))
    if flt.max_age is not None:
        born_after = _birthday_years_ago(today, flt.max_age + 1)
        stmt = stmt.where(Resident.birth_date > born_after)
    if flt.tag_code:
        stmt = (
            stmt.join(resident_tags, resident_tags.c.resident_id == Resident.id)
            .join(Tag, Tag.id == resident_tags.c.tag_id)
            .where(Tag.code == flt.tag_code)
        )
    if flt.grid_code:
        stmt = (
            stmt.join(Household, Resident.household_id == Household.id)
            .join(Building, Household.building_id == Building.id)
            .join(Grid, Building.grid_id == Grid.id)
            .where(Grid.code == flt.grid_code)
        )
    return list(session.scalars(stmt.order_by(Resident.id).limit(flt.limit)))


class Choice(NamedTuple):
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class FilterChoices:
    """What a :class:`ResidentFilter` can be narrowed to, for a form's combo boxes."""

    grids: list[Choice]
    tags: list[Choice]  # assigned tags only: age tags are chosen by age


def filter_choices(session: Session, scope: Scope = WHOLE_STREET) -> FilterChoices:
    grids = session.execute(
        select(Grid.code, Grid.name).where(scope.grid_filter(Grid.id)).order_by(Grid.code)
    )
    tags = session.execute(
        select(Tag.code, Tag.name)
        .where(Tag.min_age.is_(None) & Tag.max_age.is_(None))
        .order_by(Tag.sort_order)
    )
    return FilterChoices([Choice(*row) for row in grids], [Choice(*row) for row in tags])
