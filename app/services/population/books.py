"""What the printed population files hold: 一户一档 (one household with its members) and 一幢一册
(one building, every household by unit and room, its building leader and party group).

The files are read inside the searcher's Scope, and every one made is audited in the caller's
transaction: a household file as one entry per member shown (each person's own enquiry of who
looked at them lists it), a building book as one list entry. ID numbers and phones are masked
unless the caller says the person may see them in full (``full_data``).

A building is named ``GRID_CODE/楼名`` (a building's name is unique within its grid), e.g.
``610202010001001/和平里1号楼``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import (
    HEAD_RELATION,
    LIVING,
    RESIDENT_STATES,
    Building,
    Grid,
    GridStaff,
    Household,
    PartyOrganisation,
    Resident,
)
from app.models.staff import BUILDING_LEADER, GRID_LEADER
from app.services.admin.access import mask_phone
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.common.idcard import mask
from app.services.population.lookup import LookupFailed, find_resident
from app.services.population.resident_record import age_tags, tags_of


class BookError(LookupError):
    """No such building or household, or not the searcher's; one sentence for the person."""


@dataclass(frozen=True, slots=True)
class Contact:
    role: str  # 户主 / 楼栋长 / 网格长 / 党小组组长
    name: str
    phone: str


@dataclass(frozen=True, slots=True)
class MemberLine:
    name: str
    relation: str
    sex: str  # 男 / 女
    birth_date: dt.date
    id_number: str  # masked unless full_data
    phone: str  # masked unless full_data
    tags: tuple[str, ...]
    state: str  # 在册 / 已迁出 / 已死亡


@dataclass(frozen=True, slots=True)
class HouseholdFile:
    community: str
    grid: str  # name (code)
    building: str
    address: str
    unit: int
    room: str
    hukou_number: str
    head: str | None
    members: tuple[MemberLine, ...]
    contacts: tuple[Contact, ...]
    full_data: bool
    made_on: dt.date


@dataclass(frozen=True, slots=True)
class HouseholdLine:
    unit: int
    room: str
    head: str
    head_id_number: str  # masked unless full_data
    head_phone: str  # masked unless full_data
    members: int  # everyone on the register in this room
    living: int  # of them 在册
    tags: str  # 党员2、高龄1 …


@dataclass(frozen=True, slots=True)
class BuildingBook:
    code: str  # GRID_CODE/楼名
    community: str
    grid: str
    building: str
    address: str
    units: int
    floors: int
    leaders: tuple[Contact, ...]  # 楼栋长 (and the grid leader, for whom the building has none)
    party_group: str | None  # 楼栋党小组 with its leader
    households: tuple[HouseholdLine, ...]
    residents: int
    full_data: bool
    made_on: dt.date


SEX = {"male": "男", "female": "女"}


def _shown(full: bool, number: str, phone: str) -> tuple[str, str]:
    return (number if full else mask(number)), (phone if full else mask_phone(phone))


def household_file(
    session: Session, id_text: str, *, scope: Scope, full_data: bool, actor: str, today: dt.date | None = None
) -> HouseholdFile:
    """The household of the resident with this ID number, audited for every member shown."""
    today = today or dt.date.today()
    try:
        resident = find_resident(session, id_text)
    except LookupFailed as exc:
        raise BookError(str(exc)) from None
    if not scope.allows_resident(session, resident):
        raise BookError("这位居民不在您负责的网格内")
    household = resident.household
    if household is None:
        raise BookError(f"{resident.name}未登记在任何住户中，没有户档可打印")
    building, grid = household.building, household.building.grid
    rule_tags = age_tags(session)
    members = tuple(
        MemberLine(
            m.name,
            m.relation_to_head,
            SEX.get(m.sex, ""),
            m.birth_date,
            *_shown(full_data, m.id_number, m.phone),
            tuple(t.name for t in tags_of(m, rule_tags, today)) if m.state == LIVING else (),
            RESIDENT_STATES.get(m.state, m.state),
        )
        for m in household.members
    )
    head = household.head
    contacts = []
    if head is not None and head.phone:
        contacts.append(Contact(HEAD_RELATION, head.name, _shown(full_data, "", head.phone)[1]))
    contacts += _staff(session, grid.id, building.id)
    with session.no_autoflush:
        for member in household.members:
            audit.record(session, actor=actor, action="print", resident=member, purpose="打印一户一档")
    return HouseholdFile(
        community=grid.community.name,
        grid=f"{grid.name}（{grid.code}）",
        building=building.name,
        address=f"{building.address or building.name} {household.unit}单元{household.room}室",
        unit=household.unit,
        room=household.room,
        hukou_number=household.hukou_number,
        head=head.name if head else None,
        members=members,
        contacts=tuple(contacts),
        full_data=full_data,
        made_on=today,
    )


