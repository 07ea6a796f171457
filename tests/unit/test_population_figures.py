"""The population figures are counted from indexes (age bands as ranges of birth dates, households
from the grid kept on each resident row): they must equal a count of the register done person by
person in Python, on awkward days too (29 February, a birthday on the report's day, a centenarian)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import select

from app.models import LIVING, Building, Household, Resident
from app.services.admin.scope import Scope
from app.services.reports.population_figures import BAND, TOP, age_on, born_by, population_report

DAYS = [dt.date(2026, 11, 23), dt.date(2028, 2, 29), dt.date(2027, 2, 28), dt.date(2026, 3, 1)]


def _by_hand(session, as_of: dt.date, grids: set[int] | None = None):
    rows = session.execute(
        select(Resident.birth_date, Resident.sex, Resident.household_id, Building.grid_id)
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(Resident.state == LIVING)
    ).all()
    rows = [r for r in rows if grids is None or r.grid_id in grids]
    bands = Counter((min(max(age_on(r.birth_date, as_of), 0) // BAND * BAND, TOP), r.sex) for r in rows)
    people = Counter(r.grid_id for r in rows)
    households = Counter(grid for grid, _ in {(r.grid_id, r.household_id) for r in rows})
    return bands, people, households


@pytest.fixture
def awkward(demo_db):
    """Living residents born on 29 February, on a report day's date, and a hundred years ago."""
    with demo_db.sessions.begin() as session:
        living = session.scalars(
            select(Resident).where(Resident.state == LIVING, Resident.household_id.is_not(None)).limit(6)
        ).all()
        for person, born in zip(
            living,
            [dt.date(2004, 2, 29), dt.date(2024, 2, 29), dt.date(2001, 11, 23), dt.date(1926, 11, 23),
             dt.date(1926, 11, 24), dt.date(2027, 1, 1)],  # the last is born after one report day
            strict=True,
        ):  # fmt: skip
            person.birth_date = born
    return demo_db


@pytest.mark.parametrize("as_of", DAYS)
def test_age_bands_and_households_equal_a_count_person_by_person(awkward, as_of):
    with awkward.sessions() as session:
        report = population_report(session, as_of=as_of)
        bands, people, households = _by_hand(session, as_of)
        grid_ids = dict(session.execute(select(Building.grid_id, Building.grid_id)).all())
    assert {
        (b.low, sex): n for b in report.ages for sex, n in (("male", b.male), ("female", b.female)) if n
    } == {key: n for key, n in bands.items()}
    oldest = max(low for low, _ in bands)
    assert [b.low for b in report.ages] == list(range(0, oldest + 1, BAND))  # every band up to the oldest
    assert report.residents == sum(people.values())
    assert sum(g.households for g in report.grids) == sum(households.values())
    assert grid_ids  # the demo street has buildings in grids


def test_one_grid_is_counted_alone(awkward):
    with awkward.sessions() as session:
        grid_id = session.scalar(select(Building.grid_id).limit(1))
        report = population_report(session, scope=Scope(frozenset({grid_id})), as_of=DAYS[0])
        bands, people, households = _by_hand(session, DAYS[0], {grid_id})
    assert [(g.residents, g.households) for g in report.grids] == [(people[grid_id], households[grid_id])]
    assert sum(b.male + b.female for b in report.ages) == people[grid_id]
    assert {(b.low, "male"): b.male for b in report.ages if b.male} == {
        k: n for k, n in bands.items() if k[1] == "male"
    }


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (dt.date(2026, 11, 23), 5, dt.date(2021, 11, 23)),
        (dt.date(2028, 2, 29), 1, dt.date(2027, 2, 28)),  # no 29 February in 2027
        (dt.date(2028, 2, 29), 4, dt.date(2024, 2, 29)),
    ],
)
def test_born_by_is_the_last_birth_date_of_that_age(day, years, expected):
    assert born_by(day, years) == expected
    assert age_on(expected, day) == years and age_on(expected + dt.timedelta(days=1), day) == years - 1
