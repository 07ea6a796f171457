"""迁出, 死亡 and 迁回: a person leaves the living population and may come back (from a move only).

Nobody is deleted: the person keeps their row and household, stays findable with the state and
its date, and is no longer offered for certificates, batches, board counts or the kiosk. A head
who leaves a household with living members names the new head.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.models import DEAD, HEAD_RELATION, LIVING, MOVED
from app.services.admin.scope import Scope
from app.services.population import history
from app.services.population.changes import (
    Change,
    UpkeepError,
    check_day,
    find_in_scope,
    head_or_none,
    require_living,
)
from app.services.population.households import make_head, successor_for


def _leave(
    session: Session,
    id_text: str,
    *,
    state: str,
    day: dt.date,
    destination: str,
    new_head: str | None,
    actor: str,
    scope: Scope,
    today: dt.date,
) -> Change:
    person = find_in_scope(session, id_text, scope)
    what = "迁出" if state == MOVED else "死亡"
    require_living(person, f"登记{what}")
    check_day(person, day, today, what)
    household = person.household
    successor = successor_for(household, new_head, [person], what) if household is not None else None
    before = {"state": person.state}
    person.state, person.left_on = state, day
    after = {"state": state, "left_on": day}
    when = f"{day.year}年{day.month}月{day.day}日"
    if state == MOVED:
        person.moved_to = destination
        after["moved_to"] = destination
        summary = f"{person.name}于{when}迁出，迁往{destination}"
    else:
        summary = f"{person.name}于{when}死亡"
    kind = "moved_away" if state == MOVED else "died"
    history.write(session, person, actor=actor, kind=kind, summary=summary, before=before, after=after)
    people = 1
    if successor is not None:
        make_head(session, successor, actor=actor, household=household)
        people += 1
    return Change(kind, summary, person.id_number, people)


def record_moved_away(
    session: Session,
    id_text: str,
    *,
    day: dt.date,
    destination: str,
    actor: str,
    scope: Scope,
    new_head: str | None = None,
    today: dt.date | None = None,
) -> Change:
    """迁出: the date and where to (free text, e.g. 西安市雁塔区); the caller commits."""
    destination = destination.strip()
    if not destination:
        raise UpkeepError("请填写迁往何处")
    return _leave(
        session,
        id_text,
        state=MOVED,
        day=day,
        destination=destination[:200],
        new_head=new_head,
        actor=actor,
        scope=scope,
        today=today or dt.date.today(),
    )


def record_death(
    session: Session,
    id_text: str,
    *,
    day: dt.date,
    actor: str,
    scope: Scope,
    new_head: str | None = None,
    today: dt.date | None = None,
) -> Change:
    """死亡登记 with the date of death; the caller commits."""
    return _leave(
        session,
        id_text,
        state=DEAD,
        day=day,
        destination="",
        new_head=new_head,
        actor=actor,
        scope=scope,
        today=today or dt.date.today(),
    )


def record_return(
    session: Session, id_text: str, *, actor: str, scope: Scope, relation: str | None = None
) -> Change:
    """A person who moved away is living here again, in their household; ``relation`` when they
    were its head and it has a head now. The caller commits."""
    person = find_in_scope(session, id_text, scope)
    if person.state == DEAD:
        raise UpkeepError("该居民已死亡，不能登记迁回")
    if person.state != MOVED:
        raise UpkeepError("该居民在册，无需登记迁回")
    before = {"state": person.state, "left_on": person.left_on, "moved_to": person.moved_to}
    after: dict[str, object] = {"state": LIVING, "left_on": None, "moved_to": ""}
    household = person.household
    relation = (relation or "").strip()
    if household is not None:
        head = head_or_none(household)
        if relation:
            if relation == HEAD_RELATION and head is not None:
                raise UpkeepError(f"{household.label}已有户主{head.name}")
        elif person.relation_to_head == HEAD_RELATION and head is not None:
            raise UpkeepError(f"{household.label}现有户主{head.name}，请填写与户主的关系")
        elif head is None:
            relation = HEAD_RELATION
        if relation and relation != person.relation_to_head:
            before["relation_to_head"], after["relation_to_head"] = person.relation_to_head, relation
            person.relation_to_head = relation
    person.state, person.left_on, person.moved_to = LIVING, None, ""
    summary = f"{person.name}迁回" + (f"{household.label}" if household is not None else "")
    history.write(session, person, actor=actor, kind="returned", summary=summary, before=before, after=after)
    return Change("returned", summary, person.id_number)
