"""The year-end ranking of a branch and the four grades (民主评议党员: 优秀、合格、基本合格、
不合格). The program proposes a grade from the points by the centre's written grading rule; the
branch's meeting decides, and the decision is recorded with who entered it and what had been
proposed, so the sheet shows where the branch departed from the figures."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import PARTY_GRADES, PartyMemberGrade, PartyOrganisation
from app.services.admin.permissions import require
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.party.members import MemberError, member_in_scope
from app.services.party.point_rules import Grading, grading
from app.services.party.points import MemberPoints, branch_points

GRADE_BY_NAME = {name: code for code, name in PARTY_GRADES.items()}
ORDER = list(PARTY_GRADES)  # best first


@dataclass(frozen=True, slots=True)
class RankRow:
    member_id: int
    name: str
    id_masked: str
    group: str
    place: int  # within the branch and the group; equal points share a place
    of: int  # members in the group
    points: float
    unexcused: int
    proposed: str  # 优秀 …; "" for an in-service member with no record in the year
    why: str  # the proposal in words
    decided: str  # the branch's grade, or ""
    decided_by: str
    note: str


@dataclass(frozen=True, slots=True)
class BranchYear:
    branch_id: int
    branch: str
    year: int
    rows: tuple[RankRow, ...]
    rule: str  # the grading rule in words, for the sheet's foot


def propose(points: float, unexcused: int, place: int, of: int, rule: Grading) -> tuple[str, str]:
    """The proposed grade code and the reason in words."""
    top = math.floor(of * rule.excellent_share)
    if points < rule.unqualified_below:
        code, why = "unqualified", f"积分少于{rule.unqualified_below:g}分"
    elif points < rule.basic_below:
        code, why = "basic", f"积分少于{rule.basic_below:g}分"
    elif place <= top and points >= rule.excellent_min_points:
        code, why = "excellent", f"居前{rule.excellent_share:.0%}且不少于{rule.excellent_min_points:g}分"
    else:
        code, why = "qualified", "积分达到合格"
    if unexcused >= rule.absences_cap_basic and ORDER.index(code) < ORDER.index("basic"):
        code, why = "basic", f"无故缺席{unexcused}次（{rule.absences_cap_basic}次及以上最高基本合格）"
    return code, why


def _ranked(found: list[MemberPoints], decided: dict[int, PartyMemberGrade], rule: Grading) -> list[RankRow]:
    rows = []
    for group in ("在册党员", "在职党员"):
        members = sorted((m for m in found if m.group == group), key=lambda m: (-m.total, m.member_id))
        place = 0
        for index, member in enumerate(members):
            if index == 0 or member.total != members[index - 1].total:
                place = index + 1
            if group == "在职党员" and not member.lines:
                code, why = "", "本年度无报到服务记录，请与其所在单位核实"
            else:
                code, why = propose(member.total, member.unexcused, place, len(members), rule)
            grade = decided.get(member.member_id)
            rows.append(
                RankRow(
                    member.member_id,
                    member.name,
                    member.id_masked,
                    group,
                    place,
                    len(members),
                    member.total,
                    member.unexcused,
                    PARTY_GRADES.get(code, ""),
                    why,
                    PARTY_GRADES[grade.grade] if grade else "",
                    grade.decided_by if grade else "",
                    grade.note if grade else "",
                )
            )
    return rows


def rank_branch(session: Session, branch_id: int, year: int, *, scope: Scope) -> BranchYear:
    """A branch's members ranked by points for ``year`` with the proposed and decided grades
    (not audited: :func:`branch_year` is the read that shows it to someone)."""
    found = branch_points(session, branch_id, year, scope=scope)
    branch = session.get(PartyOrganisation, branch_id)
    decided = {
        g.member_id: g
        for g in session.scalars(
            select(PartyMemberGrade).where(
                PartyMemberGrade.year == year, PartyMemberGrade.member_id.in_([m.member_id for m in found])
            )
        )
    }
    rule = grading(session)
    return BranchYear(branch.id, branch.name, year, tuple(_ranked(found, decided, rule)), rule.wording)


def branch_year(
    session: Session, branch_id: int, year: int, *, scope: Scope, actor: str, purpose: str = "党员积分排名"
) -> BranchYear:
    """:func:`rank_branch` for a person, audited as one list (``purpose``: what it is shown for)."""
    require(session, actor, "party.points_view")
    record = rank_branch(session, branch_id, year, scope=scope)
    audit.record_list(
        session,
        actor=actor,
        action="party_points_list",
        shown=len(record.rows),
        what=f"{record.branch}{year}年度{purpose}",
    )
    return record


def decide_grade(
    session: Session,
    member_id: int,
    year: int,
    grade: str,
    *,
    scope: Scope,
    actor: str,
    note: str = "",
    today: dt.date | None = None,
) -> RankRow:
    """Record the grade the branch gave a member for ``year`` (a code or its Chinese name), with
    the proposal and points of the moment beside it; deciding again replaces it, audited."""
    require(session, actor, "party.grade")
    code = GRADE_BY_NAME.get(grade.strip(), grade.strip())
    if code not in PARTY_GRADES:
        raise MemberError("评定等次只能是：" + "、".join(PARTY_GRADES.values()))
    member, branch = member_in_scope(session, member_id, scope)
    if code in ("basic", "unqualified") and not note.strip():
        raise MemberError("评为基本合格或不合格，请写明支部的评议意见")
    proposal = next(
        r for r in rank_branch(session, branch.id, year, scope=scope).rows if r.member_id == member.id
    )
    row = session.scalar(
        select(PartyMemberGrade).where(PartyMemberGrade.member_id == member.id, PartyMemberGrade.year == year)
    )
    if row is None:
        row = PartyMemberGrade(member_id=member.id, year=year)
        session.add(row)
    row.grade = code
    row.proposed = GRADE_BY_NAME.get(proposal.proposed, "")
    row.points = proposal.points
    row.note = note.strip()[:200]
    row.decided_by = actor
    row.decided_on = today or dt.date.today()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="party_grade",
        subject=member.id_masked,
        purpose=f"{year}年度评定：{PARTY_GRADES[code]}",
        detail=f"建议{proposal.proposed}，积分{proposal.points:g}",
    )
    return RankRow(
        proposal.member_id,
        proposal.name,
        proposal.id_masked,
        proposal.group,
        proposal.place,
        proposal.of,
        proposal.points,
        proposal.unexcused,
        proposal.proposed,
        proposal.why,
        PARTY_GRADES[code],
        actor,
        row.note,
    )
