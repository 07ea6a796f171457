"""The four-level organisation, editable at every level: list it within a scope, add a child
node (the level below its parent), rename a node and set its secretary or leader. Every change
is audited; the notice boards read the organisation as it is, so they print what is current."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import PARTY_LEVELS, Grid, PartyMember, PartyOrganisation
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.party.members import MemberError
from app.services.population.lookup import find_resident_in_scope

LEVEL_ORDER = list(PARTY_LEVELS)


@dataclass(frozen=True, slots=True)
class OrgRow:
    id: int
    level: str
    level_name: str
    name: str
    parent_id: int | None
    grid_code: str
    leader_name: str
    leader_phone: str
    members: int  # members registered directly with this node (branches)


def organisation_rows(session: Session, *, scope: Scope) -> list[OrgRow]:
    """Every node the person may see: a grid worker sees the nodes of their grids only."""
    stmt = select(PartyOrganisation, Grid.code).outerjoin(Grid, PartyOrganisation.grid_id == Grid.id)
    if not scope.whole_street:
        stmt = stmt.where(scope.grid_filter(PartyOrganisation.grid_id))
    counts = dict(
        session.execute(select(PartyMember.branch_id, func.count()).group_by(PartyMember.branch_id)).all()
    )
    rows = session.execute(
        stmt.order_by(PartyOrganisation.community_id, PartyOrganisation.grid_id, PartyOrganisation.id)
    ).all()
    return [
        OrgRow(
            o.id,
            o.level,
            o.level_name,
            o.name,
            o.parent_id,
            code or "",
            o.leader_name,
            o.leader_phone,
            counts.get(o.id, 0),
        )
        for o, code in rows
    ]


def _node(session: Session, org_id: int, scope: Scope) -> PartyOrganisation:
    node = session.get(PartyOrganisation, org_id)
    if node is None or not (scope.whole_street or scope.allows_grid(node.grid_id)):
        raise MemberError(f"没有编号为{org_id}的党组织，或不在您负责的网格")
    return node


def set_leader(
    session: Session,
    org_id: int,
    *,
    scope: Scope,
    actor: str,
    id_text: str = "",
    name: str = "",
    phone: str = "",
) -> OrgRow:
    """Make a resident (by ID number) or a named person the node's secretary/leader, audited."""
    node = _node(session, org_id, scope)
    if id_text:
        resident = find_resident_in_scope(session, id_text, scope, actor=actor, purpose="设置党组织负责人")
        node.leader_resident_id = resident.id
        node.leader_name = resident.name
        node.leader_phone = phone or resident.phone or ""
    elif name.strip():
        node.leader_resident_id = None
        node.leader_name = name.strip()
        node.leader_phone = phone
    else:
        raise MemberError("请填写负责人身份证号或姓名")
    audit.record(
        session,
        actor=actor,
        action="party_org_edit",
        subject=node.name,
        purpose=f"负责人改为{node.leader_name}",
    )
    session.flush()
    return _one(session, node.id, scope)


def rename(session: Session, org_id: int, name: str, *, scope: Scope, actor: str) -> OrgRow:
    node = _node(session, org_id, scope)
    if not name.strip():
        raise MemberError("党组织名称不能为空")
    old, node.name = node.name, name.strip()
    audit.record(session, actor=actor, action="party_org_edit", subject=old, purpose=f"更名为{node.name}")
    session.flush()
    return _one(session, node.id, scope)


def add_child(
    session: Session, parent_id: int, name: str, *, scope: Scope, actor: str, leader_id_text: str = ""
) -> OrgRow:
    """A node one level below ``parent_id`` (a building group under a branch, a 党员中心户 under a
    group: its leader is a member whose household it is)."""
    parent = _node(session, parent_id, scope)
    position = LEVEL_ORDER.index(parent.level)
    if position + 1 >= len(LEVEL_ORDER):
        raise MemberError("党员中心户下不能再设下级组织")
    if not name.strip():
        raise MemberError("党组织名称不能为空")
    level = LEVEL_ORDER[position + 1]
    node = PartyOrganisation(
        level=level,
        name=name.strip(),
        parent_id=parent.id,
        community_id=parent.community_id,
        grid_id=parent.grid_id,
        building_id=parent.building_id,
        sort_order=len(parent.children) + 1,
    )
    if leader_id_text:
        resident = find_resident_in_scope(
            session, leader_id_text, scope, actor=actor, purpose="设置党组织负责人"
        )
        node.leader_resident_id, node.leader_name, node.leader_phone = (
            resident.id,
            resident.name,
            resident.phone or "",
        )
        if level == "member_household":
            node.household_id = resident.household_id
    elif level == "member_household":
        raise MemberError("党员中心户须指定户主党员的身份证号")
    session.add(node)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="party_org_add",
        subject=parent.name,
        purpose=f"新增{node.level_name}{node.name}",
    )
    return _one(session, node.id, scope)


def _one(session: Session, org_id: int, scope: Scope) -> OrgRow:
    return next(r for r in organisation_rows(session, scope=scope) if r.id == org_id)
