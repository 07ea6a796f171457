"""Changing a member's record: status (预备 → 正式 with the date), kind, the dates of joining and
of the organisation relation moving in or out, phone and reporting unit; and leaving the
register. Each change is audited with what changed, never with an ID number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import MEMBER_KINDS, MEMBER_STATUSES, Resident, Tag
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.party.members import PARTY_TAG, MemberError, MemberRow, member_in_scope, member_row

LEAVE_REASONS = ("组织关系转出", "去世", "出党", "停止党籍", "其他")


@dataclass(frozen=True, slots=True)
class MemberEdit:
    """Everything about a member that the desk edits; the edit dialog fills it from
    :func:`member_edit_of` and hands it back changed."""

    status: str
    kind: str
    joined_on: dt.date | None
    full_on: dt.date | None
    transferred_in_on: dt.date | None
    transferred_out_on: dt.date | None
    phone: str
    unit_name: str


LABELS = {
    "status": "状态",
    "kind": "类别",
    "joined_on": "入党日期",
    "full_on": "转正日期",
    "transferred_in_on": "转入日期",
    "transferred_out_on": "转出日期",
    "phone": "联系电话",
    "unit_name": "报到单位",
}


def member_edit_of(session: Session, member_id: int, *, scope: Scope, actor: str) -> tuple[str, MemberEdit]:
    """The member's name and their record as it stands, audited (it shows the phone)."""
    member, branch = member_in_scope(session, member_id, scope)
    audit.record(
        session, actor=actor, action="party_member_view", subject=member.id_masked, purpose=branch.name
    )
    return member.name, MemberEdit(**{f.name: getattr(member, f.name) for f in fields(MemberEdit)})


def _check(change: MemberEdit) -> None:
    if change.status not in MEMBER_STATUSES:
        raise MemberError("党员状态只能是正式或预备")
    if change.kind not in MEMBER_KINDS:
        raise MemberError("党员类别只能是在册、流动或在职党员到社区报到")
    if change.status == "probation" and change.full_on is not None:
        raise MemberError("预备党员不应有转正日期")
    if change.full_on and change.joined_on and change.full_on < change.joined_on:
        raise MemberError("转正日期不能早于入党日期")
    if (
        change.transferred_out_on
        and change.transferred_in_on
        and change.transferred_out_on < change.transferred_in_on
    ):
        raise MemberError("转出日期不能早于转入日期")
    if len(change.phone) > 30 or len(change.unit_name) > 80:
        raise MemberError("联系电话或报到单位过长")


def edit_member(
    session: Session, member_id: int, change: MemberEdit, *, scope: Scope, actor: str
) -> MemberRow:
    """Write ``change``; a member made full from probation needs the date (转正日期)."""
    member, branch = member_in_scope(session, member_id, scope)
    if member.left_on is not None:
        raise MemberError(f"{member.name}已于{member.left_on}离开党员名册")
    change = MemberEdit(
        **{
            **{f.name: getattr(change, f.name) for f in fields(MemberEdit)},
            "phone": change.phone.strip(),
            "unit_name": change.unit_name.strip(),
        }
    )
    if member.status == "probation" and change.status == "full" and change.full_on is None:
        raise MemberError("预备党员转为正式党员须填写转正日期")
    _check(change)
    changed = [
        LABELS[f.name] for f in fields(MemberEdit) if getattr(member, f.name) != getattr(change, f.name)
    ]
    if not changed:
        return member_row(member, branch)
    for f in fields(MemberEdit):
        setattr(member, f.name, getattr(change, f.name))
    purpose = "修改" + "、".join(changed)
    if "状态" in changed and change.status == "full":
        purpose += f"（{change.full_on}转正）"
    audit.record(session, actor=actor, action="party_member_edit", subject=member.id_masked, purpose=purpose)
    session.flush()
    return member_row(member, branch)


def leave_register(
    session: Session, member_id: int, left_on: dt.date, reason: str, *, scope: Scope, actor: str
) -> MemberRow:
    """The member leaves the register on ``left_on``; the row stays for the meeting records that
    name them, and a resident loses the 党员 tag (the tag follows the register)."""
    member, branch = member_in_scope(session, member_id, scope)
    if member.left_on is not None:
        raise MemberError(f"{member.name}已于{member.left_on}离开党员名册")
    if not reason.strip():
        raise MemberError("请填写离开名册的原因，如：" + "、".join(LEAVE_REASONS))
    member.left_on, member.left_reason = left_on, reason.strip()[:80]
    if reason.strip() == "组织关系转出" and member.transferred_out_on is None:
        member.transferred_out_on = left_on
    if member.resident_id is not None:
        resident = session.get(Resident, member.resident_id)
        tag = session.scalar(select(Tag).where(Tag.code == PARTY_TAG))
        if resident is not None and tag is not None and tag in resident.tags:
            resident.tags.remove(tag)
    audit.record(
        session,
        actor=actor,
        action="party_member_leave",
        subject=member.id_masked,
        purpose=f"{left_on} {reason.strip()}",
    )
    session.flush()
    return member_row(member, branch)
