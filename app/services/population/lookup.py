"""Finding a resident by ID number, with everything the front desk shows about them.

Every successful lookup writes an audit entry in the same transaction as the read, so a shown
record is always accounted for (who, when, whose, why).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from app.models import (
    LIVING,
    RESIDENT_STATES,
    Building,
    Community,
    Grid,
    GridStaff,
    Household,
    Resident,
    Street,
    Tag,
    resident_tags,
)
from app.models.staff import GRID_LEADER
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.common import audit
from app.services.common.idcard import IdNumberError, mask, parse


class LookupFailed(LookupError):
    """No such resident, or the number itself is wrong; the message is safe to show and log."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind  # "invalid", "not_found" or "out_of_scope"


OUT_OF_SCOPE = "该居民不在您负责的网格"
T = TypeVar("T")


def find_resident_in_scope(
    session: Session, id_text: str, scope: Scope, *, actor: str, purpose: str
) -> Resident:
    """``find_resident`` for a signed-in person: a resident outside their grids is refused
    (LookupFailed, kind "out_of_scope") and the refusal is audited in ``session``; run it through
    :func:`keeping_refusals` so that entry is committed though the read fails."""
    resident = find_resident(session, id_text)
    if not scope.allows_resident(session, resident):
        audit.record(
            session,
            actor=actor,
            action="lookup_refused",
            resident=resident,
            purpose=purpose,
            detail=OUT_OF_SCOPE,
        )
        raise LookupFailed(OUT_OF_SCOPE, "out_of_scope")
    return resident


def keeping_refusals(sessions: sessionmaker[Session], read: Callable[[Session], T]) -> T:
    """Run ``read`` in a transaction of its own that is committed even when it ends in a lookup
    refused for scope, so the audit log keeps the refused attempt."""
    refused: LookupFailed | None = None
    with sessions.begin() as session:
        try:
            return read(session)
        except LookupFailed as exc:
            if exc.kind != "out_of_scope":
                raise
            refused = exc
    raise refused


def find_resident(session: Session, id_text: str) -> Resident:
    """The resident with this ID number (any accepted spelling), whatever their state, loaded with
    household, building, grid, community, the household's living members and tags; raises
    LookupFailed without auditing.

    One joined SELECT for the chain of places and two small ones for members and tags, attached
    to the objects directly: a swipe at the desk stays within a few milliseconds with a million
    residents (chained eager-loading options cost several times more in the ORM).
    """
    try:
        info = parse(id_text)
    except IdNumberError as exc:
        raise LookupFailed(f"身份证号无效：{exc}", "invalid") from None
    with session.no_autoflush:
        row = session.execute(_FIND, {"number": info.number}).first()
        if row is None:
            raise LookupFailed(f"人口库中没有身份证号为 {mask(info.number)} 的居民", "not_found")
        resident, household = row[0], row[1]
        tags = list(session.scalars(_TAGS, {"resident_id": resident.id}))
        set_committed_value(resident, "tags", tags)
        if household is not None:
            members = list(session.scalars(_MEMBERS, {"household_id": household.id}))
            set_committed_value(household, "members", members)
            # Held by the resident: the session keeps objects only weakly, and a household
            # collected here would come back lazily with every member, living or not.
            set_committed_value(resident, "household", household)
    return resident


_FIND = (
    select(Resident, Household, Building, Grid, Community, Street)
    .outerjoin(Household, Resident.household_id == Household.id)
    .outerjoin(Building, Household.building_id == Building.id)
    .outerjoin(Grid, Building.grid_id == Grid.id)
    .outerjoin(Community, Grid.community_id == Community.id)
    .outerjoin(Street, Community.street_id == Street.id)
    .where(Resident.id_number == bindparam("number"))
)
# The household as it lives now: members who moved away or died are in their own records only.
_MEMBERS = (
    select(Resident)
    .where(Resident.household_id == bindparam("household_id"), Resident.state == LIVING)
    .order_by(Resident.id)
)
_TAGS = (
    select(Tag)
    .join(resident_tags, resident_tags.c.tag_id == Tag.id)
    .where(resident_tags.c.resident_id == bindparam("resident_id"))
)
_AGE_TAGS_TTL = 60.0  # seconds: an administrator's change of an age rule shows within a minute
_age_tag_cache: dict[tuple[int, str], tuple[float, list[Tag]]] = {}


def age_tags(session: Session) -> list[Tag]:
    """The tags that follow from age. Cached briefly per database: they change only when an
    administrator edits them, and every lookup needs them."""
    bind = session.get_bind()
    key = (id(bind), str(bind.url))
    now = time.monotonic()
    cached = _age_tag_cache.get(key)
    if cached is not None and now - cached[0] < _AGE_TAGS_TTL:
        return cached[1]
    tags = list(session.scalars(select(Tag).where(Tag.min_age.is_not(None) | Tag.max_age.is_not(None))))
    _age_tag_cache[key] = (now, [_detached_copy(t) for t in tags])
    return _age_tag_cache[key][1]


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
    age = resident.age_on(today)
    found = {t.id: t for t in resident.tags}
    found.update({t.id: t for t in rule_tags if t.applies_to_age(age)})
    return sorted(found.values(), key=lambda t: (t.sort_order, t.id))


class LookedUp(NamedTuple):
    resident: Resident
    record: dict[str, Any]  # see resident_json


def look_up(
    session: Session,
    id_text: str,
    *,
    actor: str,
    purpose: str,
    today: dt.date,
    scope: Scope = WHOLE_STREET,
) -> LookedUp:
    """The audited lookup, keeping the loaded resident for callers that read more about them
    (the desk's photo) without asking the database for it again. A resident outside ``scope`` is
    refused (see :func:`find_resident_in_scope`). The caller commits."""
    resident = find_resident_in_scope(session, id_text, scope, actor=actor, purpose=purpose)
    with session.no_autoflush:  # read everything first, then add the audit row
        record = resident_json(session, resident, today)
    audit.record(session, actor=actor, action="lookup", resident=resident, purpose=purpose)
    return LookedUp(resident, record)


def lookup(
    session: Session,
    id_text: str,
    *,
    actor: str,
    purpose: str = "查询居民信息",
    today: dt.date | None = None,
    scope: Scope = WHOLE_STREET,
) -> dict[str, Any]:
    """The resident as a plain dict (see ``resident_json``), audited. The caller commits."""
    today = today or dt.date.today()
    return look_up(session, id_text, actor=actor, purpose=purpose, today=today, scope=scope).record


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
        "state": resident.state,  # living / moved / dead: the lookup finds everyone, and says which
        "state_name": RESIDENT_STATES.get(resident.state, resident.state),
        "left_on": _iso(resident.left_on),
        "moved_to": resident.moved_to or None,
        "notes": resident.notes,
        "card": {
            "authority": resident.card_authority,
            "valid_from": _iso(resident.card_valid_from),
            "valid_to": "长期" if resident.card_long_term else _iso(resident.card_valid_to),
        },
        "tags": [
            {"code": t.code, "name": t.name, "color": t.color} for t in tags_of(resident, rule_tags, today)
        ],
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
            if m.living  # the household as it lives now (a certificate lists living members only)
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
