"""Moving people between households (一户一档 kept current): a person to another household, a
whole household to another room, splitting a household, merging two, changing the head.

The rules: a household that keeps living members keeps a head, so a head who leaves names the
new one; a person who moved away or died is not moved; a room holds one household. Each living
person whose household or relation changes gets a history entry (and its audit entry).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session

from app.models import HEAD_RELATION, Household, Resident
from app.services.admin.scope import Scope
from app.services.population import history
from app.services.population.changes import (
    Change,
    Room,
    UpkeepError,
    address_of,
    find_in_scope,
    head_or_none,
    household_at,
    household_in_scope,
    living_members,
    require_living,
)


def _label(household: Household | None) -> str | None:
    return household.label if household is not None else None


def successor_for(
    household: Household, new_head: str | None, leaving: Sequence[Resident], verb: str
) -> Resident | None:
    """The member named to take over as head when the head leaves ``household`` (None when
    nobody living stays)."""
    staying = [m for m in living_members(household) if m not in leaving]
    head = head_or_none(household)
    if head is None or head not in leaving or not staying:
        return None
    if not new_head:
        raise UpkeepError(f"户主{head.name}{verb}后该户没有户主，请指定新户主")
    chosen = next((m for m in staying if m.id_number == new_head.strip().upper()), None)
    if chosen is None:
        raise UpkeepError("新户主应是该户留下的在册成员")
    return chosen


def make_head(session: Session, person: Resident, *, actor: str, household: Household) -> None:
    before = person.relation_to_head
    person.relation_to_head = HEAD_RELATION
    history.write(
        session,
        person,
        actor=actor,
        kind="head_changed",
        summary=f"{person.name}成为{household.label}的户主",
        before={"relation_to_head": before},
        after={"relation_to_head": HEAD_RELATION},
    )


def move_person(
    session: Session,
    id_text: str,
    where: Room,
    *,
    relation: str,
    actor: str,
    scope: Scope,
    new_head: str | None = None,
) -> Change:
    """Move one living person into another household (or a new one in a room); the caller commits.

    ``relation`` is their relation to the head of the household they join (户主 when it has no
    living member); ``new_head`` the ID number of who takes over if they were the head."""
    person = find_in_scope(session, id_text, scope)
    require_living(person, "迁往其他户")
    relation = relation.strip()
    source = person.household
    target, _created = household_at(session, where, scope)
    if source is not None and target.id == source.id:
        raise UpkeepError("此人已在该户")
    if not living_members(target):
        relation = HEAD_RELATION
    elif not relation:
        raise UpkeepError("请填写与新户户主的关系")
    elif relation == HEAD_RELATION and head_or_none(target) is not None:
        raise UpkeepError(f"{target.label}已有户主{head_or_none(target).name}")
    successor = successor_for(source, new_head, [person], "迁走") if source is not None else None
    before = {
        "household": _label(source),
        "relation_to_head": person.relation_to_head,
        "current_address": person.current_address,
    }
    person.household = target
    person.relation_to_head = relation
    person.current_address = address_of(target)
    after = {
        "household": target.label,
        "relation_to_head": relation,
        "current_address": person.current_address,
    }
    summary = f"{person.name}从{_label(source) or '无户'}迁入{target.label}（{relation}）"
    history.write(session, person, actor=actor, kind="moved", summary=summary, before=before, after=after)
    people = 1
    if successor is not None:
        make_head(session, successor, actor=actor, household=source)
        people += 1
    return Change("moved", summary, person.id_number, people)


def move_household(session: Session, household_id: int, where: Room, *, actor: str, scope: Scope) -> Change:
    """The whole household to another room (a room with no household yet); the caller commits."""
    household = household_in_scope(session, household_id, scope)
    members = living_members(household)
    if not members:
        raise UpkeepError("该户没有在册成员")
    if where.household_id is not None:
        raise UpkeepError("整户迁居请选择没有住户的房间；要与另一户合并请用“并户”")
    target, created = household_at(session, where, scope)
    if not created:
        if target.id == household.id:
            raise UpkeepError("该户已在这个房间")
        raise UpkeepError(f"{target.label}已有一户，要合并请用“并户”")
    session.expunge(target)  # the household itself moves: no new one
    old = household.label
    household.building, household.unit, household.room = target.building, target.unit, target.room
    session.flush()
    summary = f"整户从{old}迁至{household.label}"
    for m in members:
        before = {"household": old, "current_address": m.current_address}
        m.current_address = address_of(household)
        after = {"household": household.label, "current_address": m.current_address}
        history.write(
            session, m, actor=actor, kind="household_moved", summary=summary, before=before, after=after
        )
    return Change("household_moved", summary, members[0].id_number, len(members))


def split_household(
    session: Session,
    id_numbers: Sequence[str],
    where: Room,
    *,
    head: str,
    relations: Mapping[str, str],
    actor: str,
    scope: Scope,
    remaining_head: str | None = None,
) -> Change:
    """Some living members of one household into a new household in another room, ``head`` its
    head and every other one with their relation in ``relations`` (ID number -> relation)."""
    people = [find_in_scope(session, text, scope) for text in id_numbers]
    if not people:
        raise UpkeepError("请选择要拆出的成员")
    for p in people:
        require_living(p, "拆户")
    source = people[0].household
    if source is None or any(p.household_id != source.id for p in people):
        raise UpkeepError("拆出的成员应属于同一户")
    if len(people) == len(living_members(source)):
        raise UpkeepError("不能把全部成员拆出；整户换房请用“整户迁居”")
    numbers = {p.id_number: p for p in people}
    new_head = numbers.get(head.strip().upper())
    if new_head is None:
        raise UpkeepError("新户户主应是拆出的成员之一")
    wanted = {
        p.id_number: HEAD_RELATION if p is new_head else relations.get(p.id_number, "").strip()
        for p in people
    }
    missing = [p.name for p in people if not wanted[p.id_number]]
    if missing:
        raise UpkeepError(f"请填写{'、'.join(missing)}与新户主的关系")
    if any(p is not new_head and wanted[p.id_number] == HEAD_RELATION for p in people):
        raise UpkeepError("新户只能有一位户主")
    if where.household_id is not None:
        raise UpkeepError("拆户请选择没有住户的房间")
    target, created = household_at(session, where, scope)
    if not created and living_members(target):
        raise UpkeepError(f"{target.label}已有住户，要合并请用“并户”")
    successor = successor_for(source, remaining_head, people, "拆出")
    summary = f"从{source.label}拆出{len(people)}人，另立一户于{target.label}，户主{new_head.name}"
    for p in people:
        before = {
            "household": source.label,
            "relation_to_head": p.relation_to_head,
            "current_address": p.current_address,
        }
        p.household, p.relation_to_head, p.current_address = target, wanted[p.id_number], address_of(target)
        after = {
            "household": target.label,
            "relation_to_head": p.relation_to_head,
            "current_address": p.current_address,
        }
        history.write(
            session, p, actor=actor, kind="household_split", summary=summary, before=before, after=after
        )
    if successor is not None:
        make_head(session, successor, actor=actor, household=source)
    return Change("household_split", summary, new_head.id_number, len(people) + (successor is not None))


def merge_households(
    session: Session,
    source_id: int,
    target_id: int,
    *,
    head_relation: str,
    actor: str,
    scope: Scope,
    relations: Mapping[str, str] | None = None,
) -> Change:
    """Every living member of household ``source_id`` joins ``target_id``: its head with
    ``head_relation`` to the target's head, the others with ``relations`` (kept if not given).
    The emptied household stays on record (nobody and nothing is deleted)."""
    source = household_in_scope(session, source_id, scope)
    target = household_in_scope(session, target_id, scope)
    if source.id == target.id:
        raise UpkeepError("请选择另一户")
    members = living_members(source)
    if not members:
        raise UpkeepError(f"{source.label}没有在册成员")
    target_head = head_or_none(target)
    if target_head is None:
        raise UpkeepError(f"{target.label}没有户主，请先指定户主")
    head_relation = head_relation.strip()
    if not head_relation or head_relation == HEAD_RELATION:
        raise UpkeepError(f"请填写原户主与{target_head.name}的关系")
    relations = relations or {}
    source_head = head_or_none(source)
    summary = f"{source.label}并入{target.label}（户主{target_head.name}）"
    for m in members:
        relation = (
            head_relation if m is source_head else (relations.get(m.id_number) or m.relation_to_head).strip()
        )
        if relation == HEAD_RELATION:
            raise UpkeepError(f"请填写{m.name}与{target_head.name}的关系")
        before = {
            "household": source.label,
            "relation_to_head": m.relation_to_head,
            "current_address": m.current_address,
        }
        m.household, m.relation_to_head, m.current_address = target, relation, address_of(target)
        after = {
            "household": target.label,
            "relation_to_head": relation,
            "current_address": m.current_address,
        }
        history.write(
            session, m, actor=actor, kind="household_merged", summary=summary, before=before, after=after
        )
    return Change("household_merged", summary, members[0].id_number, len(members))


def merge_household_of(
    session: Session, id_text: str, target_id: int, *, head_relation: str, actor: str, scope: Scope
) -> Change:
    """The household of the resident ``id_text`` joins household ``target_id`` (see merge_households)."""
    person = find_in_scope(session, id_text, scope)
    if person.household_id is None:
        raise UpkeepError("此人没有编入任何户")
    return merge_households(
        session, person.household_id, target_id, head_relation=head_relation, actor=actor, scope=scope
    )


def change_head(
    session: Session, id_text: str, *, old_head_relation: str, actor: str, scope: Scope
) -> Change:
    """The living member ``id_text`` becomes head of their household; the old head (if living)
    takes ``old_head_relation``. The caller commits."""
    person = find_in_scope(session, id_text, scope)
    require_living(person, "担任户主")
    household = person.household
    if household is None:
        raise UpkeepError("此人没有编入任何户")
    old = head_or_none(household)
    if old is person:
        raise UpkeepError(f"{person.name}已是户主")
    old_head_relation = old_head_relation.strip()
    if old is not None and (not old_head_relation or old_head_relation == HEAD_RELATION):
        raise UpkeepError(f"请填写原户主{old.name}与新户主的关系")
    summary = f"{household.label}户主由{old.name if old else '（空缺）'}变更为{person.name}"
    if old is not None:
        before, old.relation_to_head = old.relation_to_head, old_head_relation
        history.write(
            session,
            old,
            actor=actor,
            kind="head_changed",
            summary=summary,
            before={"relation_to_head": before},
            after={"relation_to_head": old_head_relation},
        )
    before = person.relation_to_head
    person.relation_to_head = HEAD_RELATION
    history.write(
        session,
        person,
        actor=actor,
        kind="head_changed",
        summary=summary,
        before={"relation_to_head": before},
        after={"relation_to_head": HEAD_RELATION},
    )
    return Change("head_changed", summary, person.id_number, 2 if old else 1)