def _staff(session: Session, grid_id: int, building_id: int) -> list[Contact]:
    rows = session.scalars(
        select(GridStaff)
        .where(
            GridStaff.grid_id == grid_id,
            (GridStaff.role == GRID_LEADER)
            | ((GridStaff.role == BUILDING_LEADER) & (GridStaff.building_id == building_id)),
        )
        .order_by(GridStaff.role.desc(), GridStaff.sort_order)
    )
    return [Contact(s.role_name, s.name, s.phone) for s in rows]


def building_code(session: Session, id_text: str, *, scope: Scope) -> str:
    """``GRID_CODE/楼名`` of the building the resident with this ID number lives in."""
    try:
        resident = find_resident(session, id_text)
    except LookupFailed as exc:
        raise BookError(str(exc)) from None
    if resident.household is None or not scope.allows_resident(session, resident):
        raise BookError("这位居民没有登记在您负责网格的楼栋中")
    building = resident.household.building
    return f"{building.grid.code}/{building.name}"


def find_building(session: Session, code: str, *, scope: Scope) -> Building:
    grid_code, sep, name = code.strip().partition("/")
    if not sep or not grid_code or not name:
        raise BookError("楼栋应写作“网格编码/楼名”，如 610202010001001/和平里1号楼")
    building = session.scalar(
        select(Building).join(Grid).where(Grid.code == grid_code.strip(), Building.name == name.strip())
    )
    if building is None:
        raise BookError(f"网格 {grid_code} 中没有名为“{name}”的楼栋")
    if not scope.allows_grid(building.grid_id):
        raise BookError("这栋楼不在您负责的网格内")
    return building


def building_book(
    session: Session, code: str, *, scope: Scope, full_data: bool, actor: str, today: dt.date | None = None
) -> BuildingBook:
    """Every household of the building ``GRID_CODE/楼名`` by unit and room, audited as one list."""
    today = today or dt.date.today()
    building = find_building(session, code, scope=scope)
    grid = building.grid
    households = session.scalars(
        select(Household)
        .where(Household.building_id == building.id)
        .options(selectinload(Household.members).selectinload(Resident.tags))
    ).all()
    rule_tags = age_tags(session)
    lines = []
    for household in sorted(households, key=lambda h: (h.unit, _room_key(h.room))):
        living = [m for m in household.members if m.state == LIVING]
        counts = Counter(t.name for m in living for t in tags_of(m, rule_tags, today))
        head = household.head
        number, phone = _shown(full_data, head.id_number, head.phone) if head else ("", "")
        lines.append(
            HouseholdLine(
                household.unit,
                household.room,
                head.name if head else "（无户主）",
                number,
                phone,
                len(household.members),
                len(living),
                "、".join(f"{name}{n}" for name, n in counts.most_common()),
            )
        )
    group = session.scalar(
        select(PartyOrganisation).where(
            PartyOrganisation.level == "building_group", PartyOrganisation.building_id == building.id
        )
    )
    party = None
    if group is not None:
        leader = f"，组长 {group.leader_name} {group.leader_phone}".rstrip() if group.leader_name else ""
        party = f"{group.name}{leader}"
    residents = sum(line.members for line in lines)
    audit.record_list(
        session,
        actor=actor,
        action="print",
        shown=residents,
        what=f"打印一幢一册 {grid.code}/{building.name}",
    )
    return BuildingBook(
        code=f"{grid.code}/{building.name}",
        community=grid.community.name,
        grid=f"{grid.name}（{grid.code}）",
        building=building.name,
        address=building.address,
        units=building.units,
        floors=building.floors,
        leaders=tuple(_staff(session, grid.id, building.id)),
        party_group=party,
        households=tuple(lines),
        residents=residents,
        full_data=full_data,
        made_on=today,
    )


def _room_key(room: str) -> tuple[int, str]:
    digits = "".join(ch for ch in room if ch.isdigit())
    return (int(digits) if digits else 0, room)
