"""What every change of the population base shares: who may make it, finding the person within
the signed-in person's scope, the room a person or household goes to, and the typed answer.

Only administrators and front-desk staff change residents; a grid worker's scope narrows what
they can find, so a person of another grid is "not on the register" to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import DEAD, HEAD_RELATION, MOVED, Building, Household, Resident, User
from app.services.admin.scope import Scope
from app.services.common.idcard import IdNumberError, mask, parse

EDITOR_ROLES = frozenset({"admin", "front_desk"})


class UpkeepError(ValueError):
    """A change that cannot be made as asked; the sentence says why (no full ID number in it)."""


def may_change(role: str | None) -> bool:
    """Whether an account of this role changes residents (None: the machine's own account)."""
    return role is None or role in EDITOR_ROLES


def check_editor(session: Session, username: str | None) -> None:
    """Refuse an unknown account, or one whose role does not change residents."""
    if not username:
        return
    role = session.scalar(select(User.role).where(User.username == username))
    if role is None:
        raise UpkeepError(f"用户“{username}”不存在")
    if not may_change(role):
        raise UpkeepError("只有系统管理员和前台受理人员可以修改居民信息")


def find_in_scope(session: Session, id_text: str, scope: Scope) -> Resident:
    """The resident with this ID number, if the scope allows them; otherwise "not found"."""
    try:
        number = parse(id_text).number
    except IdNumberError as exc:
        raise UpkeepError(f"身份证号无效：{exc}") from None
    resident = session.scalar(select(Resident).where(Resident.id_number == number))
    if resident is None or not scope.allows_resident(session, resident):
        raise UpkeepError(f"人口库中没有身份证号为 {mask(number)} 的居民")
    return resident


def household_in_scope(session: Session, household_id: int, scope: Scope) -> Household:
    household = session.get(Household, household_id)
    if household is None or not scope.allows_grid(household.building.grid_id):
        raise UpkeepError("所选的户不存在")
    return household


def state_sentence(resident: Resident) -> str | None:
    """ "该居民已于2026年3月1日死亡" for a person not living here; None for a living one."""
    day = resident.left_on
    when = f"于{day.year}年{day.month}月{day.day}日" if day else ""
    if resident.state == DEAD:
        return f"该居民已{when}死亡"
    if resident.state == MOVED:
        return f"该居民已{when}迁出"
    return None


def require_living(resident: Resident, doing: str) -> None:
    """Refuse ``doing`` (e.g. "迁往其他户") for a person who moved away or died."""
    sentence = state_sentence(resident)
    if sentence:
        raise UpkeepError(f"{sentence}，不能{doing}")


@dataclass(frozen=True, slots=True)
class Room:
    """Where a person or a household goes: an existing household, or a room of a building."""

    household_id: int | None = None
    building_id: int | None = None
    unit: int = 1
    room: str = ""


def household_at(session: Session, where: Room, scope: Scope) -> tuple[Household, bool]:
    """The household in that room (True if it is new, added to the session, not flushed)."""
    if where.household_id is not None:
        return household_in_scope(session, where.household_id, scope), False
    building = session.get(Building, where.building_id) if where.building_id is not None else None
    if building is None or not scope.allows_grid(building.grid_id):
        raise UpkeepError("请选择楼栋")
    room = where.room.strip()
    if not room:
        raise UpkeepError("请填写房号")
    if not 1 <= where.unit <= max(building.units, 1):
        raise UpkeepError(f"{building.name}只有{building.units}个单元")
    found = session.scalar(
        select(Household).where(
            Household.building_id == building.id, Household.unit == where.unit, Household.room == room
        )
    )
    if found is not None:
        return found, False
    household = Household(building=building, unit=where.unit, room=room)
    session.add(household)
    return household, True


def living_members(household: Household) -> list[Resident]:
    return [m for m in household.members if m.living]


def address_of(household: Household) -> str:
    building = household.building
    return f"{building.address or building.name}{household.unit}单元{household.room}室"


def check_day(resident: Resident, day: dt.date, today: dt.date, what: str) -> None:
    if day > today:
        raise UpkeepError(f"{what}日期不能晚于今天")
    if day < resident.birth_date:
        raise UpkeepError(f"{what}日期不能早于出生日期")


def head_or_none(household: Household) -> Resident | None:
    return next((m for m in living_members(household) if m.relation_to_head == HEAD_RELATION), None)


@dataclass(frozen=True, slots=True)
class Change:
    """What a change did, for the desk's message and the command's output."""

    kind: str
    summary: str
    id_number: str  # the person changed (the first, for a household change)
    people: int = 1  # how many residents got a history entry
