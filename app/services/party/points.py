"""党员积分: a member's points for a year, every line explained (which rule, the date, what
happened, the points), computed from the records each rule's source reads plus the points given
by hand with a reason and an approver. Nothing computed is stored: a corrected record changes the
points the next time they are asked for."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Community, Grid, PartyMember, PartyOrganisation, PartyPointEntry, User
from app.services.admin.permissions import can, require
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.party.members import MemberError, member_in_scope
from app.services.party.point_rules import Rule, active_rules
from app.services.party.point_sources import SOURCES

MANUAL = "手工录入"
ABSENCE_SOURCE = "meeting_unexcused"
ENTRY_LIMIT = 20.0  # the most one entry by hand may give or take


@dataclass(frozen=True, slots=True)
class PointLine:
    rule: str  # the rule's name, or 手工录入
    on: dt.date
    what: str
    points: float
    entry_id: int | None = None  # a line given by hand: its entry, which can be withdrawn


@dataclass(frozen=True, slots=True)
class MemberPoints:
    member_id: int
    name: str
    id_masked: str
    branch_id: int
    branch: str
    group: str  # 在册党员 (registered and floating) or 在职党员
    year: int
    lines: tuple[PointLine, ...]
    unexcused: int  # unexcused absences from party life in the year

    @property
    def total(self) -> float:
        return round(sum(line.points for line in self.lines), 1)

    def by_rule(self) -> dict[str, float]:
        sums: dict[str, float] = defaultdict(float)
        for line in self.lines:
            sums[line.rule] += line.points
        return {rule: round(points, 1) for rule, points in sums.items()}


@dataclass(frozen=True, slots=True)
class BranchChoice:
    id: int
    label: str  # 社区 · 支部（网格编码）


def group_of(kind: str) -> str:
    return "在职党员" if kind == "in_service" else "在册党员"


def branch_choices(session: Session, *, scope: Scope) -> list[BranchChoice]:
    """The grid branches the person may see, named with their community (branch names repeat)."""
    rows = session.execute(
        select(PartyOrganisation.id, PartyOrganisation.name, Community.name, Grid.code)
        .join(Community, Community.id == PartyOrganisation.community_id)
        .join(Grid, Grid.id == PartyOrganisation.grid_id)
        .where(PartyOrganisation.level == "grid_branch", scope.grid_filter(PartyOrganisation.grid_id))
        .order_by(PartyOrganisation.community_id, PartyOrganisation.sort_order, PartyOrganisation.id)
    ).all()
    return [BranchChoice(b, f"{community} · {name}（{code}）") for b, name, community, code in rows]


def scored_lines(rule: Rule, facts) -> list[PointLine]:
    """A rule's lines for one member, in date order: every ``per`` units give ``points``, and once
    the year's cap is reached the remaining records still show, with the points they no longer get."""
    lines = []
    total = 0.0
    for fact in sorted(facts, key=lambda f: (f.on, f.what)):
        points = rule.points * fact.quantity / rule.per
        what = fact.what
        if rule.cap is not None and abs(total + points) > rule.cap:
            allowed = max(rule.cap - abs(total), 0.0)
            points = allowed if points > 0 else -allowed
            what += f"（已达年度上限{rule.cap:g}分）"
        total += points
        lines.append(PointLine(rule.name, fact.on, what, round(points, 2)))
    return lines


def compute(
    session: Session, members: Sequence[PartyMember], year: int
) -> dict[int, tuple[list[PointLine], int]]:
    """Lines and unexcused absences per member id, each source asked once for all ``members``."""
    ids = [m.id for m in members]
    lines: dict[int, list[PointLine]] = {i: [] for i in ids}
    absences: dict[int, int] = dict.fromkeys(ids, 0)
    if not ids:
        return {}
    for rule in active_rules(session):
        facts: dict[int, list] = defaultdict(list)
        for fact in SOURCES[rule.source](session, ids, year, rule.params):
            facts[fact.member_id].append(fact)
        for member_id, found in facts.items():
            lines[member_id] += scored_lines(rule, found)
            if rule.source == ABSENCE_SOURCE:
                absences[member_id] += len(found)
    for entry in session.scalars(
        select(PartyPointEntry).where(
            PartyPointEntry.member_id.in_(ids),
            PartyPointEntry.entered_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)),
            PartyPointEntry.withdrawn_on.is_(None),
        )
    ):
        what = f"{entry.reason}（审批：{entry.approved_by}）"
        lines[entry.member_id].append(PointLine(MANUAL, entry.entered_on, what, entry.points, entry.id))
    return {i: (sorted(lines[i], key=lambda line: line.on), absences[i]) for i in ids}


def _points_of(member: PartyMember, branch: PartyOrganisation, year: int, found) -> MemberPoints:
    lines, absences = found
    return MemberPoints(
        member.id,
        member.name,
        member.id_masked,
        branch.id,
        branch.name,
        group_of(member.kind),
        year,
        tuple(lines),
        absences,
    )


