"""Adding and listing party members. A member who is a resident also carries the ``party`` tag
when the street has one: the register is the record, the tag follows it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    MEMBER_KINDS,
    MEMBER_STATUSES,
    Grid,
    PartyMember,
    PartyOrganisation,
    Resident,
    Tag,
)
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.common.idcard import mask
from app.services.population.lookup import find_resident_in_scope

PARTY_TAG = "party_member"


class MemberError(ValueError):
    """A member that cannot be added, in one Chinese sentence."""


@dataclass(frozen=True, slots=True)
class MemberRow:
    id: int
    name: str
    id_masked: str
    branch: str
    status: str
    kind: str
    joined_on: dt.date | None
    unit_name: str


def branch_of_grid(session: Session, grid_code: str) -> PartyOrganisation:
    """The grid branch of the grid with this code (branch names repeat across communities)."""
    branch = session.scalar(
        select(PartyOrganisation)
        .join(Grid, PartyOrganisation.grid_id == Grid.id)
        .where(Grid.code == grid_code, PartyOrganisation.level == "grid_branch")
    )
    if branch is None:
        raise MemberError(f"网格“{grid_code}”没有网格党支部")
    return branch


def add_resident_member(
    session: Session,
    id_text: str,
    grid_code: str,
    *,
    scope: Scope,
    actor: str,
    status: str = "full",
    kind: str = "registered",
    joined_on: dt.date | None = None,
    phone: str = "",
) -> MemberRow:
    """Register a resident found by ID number as a member of the branch of grid ``grid_code``,
    audited; the resident gets the 党员 tag too."""
    if status not in MEMBER_STATUSES:
        raise MemberError("党员状态只能是正式或预备")
    if kind not in MEMBER_KINDS:
        raise MemberError("党员类别只能是在册、流动或在职党员到社区报到")
    resident = find_resident_in_scope(session, id_text, scope, actor=actor, purpose="登记党员")
    branch = branch_of_grid(session, grid_code)
    if not scope.allows_grid(branch.grid_id):
        raise MemberError("该党支部不在您负责的网格")
    if session.scalar(select(PartyMember.id).where(PartyMember.resident_id == resident.id)):
        raise MemberError(f"{resident.name}已在党员名册中")
    member = PartyMember(
        resident_id=resident.id,
        name=resident.name,
        id_masked=mask(resident.id_number),
        branch_id=branch.id,
        status=status,
        kind=kind,
        joined_on=joined_on,
        phone=phone,
    )
    session.add(member)
    tag = session.scalar(select(Tag).where(Tag.code == PARTY_TAG))
    if tag is not None and tag not in resident.tags:
        resident.tags.append(tag)
    audit.record(session, actor=actor, action="party_member_add", resident=resident, purpose=branch.name)
    session.flush()
    return member_row(member, branch)


def member_in_scope(session: Session, member_id: int, scope: Scope) -> tuple[PartyMember, PartyOrganisation]:
    row = session.execute(
        select(PartyMember, PartyOrganisation)
        .join(PartyOrganisation, PartyMember.branch_id == PartyOrganisation.id)
        .where(PartyMember.id == member_id, scope.grid_filter(PartyOrganisation.grid_id))
    ).first()
    if row is None:
        raise MemberError(f"没有编号为{member_id}的党员，或不在您负责的网格")
    return row[0], row[1]


def member_row(member: PartyMember, branch: PartyOrganisation) -> MemberRow:
    return MemberRow(
        member.id,
        member.name,
        member.id_masked,
        branch.name,
        MEMBER_STATUSES[member.status],
        MEMBER_KINDS[member.kind],
        member.joined_on,
        member.unit_name,
    )


def list_members(session: Session, *, scope: Scope, actor: str) -> list[MemberRow]:
    """The members on the register the person may see (their grids' branches), audited as one
    list; those who left it are kept for the meeting records but not listed."""
    rows = session.execute(
        select(PartyMember, PartyOrganisation)
        .join(PartyOrganisation, PartyMember.branch_id == PartyOrganisation.id)
        .where(scope.grid_filter(PartyOrganisation.grid_id), PartyMember.left_on.is_(None))
        .order_by(PartyOrganisation.sort_order, PartyMember.id)
    ).all()
    result = [member_row(member, branch) for member, branch in rows]
    audit.record_list(session, actor=actor, action="party_member_list", shown=len(result), what="党员名册")
    return result


def membership_of(session: Session, resident: Resident) -> str:
    """The line the resident panel shows, e.g. “正式党员 · 一网格党支部”; empty for non-members."""
    return membership_line(session, resident.id)


def membership_line(session: Session, resident_id: int) -> str:
    """:func:`membership_of` by the resident's row id (the desk's lookup holds rows, not objects)."""
    row = session.execute(
        select(PartyMember, PartyOrganisation)
        .join(PartyOrganisation, PartyMember.branch_id == PartyOrganisation.id)
        .where(PartyMember.resident_id == resident_id, PartyMember.left_on.is_(None))
    ).first()
    if row is None:
        return ""
    member, branch = row
    return f"{MEMBER_STATUSES[member.status]} · {branch.name}"
