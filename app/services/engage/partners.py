"""Partner units (共建单位, 共驻共建): registering a unit with its contact and agreement dates, the
resource list (what units offer) and the need list (what the community asks), and linking the
双报到 members who named the unit. Projects claimed either way are in partner_projects.

Every change needs ``partner.manage`` and is audited; nothing here commits (the caller does).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ITEM_SIDES, UNIT_KINDS, PartnerItem, PartnerUnit, PartnerUnitMember, PartyMember
from app.services.admin.centre import current_community
from app.services.admin.permissions import require
from app.services.common import audit
from app.services.common.idcard import redact

NAME_LIMIT = 80
TEXT_LIMIT = 300


class PartnerError(ValueError):
    """A unit, list item or project that cannot be stored as given; one sentence for the person."""


@dataclass(frozen=True)
class UnitFields:
    """What the desk's form and the command line give for a unit; None: leave as it is."""

    name: str | None = None
    kind: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    address: str | None = None
    agreement_from: dt.date | None = None
    agreement_to: dt.date | None = None
    note: str | None = None
    member_ids: tuple[int, ...] = field(default=())  # 双报到 members to link by hand


def clean(text: str | None, what: str, limit: int, *, required: bool = True) -> str:
    text = redact((text or "").strip())  # an ID number typed into a field is masked
    if required and not text:
        raise PartnerError(f"请填写{what}")
    if len(text) > limit:
        raise PartnerError(f"{what}最多{limit}个字，现在有{len(text)}个字")
    return text


def find_unit(session: Session, name_or_id: str | int) -> PartnerUnit:
    """A unit by its number or its exact name."""
    text = str(name_or_id).strip()
    unit = session.get(PartnerUnit, int(text)) if text.isdigit() else None
    if unit is None:
        unit = session.scalar(select(PartnerUnit).where(PartnerUnit.name == text))
    if unit is None:
        raise PartnerError(f"没有找到共建单位“{text}”")
    return unit


def _apply(session: Session, unit: PartnerUnit, f: UnitFields) -> None:
    if f.name is not None:
        name = clean(f.name, "单位名称", NAME_LIMIT)
        other = session.scalar(select(PartnerUnit.id).where(PartnerUnit.name == name))
        if other is not None and other != unit.id:
            raise PartnerError(f"共建单位“{name}”已登记")
        unit.name = name
    if f.kind is not None:
        if f.kind not in UNIT_KINDS:
            raise PartnerError(f"单位类别须为：{'、'.join(UNIT_KINDS)}")
        unit.kind = f.kind
    if f.contact_name is not None:
        unit.contact_name = clean(f.contact_name, "联系人", 50, required=False)
    if f.contact_phone is not None:
        unit.contact_phone = clean(f.contact_phone, "联系电话", 30, required=False)
    if f.address is not None:
        unit.address = clean(f.address, "单位地址", 120, required=False)
    if f.note is not None:
        unit.note = clean(f.note, "备注", TEXT_LIMIT, required=False)
    if f.agreement_from is not None:
        unit.agreement_from = f.agreement_from
    if f.agreement_to is not None:
        unit.agreement_to = f.agreement_to
    if unit.agreement_from and unit.agreement_to and unit.agreement_to < unit.agreement_from:
        raise PartnerError("共建协议的结束日期不能早于开始日期")


def register_unit(session: Session, fields: UnitFields, *, actor: str) -> PartnerUnit:
    """A new partner unit; the 双报到 members who named it in the same words are linked to it."""
    require(session, actor, "partner.manage")
    if fields.name is None:
        raise PartnerError("请填写单位名称")
    unit = PartnerUnit(
        community_id=current_community(session).id,
        name="",
        kind="机关单位",
        contact_name="",
        contact_phone="",
        address="",
        note="",
    )
    _apply(session, unit, fields)
    session.add(unit)
    session.flush()
    linked = link_members(session, unit, fields.member_ids)
    audit.record(
        session,
        actor=actor,
        action="partner_unit_add",
        subject=unit.name,
        purpose="共建单位",
        detail=f"关联报到党员{linked}名" if linked else "",
    )
    return unit


def edit_unit(session: Session, unit: PartnerUnit, fields: UnitFields, *, actor: str) -> PartnerUnit:
    require(session, actor, "partner.manage")
    _apply(session, unit, fields)
    unit.version = (unit.version or 0) + 1
    session.flush()
    linked = link_members(session, unit, fields.member_ids)
    audit.record(
        session,
        actor=actor,
        action="partner_unit_edit",
        subject=unit.name,
        purpose="共建单位",
        detail=f"关联报到党员{linked}名" if linked else "",
    )
    return unit


def link_members(session: Session, unit: PartnerUnit, member_ids: tuple[int, ...] = ()) -> int:
    """Link the in-service members who named this unit (same words), and ``member_ids`` by hand
    (a member named the unit differently, 区税务局 for 王益区税务局). A member is linked to one unit;
    a member whose words match no unit keeps their free name. Returns how many were linked now."""
    linked = set(session.scalars(select(PartnerUnitMember.member_id)))
    matching = set(
        session.scalars(
            select(PartyMember.id).where(PartyMember.unit_name == unit.name, PartyMember.kind == "in_service")
        )
    )
    for member_id in member_ids:
        if session.get(PartyMember, member_id) is None:
            raise PartnerError(f"没有编号为{member_id}的党员")
    count = 0
    for member_id in sorted(matching - linked):
        session.add(PartnerUnitMember(member_id=member_id, unit_id=unit.id))
        count += 1
    for member_id in member_ids:
        row = session.get(PartnerUnitMember, member_id)
        if row is None:
            session.add(PartnerUnitMember(member_id=member_id, unit_id=unit.id))
            count += 1
        elif row.unit_id != unit.id:
            row.unit_id = unit.id
            count += 1
    session.flush()
    return count


def add_item(
    session: Session,
    side: str,
    title: str,
    *,
    unit: PartnerUnit | None,
    detail: str = "",
    actor: str,
    today: dt.date,
) -> PartnerItem:
    """One line of a unit's resource list, or of the community's need list (``unit`` None: asked
    of every unit; a unit: asked of that one)."""
    require(session, actor, "partner.manage")
    if side not in ITEM_SIDES:
        raise PartnerError("清单须为资源（resource）或需求（need）")
    if side == "resource" and unit is None:
        raise PartnerError("资源清单须写明是哪个共建单位提供的资源")
    item = PartnerItem(
        side=side,
        unit_id=unit.id if unit is not None else None,
        title=clean(title, "名称", NAME_LIMIT),
        detail=clean(detail, "说明", TEXT_LIMIT, required=False),
        listed_on=today,
    )
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="partner_item",
        subject=unit.name if unit is not None else "社区",
        purpose=f"{ITEM_SIDES[side]}清单",
        detail=item.title,
    )
    return item


def find_item(session: Session, item_id: int, side: str | None = None) -> PartnerItem:
    item = session.get(PartnerItem, item_id)
    if item is None or (side is not None and item.side != side):
        what = ITEM_SIDES.get(side or "", "清单")
        raise PartnerError(f"没有编号为{item_id}的{what}")
    return item