def member_points(session: Session, member_id: int, year: int, *, scope: Scope, actor: str) -> MemberPoints:
    """One member's points for ``year`` with every line, audited as a read of their record."""
    require(session, actor, "party.points_view")
    member, branch = member_in_scope(session, member_id, scope)
    result = _points_of(member, branch, year, compute(session, [member], year)[member.id])
    audit.record(
        session,
        actor=actor,
        action="party_points_view",
        subject=member.id_masked,
        purpose=f"{year}年度党员积分",
    )
    return result


def branch_points(session: Session, branch_id: int, year: int, *, scope: Scope) -> list[MemberPoints]:
    """Every member of a branch with their points (not audited: the callers audit what they show)."""
    branch = session.get(PartyOrganisation, branch_id)
    if branch is None or branch.level != "grid_branch" or not scope.allows_grid(branch.grid_id):
        raise MemberError(f"没有编号为{branch_id}的网格党支部，或不在您负责的网格")
    members = [
        m
        for m in session.scalars(
            select(PartyMember).where(PartyMember.branch_id == branch.id).order_by(PartyMember.id)
        )
        if _member_during(m, year)
    ]
    found = compute(session, members, year)
    return [_points_of(m, branch, year, found[m.id]) for m in members]


def _member_during(member: PartyMember, year: int) -> bool:
    """Whether the member belonged to the branch at some time in ``year``: one who joined or came
    later, or left before it, is not ranked with that year's members."""
    came = max((d for d in (member.joined_on, member.transferred_in_on) if d is not None), default=None)
    if came is not None and came.year > year:
        return False
    return member.transferred_out_on is None or member.transferred_out_on.year >= year


@dataclass(frozen=True, slots=True)
class EntryRow:
    member_id: int
    name: str
    on: dt.date
    points: float
    reason: str
    approved_by: str
    entry_id: int


def add_entry(
    session: Session,
    member_id: int,
    *,
    points: float,
    reason: str,
    approver: str,
    on: dt.date,
    scope: Scope,
    actor: str,
) -> EntryRow:
    """Points given or taken by hand. The reason is required and the approver must be an active
    account that may approve points (a 书记 or the centre's office, not whoever types them in)."""
    require(session, actor, "party.points_enter")
    member, _ = member_in_scope(session, member_id, scope)
    reason = reason.strip()
    if not reason:
        raise MemberError("请填写加减分事由")
    if points == 0 or abs(points) > ENTRY_LIMIT:
        raise MemberError(f"手工加减分应在-{ENTRY_LIMIT:g}到{ENTRY_LIMIT:g}分之间且不为0")
    approver = _approver(session, approver)
    entry = PartyPointEntry(
        member_id=member.id,
        entered_on=on,
        points=points,
        reason=reason[:200],
        approved_by=approver,
        recorded_by=actor,
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="party_points_add",
        subject=member.id_masked,
        purpose=f"{points:+g}分：{reason[:60]}",
        detail=f"审批：{approver}",
    )
    return EntryRow(member.id, member.name, on, points, reason, approver, entry.id)


def withdraw_entry(
    session: Session, entry_id: int, *, reason: str, approver: str, on: dt.date, scope: Scope, actor: str
) -> EntryRow:
    """Withdraw points given by hand in error (the wrong member, the wrong sign): the entry stays
    on record with who withdrew it, who approved that and why, and no longer counts. The same
    rights as giving them: an account that records points, and an approver who may approve them."""
    require(session, actor, "party.points_enter")
    entry = session.get(PartyPointEntry, entry_id)
    if entry is None:
        raise MemberError(f"没有编号为{entry_id}的手工加减分记录")
    member, _ = member_in_scope(session, entry.member_id, scope)
    if entry.withdrawn_on is not None:
        raise MemberError(f"这条加减分已于{entry.withdrawn_on.isoformat()}撤销")
    reason = reason.strip()
    if not reason:
        raise MemberError("请填写撤销事由")
    entry.withdraw_approved_by = _approver(session, approver)
    entry.withdrawn_on, entry.withdrawn_by, entry.withdraw_reason = on, actor, reason[:200]
    audit.record(
        session,
        actor=actor,
        action="party_points_withdraw",
        subject=member.id_masked,
        purpose=f"撤销{entry.points:+g}分（{entry.entered_on.isoformat()}）：{reason[:60]}",
        detail=f"审批：{entry.withdraw_approved_by}",
    )
    return EntryRow(
        member.id, member.name, entry.entered_on, entry.points, entry.reason, entry.approved_by, entry.id
    )


def _approver(session: Session, username: str) -> str:
    """``username`` if it names an active account that may approve points, else a refusal."""
    username = username.strip()
    account = session.scalar(select(User).where(User.username == username))
    if account is None or not account.active:
        raise MemberError(f"审批人“{username}”不是可用的账号")
    if not can(account.role, "party.points_approve"):
        raise MemberError(f"账号“{username}”无权审批党员积分")
    return username


def approvers(session: Session) -> list[str]:
    """The active accounts that may approve points given by hand, for the desk's choice list."""
    names = session.scalars(select(User.username).where(User.active.is_(True)).order_by(User.username))
    roles = dict(session.execute(select(User.username, User.role)).all())
    return [name for name in names if can(roles[name], "party.points_approve")]
