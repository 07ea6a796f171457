"""The population base in figures: living residents, households and buildings by grid, an age
pyramid by sex in five-year bands, and key-group tags by grid. Only residents in the state
``living`` count (moved and dead people keep their rows but are not living here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import Session

from app.models import LIVING, Building, Grid, Household, Resident, Tag, resident_tags
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


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def population_report(
    session: Session, *, scope: Scope = WHOLE_STREET, as_of: dt.date | None = None
) -> PopulationReport:
    as_of = as_of or dt.date.today()
    living = and_(Resident.state == LIVING, scope.grid_filter(Building.grid_id))
    in_grid = (
        select(Building.grid_id, func.count(Resident.id), func.count(distinct(Resident.household_id)))
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(living)
        .group_by(Building.grid_id)
    )
    people = {g: (r, h) for g, r, h in session.execute(in_grid)}
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
    return PopulationReport(as_of, grids, _ages(session, living, as_of), _tags(session, living))


def _ages(session: Session, living, as_of: dt.date) -> tuple[AgeBand, ...]:
    # Someone is at least N years old on as_of when born on or before the day N years earlier.
    band = case(
        *[(Resident.birth_date <= _years_before(as_of, low), low) for low in range(TOP, 0, -BAND)],
        else_=0,
    )
    stmt = (
        select(band, Resident.sex, func.count(Resident.id))
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(living)
        .group_by(band, Resident.sex)
    )
    counts: dict[tuple[int, str], int] = {(low, sex): n for low, sex, n in session.execute(stmt)}
    oldest = max((low for low, _ in counts), default=-1)
    return tuple(
        AgeBand(low, counts.get((low, "male"), 0), counts.get((low, "female"), 0))
        for low in range(0, oldest + 1, BAND)
    )


def _tags(session: Session, living) -> tuple[TagCount, ...]:
    stmt = (
        select(Tag.code, Tag.name, Grid.code, Grid.name, func.count(Resident.id))
        .select_from(resident_tags)
        .join(Tag, Tag.id == resident_tags.c.tag_id)
        .join(Resident, Resident.id == resident_tags.c.resident_id)
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .join(Grid, Grid.id == Building.grid_id)
        .where(living)
        .group_by(Tag.code, Tag.name, Grid.code, Grid.name)
        .order_by(func.min(Tag.sort_order), Tag.code, Grid.code)
    )
    return tuple(TagCount(*row) for row in session.execute(stmt))
