"""双报到: in-service members who report to the community from their unit, the posts they
claim, the services they give, and a year's summary per member and per unit (the 报到服务记实
the member takes back). The reporting unit is a free name for now."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import REPORT_IN_POSTS, PartyMember, PartyOrganisation, ReportInService
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.common.idcard import IdNumberError, mask, parse
from app.services.party.members import MemberError, MemberRow, branch_of_grid, member_in_scope, member_row


@dataclass(frozen=True, slots=True)
class ServiceRow:
    served_on: dt.date
    post: str
    hours: float
    content: str
    confirmed_by: str


@dataclass(frozen=True, slots=True)
class MemberYear:
    """One member's year of 双报到 services: the 报到服务记实 sheet."""

    member_id: int
    name: str
    id_masked: str
    unit_name: str
    branch: str
    year: int
    services: tuple[ServiceRow, ...]

    @property
    def hours(self) -> float:
        return sum(s.hours for s in self.services)


@dataclass(frozen=True, slots=True)
class UnitYear:
    unit_name: str
    members: int
    services: int
    hours: float


def add_outside_member(
    session: Session,
    *,
    name: str,
    id_text: str,
    grid_code: str,
    unit_name: str,
    scope: Scope,
    actor: str,
    phone: str = "",
    status: str = "full",
) -> MemberRow:
    """Register an in-service member who lives elsewhere; only the masked number is kept."""
    name = name.strip()
    if not name:
        raise MemberError("请填写党员姓名")
    if not unit_name.strip():
        raise MemberError("请填写报到单位名称")
    try:
        number = parse(id_text).number
    except IdNumberError as exc:
        raise MemberError(str(exc)) from None
    branch = branch_of_grid(session, grid_code)
    if not scope.allows_grid(branch.grid_id):
        raise MemberError("该党支部不在您负责的网格")
    member = PartyMember(
        name=name,
        id_masked=mask(number),
        branch_id=branch.id,
        status=status,
        kind="in_service",
        unit_name=unit_name.strip(),
        phone=phone,
    )
    session.add(member)
    session.flush()
    audit.record(session, actor=actor, action="party_member_add", subject=mask(number), purpose=branch.name)
    return member_row(member, branch)


def record_service(
    session: Session,
    member_id: int,
    *,
    served_on: dt.date,
    post: str,
    hours: float,
    content: str,
    confirmed_by: str,
    scope: Scope,
    actor: str,
) -> ServiceRow:
    """Record one 双报到 service, audited."""
    member, _ = member_in_scope(session, member_id, scope)
    if post not in REPORT_IN_POSTS:
        raise MemberError("岗位只能是：" + "、".join(REPORT_IN_POSTS))
    if not 0 < hours <= 24:
        raise MemberError("服务时长应在0到24小时之间")
    if not content.strip():
        raise MemberError("请填写服务内容")
    session.add(
        ReportInService(
            member_id=member.id,
            served_on=served_on,
            post=post,
            hours=hours,
            content=content.strip(),
            confirmed_by=confirmed_by.strip(),
        )
    )
    audit.record(
        session,
        actor=actor,
        action="party_report_in",
        subject=member.id_masked,
        purpose=f"{post} {hours}小时",
    )
    return ServiceRow(served_on, post, hours, content.strip(), confirmed_by.strip())


def member_year(session: Session, member_id: int, year: int, *, scope: Scope, actor: str) -> MemberYear:
    """One member's services in ``year`` (the 报到服务记实), audited as a read of their record."""
    member, branch = member_in_scope(session, member_id, scope)
    services = session.scalars(
        select(ReportInService)
        .where(
            ReportInService.member_id == member.id,
            ReportInService.served_on >= dt.date(year, 1, 1),
            ReportInService.served_on <= dt.date(year, 12, 31),
        )
        .order_by(ReportInService.served_on, ReportInService.id)
    ).all()
    audit.record(
        session, actor=actor, action="party_report_in_view", subject=member.id_masked, purpose=str(year)
    )
    return MemberYear(
        member.id,
        member.name,
        member.id_masked,
        member.unit_name,
        branch.name,
        year,
        tuple(ServiceRow(s.served_on, s.post, s.hours, s.content, s.confirmed_by) for s in services),
    )


def unit_years(session: Session, year: int, *, scope: Scope) -> list[UnitYear]:
    """Per reporting unit: members who served, services and hours in ``year`` (no one named)."""
    rows = session.execute(
        select(PartyMember.unit_name, PartyMember.id, ReportInService.hours)
        .join(ReportInService, ReportInService.member_id == PartyMember.id)
        .join(PartyOrganisation, PartyMember.branch_id == PartyOrganisation.id)
        .where(
            scope.grid_filter(PartyOrganisation.grid_id),
            ReportInService.served_on >= dt.date(year, 1, 1),
            ReportInService.served_on <= dt.date(year, 12, 31),
        )
    ).all()
    members: dict[str, set[int]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    hours: dict[str, float] = defaultdict(float)
    for unit, member_id, served in rows:
        name = unit or "（未填单位）"
        members[name].add(member_id)
        counts[name] += 1
        hours[name] += served
    return [UnitYear(u, len(members[u]), counts[u], round(hours[u], 1)) for u in sorted(members)]
