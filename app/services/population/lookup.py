"""Finding a resident by ID number, with everything the front desk shows about them.

Every successful lookup writes an audit entry in the same transaction as the read, so a shown
record is always accounted for (who, when, whose, why).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Engine, bindparam, func, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from app.models import (
    LIVING,
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
from app.services.common import audit, driver_sql
from app.services.common.idcard import IdNumberError, mask, parse, stored_form
from app.services.population.resident_record import AGE_RULE, Place, age_tags, build_record, cached_age_tags


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
            members = [m for m in session.scalars(_MEMBERS, {"household_id": household.id}) if m.living]
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
# They are left out in Python, not in the WHERE clause: with ``state`` in it, SQLite (without
# statistics) may walk the index on state, every living resident of the street, instead of the
# household's few rows (200 ms a swipe at 1,000,000 residents).
_MEMBERS = select(Resident).where(Resident.household_id == bindparam("household_id")).order_by(Resident.id)
_TAGS = (
    select(Tag)
    .join(resident_tags, resident_tags.c.tag_id == Tag.id)
    .where(resident_tags.c.resident_id == bindparam("resident_id"))
)


class LookedUp(NamedTuple):
    resident_id: int
    id_number: str
    record: dict[str, Any]  # see app.services.population.resident_record.build_record


def look_up(
    session: Session,
    id_text: str,
    *,
    actor: str,
    purpose: str,
    today: dt.date,
    scope: Scope = WHOLE_STREET,
) -> LookedUp:
    """The audited lookup in the caller's session and transaction (certificates, the search
    dialog, scripts). A resident outside ``scope`` is refused and the refusal audited (run it
    through :func:`keeping_refusals`). The caller commits. The desk's swipe uses :func:`swipe`.
    """
    rule_tags = age_tags(session)
    return _look_up(session, id_text, rule_tags, actor=actor, purpose=purpose, today=today, scope=scope)


def swipe(
    engine: Engine,
    id_text: str,
    *,
    actor: str,
    purpose: str,
    today: dt.date,
    scope: Scope = WHOLE_STREET,
) -> LookedUp:
    """The audited lookup the desk runs on every swipe, in a short transaction of its own on a
    pooled driver connection, committed before it returns; a refusal for scope is committed too
    (its audit entry stays) and then raised.

    It is the lookup at the cost of SQLite and one fsync: no session, no ORM objects. One
    statement reads the resident with the chain of places and the grid leader, one the assigned
    tags, one the household's members; age tags are computed from the birth date; the audit row is
    one INSERT in the same transaction as the reads. A session's begin and commit alone cost about
    0.15 ms, as much as the statements (see docs/PERFORMANCE.md); the panel's other reads (photo,
    cases, certificates) follow in a read of their own.
    """
    raw = engine.raw_connection()
    try:
        connection = driver_sql.DriverConnection(raw.driver_connection, engine.dialect)
        rule_tags = cached_age_tags(engine, lambda: _age_rule_tags(connection))
        connection.begin()
        try:
            found = _look_up(
                connection, id_text, rule_tags, actor=actor, purpose=purpose, today=today, scope=scope
            )
        except LookupFailed as exc:
            if exc.kind == "out_of_scope":
                raw.commit()
            raise
        raw.commit()
        return found
    finally:
        raw.close()  # back to the pool; an unfinished transaction is rolled back there


def _age_rule_tags(connection: driver_sql.DriverConnection) -> list[Tag]:
    return [Tag(**row._asdict()) for row in driver_sql.fetch(connection, _AGE_RULE_ROWS, {})]


def _look_up(
    runner: driver_sql.Runner,
    id_text: str,
    rule_tags: list[Tag],
    *,
    actor: str,
    purpose: str,
    today: dt.date,
    scope: Scope,
) -> LookedUp:
    """Plain rows on the driver's cursor: the ORM's identity map, autoflush and attribute events,
    and SQLAlchemy's execution of each statement, cost more than the statements themselves (see
    docs/PERFORMANCE.md and :mod:`app.services.common.driver_sql`)."""
    number = stored_form(id_text)
    found = driver_sql.fetch(runner, _PERSON, {"number": number}) if number else []
    if not found:
        try:
            number = parse(id_text).number  # what is wrong with it, when something is
        except IdNumberError as exc:
            raise LookupFailed(f"身份证号无效：{exc}", "invalid") from None
        raise LookupFailed(f"人口库中没有身份证号为 {mask(number)} 的居民", "not_found")
    person = found[0]
    place = None if person.household_id is None else Place._make(person[_PLACE_AT:])
    if not scope.allows_grid(place.grid_id if place else None):
        audit.record_row(
            runner,
            actor=actor,
            action="lookup_refused",
            resident_id=person.id,
            subject=mask(number),
            purpose=purpose,
            detail=OUT_OF_SCOPE,
        )
        raise LookupFailed(OUT_OF_SCOPE, "out_of_scope")
    tags = driver_sql.fetch(runner, _TAG_ROWS, {"resident_id": person.id})
    members = (
        [
            m
            for m in driver_sql.fetch(runner, _MEMBER_ROWS, {"household_id": person.household_id})
            if m.state == LIVING
        ]
        if place
        else []
    )
    record = build_record(person, place, members, tags, rule_tags, today)
    audit.record_row(
        runner, actor=actor, action="lookup", resident_id=person.id, subject=mask(number), purpose=purpose
    )
    return LookedUp(person.id, number, record)


_R, _H, _B, _G, _C, _S = (m.__table__ for m in (Resident, Household, Building, Grid, Community, Street))
_STAFF = GridStaff.__table__
_LEADER = _STAFF.alias("leader")
_FIRST_LEADER = (
    select(func.min(_STAFF.c.id))
    .where(_STAFF.c.grid_id == _G.c.id, _STAFF.c.role == GRID_LEADER)
    .scalar_subquery()
)
_PERSON_COLUMNS = [
    _R.c[name]
    for name in (
        "id", "id_number", "name", "sex", "birth_date", "ethnicity", "phone", "hukou_address",
        "current_address", "relation_to_head", "state", "left_on", "moved_to", "notes",
        "card_authority", "card_valid_from", "card_valid_to", "card_long_term",
    )
]  # fmt: skip
_PLACE_AT = len(_PERSON_COLUMNS)  # the row continues with the fields of Place, in its order
_PERSON = (
    select(
        *_PERSON_COLUMNS,
        _R.c.household_id,
        _H.c.unit,
        _H.c.room,
        _B.c.name.label("building_name"),
        _B.c.address.label("building_address"),
        _B.c.units.label("building_units"),
        _G.c.id.label("grid_id"),
        _G.c.code.label("grid_code"),
        _G.c.name.label("grid_name"),
        _G.c.hotline.label("grid_hotline"),
        _LEADER.c.name.label("leader_name"),
        _LEADER.c.phone.label("leader_phone"),
        _C.c.code.label("community_code"),
        _C.c.name.label("community_name"),
        _S.c.name.label("street_name"),
    )
    .select_from(
        _R.outerjoin(_H, _R.c.household_id == _H.c.id)
        .outerjoin(_B, _H.c.building_id == _B.c.id)
        .outerjoin(_G, _B.c.grid_id == _G.c.id)
        .outerjoin(_C, _G.c.community_id == _C.c.id)
        .outerjoin(_S, _C.c.street_id == _S.c.id)
        .outerjoin(_LEADER, _LEADER.c.id == _FIRST_LEADER)
    )
    .where(_R.c.id_number == bindparam("number"))
)
_TAG_TABLE = Tag.__table__
_AGE_RULE_ROWS = select(*_TAG_TABLE.c).where(AGE_RULE)
_TAG_ROWS = (
    select(_TAG_TABLE.c.id, _TAG_TABLE.c.code, _TAG_TABLE.c.name, _TAG_TABLE.c.color, _TAG_TABLE.c.sort_order)
    .join(resident_tags, resident_tags.c.tag_id == _TAG_TABLE.c.id)
    .where(resident_tags.c.resident_id == bindparam("resident_id"))
)
_MEMBER_ROWS = (  # living members kept in Python, as for _MEMBERS
    select(_R.c.name, _R.c.relation_to_head, _R.c.sex, _R.c.birth_date, _R.c.id_number, _R.c.state)
    .where(_R.c.household_id == bindparam("household_id"))
    .order_by(_R.c.id)
)


def lookup(
    session: Session,
    id_text: str,
    *,
    actor: str,
    purpose: str = "查询居民信息",
    today: dt.date | None = None,
    scope: Scope = WHOLE_STREET,
) -> dict[str, Any]:
    """The resident as a plain dict (see ``build_record``), audited. The caller commits."""
    today = today or dt.date.today()
    return look_up(session, id_text, actor=actor, purpose=purpose, today=today, scope=scope).record
