"""What the desk and the certificates show about one resident, as a plain dict.

The dict is built in one place from plain values, so the desk's lookup (which reads rows with
plain selects, see :mod:`app.services.population.lookup`) and the certificates (which hold the
resident as an ORM object inside a larger transaction) show exactly the same thing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import RESIDENT_STATES, GridStaff, Resident, Tag
from app.models.population import HEAD_RELATION, LIVING, age_on
from app.models.staff import GRID_LEADER
from app.services.common.idcard import mask


class Place(NamedTuple):
    """Where a resident lives, from the household up to the street, and who leads their grid."""

    household_id: int
    unit: int
    room: str
    building_name: str
    building_address: str
    building_units: int
    grid_id: int
    grid_code: str
    grid_name: str
    grid_hotline: str
    leader_name: str | None
    leader_phone: str | None
    community_code: str
    community_name: str
    street_name: str


class Person(Protocol):
    """A resident's own fields: an ORM ``Resident`` or a row labelled like it."""

    id_number: str
    name: str
    sex: str
    birth_date: dt.date
    relation_to_head: str


class TagLike(Protocol):
    id: int
    code: str
    name: str
    color: str
    sort_order: int


_AGE_TAGS_TTL = 60.0  # seconds: an administrator's change of an age rule shows within a minute
_age_tag_cache: dict[tuple[int, str], tuple[float, list[Tag]]] = {}


def age_tags(session: Session) -> list[Tag]:
    """The tags that follow from age. Cached briefly per database: they change only when an
    administrator edits them, and every lookup needs them, so a swipe computes them from the
    birth date instead of asking the database."""
    return cached_age_tags(session.get_bind(), lambda: list(session.scalars(select(Tag).where(AGE_RULE))))


def cached_age_tags(bind: Any, load: Callable[[], Iterable[Tag]]) -> list[Tag]:
    """:func:`age_tags` for any reader: ``load`` is called when the engine's cached copy is missing
    or older than a minute (the swipe loads them on its own driver connection)."""
    key = (id(bind), bind.url.database or "")  # not str(url): that renders and quotes it every swipe
    now = time.monotonic()
    cached = _age_tag_cache.get(key)
    if cached is not None and now - cached[0] < _AGE_TAGS_TTL:
        return cached[1]
    _age_tag_cache[key] = (now, [_detached_copy(t) for t in load()])
    return _age_tag_cache[key][1]


AGE_RULE = Tag.min_age.is_not(None) | Tag.max_age.is_not(None)


def _detached_copy(tag: Tag) -> Tag:
    return Tag(
        id=tag.id,
        code=tag.code,
        name=tag.name,
        color=tag.color,
        min_age=tag.min_age,
        max_age=tag.max_age,
        sort_order=tag.sort_order,
        description=tag.description,
    )


def tags_of(resident: Resident, rule_tags: list[Tag], today: dt.date) -> list[Tag]:
    """Assigned tags plus the age tags that apply today, in the centre's tag order."""
    return _ordered_tags(resident.tags, rule_tags, resident.age_on(today))


def _ordered_tags(assigned: Iterable[TagLike], rule_tags: list[Tag], age: int) -> list[TagLike]:
    found: dict[int, TagLike] = {t.id: t for t in assigned}
    found.update({t.id: t for t in rule_tags if t.applies_to_age(age)})
    return sorted(found.values(), key=lambda t: (t.sort_order, t.id))


def build_record(
    person: Any,
    place: Place | None,
    members: Iterable[Person],
    assigned_tags: Iterable[TagLike],
    rule_tags: list[Tag],
    today: dt.date,
) -> dict[str, Any]:
    """The record shown for ``person``; ``members`` are the household's living members in
    register order (a certificate lists living members only)."""
    age = age_on(person.birth_date, today)
    data: dict[str, Any] = {
        "id_number": person.id_number,
        "name": person.name,
        "sex": person.sex,
        "age": age,
        "birth_date": person.birth_date.isoformat(),
        "ethnicity": person.ethnicity,
        "phone": person.phone,
        "hukou_address": person.hukou_address,
        "current_address": person.current_address,
        "relation_to_head": person.relation_to_head,
        "state": person.state,  # living / moved / dead: the lookup finds everyone, and says which
        "state_name": RESIDENT_STATES.get(person.state, person.state),
        "left_on": _iso(person.left_on),
        "moved_to": person.moved_to or None,
        "notes": person.notes,
        "card": {
            "authority": person.card_authority,
            "valid_from": _iso(person.card_valid_from),
            "valid_to": "长期" if person.card_long_term else _iso(person.card_valid_to),
        },
        "tags": [
            {"code": t.code, "name": t.name, "color": t.color}
            for t in _ordered_tags(assigned_tags, rule_tags, age)
        ],
        "household": None,
        "building": None,
        "grid": None,
        "community": None,
    }
    if place is None:
        return data
    members = list(members)
    head = next((m for m in members if m.relation_to_head == HEAD_RELATION), None)
    data["household"] = {
        "unit": place.unit,
        "room": place.room,
        "label": f"{place.building_name}{place.unit}单元{place.room}室",
        "head": head.name if head else None,
        "members": [
            {
                "name": m.name,
                "relation_to_head": m.relation_to_head,
                "sex": m.sex,
                "age": age_on(m.birth_date, today),
                "id_number": mask(m.id_number),
            }
            for m in members
        ],
    }
    data["building"] = {
        "name": place.building_name,
        "address": place.building_address,
        "units": place.building_units,
    }
    leader = (
        {"name": place.leader_name, "phone": place.leader_phone} if place.leader_name is not None else None
    )
    data["grid"] = {
        "code": place.grid_code,
        "name": place.grid_name,
        "leader": leader,
        "hotline": place.grid_hotline,
    }
    data["community"] = {
        "code": place.community_code,
        "name": place.community_name,
        "street": place.street_name,
    }
    return data


def resident_json(session: Session, resident: Resident, today: dt.date) -> dict[str, Any]:
    """:func:`build_record` for a resident held as an ORM object (certificates, registers)."""
    household = resident.household
    place = None
    members: list[Resident] = []
    if household is not None:
        building = household.building
        grid = building.grid
        community = grid.community
        leader = session.scalar(
            select(GridStaff)
            .where(GridStaff.grid_id == grid.id, GridStaff.role == GRID_LEADER)
            .order_by(GridStaff.id)
            .limit(1)
        )
        place = Place(
            household.id,
            household.unit,
            household.room,
            building.name,
            building.address,
            building.units,
            grid.id,
            grid.code,
            grid.name,
            grid.hotline,
            leader.name if leader else None,
            leader.phone if leader else None,
            community.code,
            community.name,
            community.street.name,
        )
        members = [m for m in household.members if m.state == LIVING]
    return build_record(resident, place, members, resident.tags, age_tags(session), today)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
