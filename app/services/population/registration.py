"""Adding a person who is not on the population base yet, usually straight from their ID card.

The card gives name, sex, ethnicity, birth date, registered address, authority and validity; the
desk adds where the person lives now and how to reach them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import HEAD_RELATION, Building, Community, Grid, Household, Resident, ResidentPhoto
from app.services.common.idcard import IdNumberError, parse
from app.services.population import history


class RegistrationError(ValueError):
    """The new resident cannot be saved as entered; the sentence says why."""


@dataclass(frozen=True)
class NewResident:
    id_number: str
    name: str
    ethnicity: str = "汉族"
    hukou_address: str = ""
    current_address: str = ""
    phone: str = ""
    card_authority: str = ""
    card_valid_from: dt.date | None = None
    card_valid_to: dt.date | None = None
    card_long_term: bool = False
    building_id: int | None = None
    unit: int = 1
    room: str = ""
    relation_to_head: str = ""
    notes: str = ""
    photo: bytes | None = None  # JPEG or PNG bytes
    household_id: int | None = None  # an existing household instead of building/unit/room


def register_resident(session: Session, data: NewResident, *, actor: str) -> Resident:
    """Save the person (and their household, if the room is new) with a history entry ("created")
    and its audit entry; the caller commits."""
    try:
        info = parse(data.id_number)
    except IdNumberError as exc:
        raise RegistrationError(f"身份证号无效：{exc}") from None
    if not data.name.strip():
        raise RegistrationError("请填写姓名")
    mime = photo_mime(data.photo) if data.photo else ""
    if session.scalar(select(Resident.id).where(Resident.id_number == info.number)) is not None:
        raise RegistrationError("此人已在人口库中")
    household = _household(session, data)
    if household is not None and data.relation_to_head == HEAD_RELATION and household.head is not None:
        raise RegistrationError(f"{household.label}已有户主{household.head.name}")
    resident = Resident(
        id_number=info.number,
        name=data.name.strip(),
        sex=info.sex,
        ethnicity=data.ethnicity or "汉族",
        birth_date=info.birth_date,
        hukou_address=data.hukou_address.strip(),
        current_address=data.current_address.strip() or (_address(household) if household else ""),
        phone=data.phone.strip(),
        household=household,
        relation_to_head=data.relation_to_head.strip() if household else "",
        card_authority=data.card_authority.strip(),
        card_valid_from=data.card_valid_from,
        card_valid_to=None if data.card_long_term else data.card_valid_to,
        card_long_term=data.card_long_term,
        notes=data.notes.strip()[:500],
    )
    session.add(resident)
    session.flush()
    if data.photo:
        session.add(ResidentPhoto(resident_id=resident.id, mime_type=mime, image=data.photo))
    where = f"，{household.label}" if household is not None else ""
    history.write(
        session,
        resident,
        actor=actor,
        kind="created",
        summary=f"登记新居民{resident.name}{where}",
        after={
            "name": resident.name,
            "id_number": resident.id_number,
            "household": household and household.label,
        },
    )
    return resident


def photo_mime(image: bytes) -> str:
    if image.startswith(b"\x89PNG"):
        return "image/png"
    if image.startswith(b"\xff\xd8"):
        return "image/jpeg"
    raise RegistrationError("照片应为 JPEG 或 PNG 图片")


def _household(session: Session, data: NewResident) -> Household | None:
    if data.household_id is not None:
        household = session.get(Household, data.household_id)
        if household is None:
            raise RegistrationError("所选的户不存在")
        return household
    if data.building_id is None:
        return None
    building = session.get(Building, data.building_id)
    if building is None:
        raise RegistrationError("所选楼栋不存在")
    room = data.room.strip()
    if not room:
        raise RegistrationError("请填写房号")
    if not 1 <= data.unit <= max(building.units, 1):
        raise RegistrationError(f"{building.name}只有{building.units}个单元")
    household = session.scalar(
        select(Household).where(
            Household.building_id == building.id, Household.unit == data.unit, Household.room == room
        )
    )
    if household is None:
        household = Household(building=building, unit=data.unit, room=room)
        session.add(household)
    return household


def _address(household: Household) -> str:
    building = household.building
    return f"{building.address or building.name}{household.unit}单元{household.room}室"


class PlaceChoice(NamedTuple):
    """A grid or building offered in a list: shown by label, stored by id."""

    label: str
    id: int


def grid_choices(session: Session) -> list[PlaceChoice]:
    """Every grid of the street, labelled with its community, in grid-code order."""
    stmt = select(Grid.id, Grid.name, Community.name).join(Grid.community).order_by(Grid.code)
    return [PlaceChoice(f"{community} {name}", grid_id) for grid_id, name, community in session.execute(stmt)]


def building_choices(session: Session, grid_id: int) -> list[PlaceChoice]:
    """The buildings of one grid, in the grid's own order."""
    stmt = select(Building.id, Building.name).where(Building.grid_id == grid_id).order_by(Building.sort_order)
    return [PlaceChoice(name, building_id) for building_id, name in session.execute(stmt)]
