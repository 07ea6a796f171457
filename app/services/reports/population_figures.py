"""The population base in figures: living residents, households and buildings by grid, an age
pyramid by sex in five-year bands, and key-group tags by grid. Only residents in the state
``living`` count (moved and dead people keep their rows but are not living here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.models import LIVING, Building, Grid, Resident, Tag, resident_tags
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.reports.figures import Figure

BAND = 5
TOP = 100  # the last band is "100岁及以上"


@dataclass(frozen=True, slots=True)
class GridPopulation:
    code: str
    name: str
    residents: int
    households: int
    buildings: int

    def figures(self) -> list[Figure]:
        return [
            Figure("population.residents", self.residents, "grid", self.code, self.name),
            Figure("population.households", self.households, "grid", self.code, self.name),
            Figure("population.buildings", self.buildings, "grid", self.code, self.name),
        ]


@dataclass(frozen=True, slots=True)
class AgeBand:
    low: int  # inclusive; the band is low to low+4, or 100 and over
    male: int
    female: int

    @property
    def label(self) -> str:
        return f"{self.low}岁及以上" if self.low >= TOP else f"{self.low}-{self.low + BAND - 1}岁"


@dataclass(frozen=True, slots=True)
class TagCount:
    tag: str  # code
    tag_name: str
    grid: str  # grid code
    grid_name: str
    residents: int


@dataclass(frozen=True, slots=True)
class PopulationReport:
    as_of: dt.date
    grids: tuple[GridPopulation, ...]
    ages: tuple[AgeBand, ...]  # youngest first, every band up to the oldest resident
    tags: tuple[TagCount, ...]

    @property
    def residents(self) -> int:
        return sum(g.residents for g in self.grids)

    def figures(self, by: str = "") -> list[Figure]:
        out = [
            Figure("population.residents", self.residents),
            Figure("population.households", sum(g.households for g in self.grids)),
            Figure("population.buildings", sum(g.buildings for g in self.grids)),
            Figure("population.male", sum(b.male for b in self.ages)),
            Figure("population.female", sum(b.female for b in self.ages)),
        ]
        if by == "grid":
            for grid in self.grids:
                out.extend(grid.figures())
        elif by == "age":
            for band in self.ages:
                key = str(band.low)
                out.append(Figure("population.male", band.male, "age", key, band.label))
                out.append(Figure("population.female", band.female, "age", key, band.label))
        elif by == "tag":
            totals: dict[tuple[str, str], int] = {}
            for t in self.tags:
                totals[(t.tag, t.tag_name)] = totals.get((t.tag, t.tag_name), 0) + t.residents
            out += [
                Figure(f"population.tag.{code}", n, "tag", code, name) for (code, name), n in totals.items()
            ]
            out += [
                Figure(f"population.tag.{t.tag}", t.residents, "grid", t.grid, t.grid_name) for t in self.tags
            ]
        return out


def population_report(
    session: Session, *, scope: Scope = WHOLE_STREET, as_of: dt.date | None = None
) -> PopulationReport:
    """Counted from the grid the database keeps on each resident row (migration 0024) and from
    covering indexes alone (migrations 0032 and 0033), so a million residents take tenths of a
    second: the households and buildings tables are not joined."""
    as_of = as_of or dt.date.today()
    living = and_(Resident.state == LIVING, Resident.household_id.is_not(None), scope.resident_filter())
    # One row per household, read in the order of ix_residents_household with nothing to sort.
    # Its members share one grid (the database keeps it so); max() names it portably.
    per_household = (
        select(func.max(Resident.grid_id).label("grid_id"), func.count().label("people"))
        .where(living)
        .group_by(Resident.household_id)
        .subquery()
    )
    in_grid = select(per_household.c.grid_id, func.sum(per_household.c.people), func.count()).group_by(
        per_household.c.grid_id
    )
    people = {g: (int(r), h) for g, r, h in session.execute(in_grid)}
    buildings = dict(
        session.execute(
            select(Building.grid_id, func.count(Building.id))
            .where(scope.grid_filter(Building.grid_id))
            .group_by(Building.grid_id)
        ).all()
    )
    grid_rows = session.execute(
        select(Grid.id, Grid.code, Grid.name).where(scope.grid_filter(Grid.id)).order_by(Grid.code)
    ).all()
    grids = tuple(
        GridPopulation(code, name, *people.get(gid, (0, 0)), buildings.get(gid, 0))
        for gid, code, name in grid_rows
    )
    names = {gid: (code, name) for gid, code, name in grid_rows}
    return PopulationReport(as_of, grids, _ages(session, living, as_of), _tags(session, living, names))


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def born_by(day: dt.date, years: int) -> dt.date:
    """The last birth date of someone ``years`` old or older on ``day``: the same day ``years``
    earlier, or 28 February when that day is a 29 February the earlier year does not have."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _ages(session: Session, living, as_of: dt.date) -> tuple[AgeBand, ...]:
    # A band is a range of birth dates, so each is one range of the birth-date index, counted by
    # sex in the same pass: no resident row is read and nothing is sorted.
    male, female = (
        func.coalesce(func.sum(case((Resident.sex == sex, 1), else_=0)), 0) for sex in ("male", "female")
    )
    counts: dict[int, tuple[int, int]] = {}
    for low in range(0, TOP + 1, BAND):
        in_band = [Resident.birth_date <= born_by(as_of, low)] if low else []
        if low < TOP:
            in_band.append(Resident.birth_date > born_by(as_of, low + BAND))
        counts[low] = tuple(session.execute(select(male, female).where(living, *in_band)).one())
    oldest = max((low for low, pair in counts.items() if any(pair)), default=-1)
    return tuple(AgeBand(low, *counts[low]) for low in range(0, oldest + 1, BAND))


def _tags(session: Session, living, grids: dict[int, tuple[str, str]]) -> tuple[TagCount, ...]:
    stmt = (
        select(resident_tags.c.tag_id, Resident.grid_id, func.count())
        .select_from(resident_tags)
        .join(Resident, Resident.id == resident_tags.c.resident_id)
        .where(living)
        .group_by(resident_tags.c.tag_id, Resident.grid_id)
    )
    tags = {t.id: t for t in session.scalars(select(Tag))}
    rows = [
        TagCount(tags[tag_id].code, tags[tag_id].name, *grids[grid_id], n)
        for tag_id, grid_id, n in session.execute(stmt)
        if grid_id in grids
    ]
    order = {t.code: (t.sort_order, t.code) for t in tags.values()}
    return tuple(sorted(rows, key=lambda r: (order[r.tag], r.grid)))
