"""Which index drives a search that is confined (to some grids, a tag, a state).

A word read through its own index, each confinement checked row by row, is right for 张伟 or zw;
for a state nobody is in it would walk the whole zh… range to find none. So when the search is
confined, each confinement is sized (a count over a covering index, capped), the word's index
range is counted up to the smallest of them, and the smaller side drives: the confinement is then
added in a form SQLite reads through its index.

Grids are the exception for names: a resident row carries its grid (kept by triggers, migration
0024) and (grid, initials), (grid, pinyin) and (grid, name) are indexed, so a name searched within
some grids reads exactly the grids' part of the range (search.py adds the grid to the name's own
condition); the sizing here still decides for phone and address words.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, select
from sqlalchemy.orm import Session

from app.models import LIVING, Building, Household, Resident, resident_tags
from app.models.population import LEFT_CONDITION

PROBE_CAP = 50_000  # a confinement at least this large never drives
RARE_NAME = 5_000  # a name with fewer residents drives before a room (search._rare_name_first)


@dataclass(frozen=True)
class Confinement:
    key: str  # names it in the cache of sizes
    indexed: ColumnElement[bool]  # the condition in a form SQLite reads through an index
    members: Select  # one row per resident it holds, for sizing


# How many residents a confinement holds changes slowly (a grid gains a household, a tag a
# member): sizes are kept a minute per database, so a grid worker's every keystroke does not
# count their grids again. A stale size only chooses a slower plan, never a wrong answer.
SIZE_TTL = 60.0
_sizes: dict[tuple[int, str, str], tuple[float, int]] = {}


def households_in(grids: frozenset[int]) -> Select:
    """The households of these grids, as a list of buildings: with a room added (502 within the
    grids) SQLite reads (building, room) for each of the grids' buildings; a join would read the
    street's every 502 and look up its building's grid."""
    buildings = select(Building.id).where(Building.grid_id.in_(sorted(grids)))
    return select(Household.id).where(Household.building_id.in_(buildings))


def in_grids(grids: frozenset[int]) -> Confinement:
    """Residents of these grids, through the grid kept on the resident row (migration 0024)."""
    key = "grids:" + ",".join(map(str, sorted(grids)))
    condition = Resident.grid_id.in_(sorted(grids))
    return Confinement(key, condition, select(Resident.id).where(condition))


def in_state(state: str) -> Confinement:
    """Residents in ``state``. Those who left are read through the partial index
    ix_residents_left, which SQLite uses only when the query names its condition word for word;
    the living are nearly everyone and never drive."""
    condition = Resident.state == state
    if state != LIVING:
        condition = and_(literal_column(f"residents.{LEFT_CONDITION}"), condition)
    return Confinement(f"state:{state}", condition, select(Resident.id).where(condition))


def with_tag(tag_id: int) -> Confinement:
    tagged = select(resident_tags.c.resident_id).where(resident_tags.c.tag_id == tag_id)
    return Confinement(f"tag:{tag_id}", Resident.id.in_(tagged), tagged)


def _count(session: Session, stmt: Select, cap: int) -> int:
    return session.scalar(select(func.count()).select_from(stmt.limit(cap).subquery()))


def _size(session: Session, confinement: Confinement) -> int:
    bind = session.get_bind()
    key = (id(bind), str(bind.url), confinement.key)
    now = time.monotonic()
    cached = _sizes.get(key)
    if cached is None or now - cached[0] >= SIZE_TTL:
        cached = (now, _count(session, confinement.members, PROBE_CAP))
        _sizes[key] = cached
    return cached[1]


def fewer_than(session: Session, alternatives: Sequence[ColumnElement[bool]], cap: int) -> bool:
    """Whether the alternatives together match fewer than ``cap`` residents (counted up to it)."""
    found = 0
    for alternative in alternatives:
        found += _count(session, select(Resident.id).where(alternative), cap - found)
        if found >= cap:
            return False
    return True


def driving(
    session: Session, confinements: Sequence[Confinement], alternatives: Sequence[ColumnElement[bool]]
) -> Confinement | None:
    """The confinement that should drive the query, or None when the word's own index should."""
    if not confinements:
        return None
    sized = [(_size(session, c), c) for c in confinements]
    size, smallest = min(sized, key=lambda pair: pair[0])
    if size >= PROBE_CAP:
        return None
    word = 0
    for alternative in alternatives:
        word += _count(session, select(Resident.id).where(alternative), size + 1 - word)
        if word > size:
            return smallest
    return None
