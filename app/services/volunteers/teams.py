"""Volunteer teams: a team belongs to a community and serves one grid of it or the whole
community; a grid worker keeps the teams of their own grids."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import TEAM_KINDS, Community, Grid, TeamMembership, VolunteerTeam
from app.services.admin.permissions import NotPermitted, require
from app.services.admin.scope import Scope
from app.services.common import audit


class VolunteerError(ValueError):
    """A volunteer step that cannot be taken, in one Chinese sentence for the person."""


@dataclass(frozen=True, slots=True)
class TeamRow:
    id: int
    name: str
    kind: str  # in Chinese
    community: str
    area: str  # the grid's name, or 全社区
    leader: str
    members: int


def allowed(session: Session, actor: str, action: str) -> None:
    """Raise VolunteerError when the account behind ``actor`` may not take ``action``."""
    try:
        require(session, actor, action)
    except NotPermitted as exc:
        raise VolunteerError(str(exc)) from None


def add_team(
    session: Session,
    *,
    name: str,
    kind: str,
    community_code: str = "",
    grid_code: str = "",
    leader: str = "",
    leader_phone: str = "",
    scope: Scope,
    actor: str,
) -> TeamRow:
    """A new team for one grid (``grid_code``) or a whole community (``community_code``)."""
    allowed(session, actor, "volunteer.manage")
    name = name.strip()
    if not name:
        raise VolunteerError("请填写服务队名称")
    if kind not in TEAM_KINDS:
        raise VolunteerError("服务队类别只能是：" + "、".join(f"{k}（{v}）" for k, v in TEAM_KINDS.items()))
    grid = None
    if grid_code:
        grid = session.scalar(select(Grid).where(Grid.code == grid_code.strip()))
        if grid is None:
            raise VolunteerError(f"网格“{grid_code}”不存在")
        community_id = grid.community_id
    else:
        community_id = session.scalar(select(Community.id).where(Community.code == community_code.strip()))
        if community_id is None:
            raise VolunteerError("请给出服务队所在的网格编码或社区代码")
    if not scope.allows_grid(grid.id if grid else None):
        raise VolunteerError("只能为您负责的网格建立服务队；全社区的服务队由中心建立")
    team = VolunteerTeam(
        community_id=community_id,
        grid_id=grid.id if grid else None,
        name=name,
        kind=kind,
        leader=leader.strip(),
        leader_phone=leader_phone.strip(),
    )
    session.add(team)
    session.flush()
    audit.record(session, actor=actor, action="volunteer_team", subject=f"服务队{team.id}", purpose=name)
    return team_rows(session, scope=scope, team_id=team.id)[0]


def team_in_scope(session: Session, team_id: int, scope: Scope) -> VolunteerTeam:
    team = session.get(VolunteerTeam, team_id)
    if team is None or not scope.allows_grid(team.grid_id):
        raise VolunteerError(f"没有编号为{team_id}的服务队，或不在您负责的网格")
    return team


def team_rows(session: Session, *, scope: Scope, team_id: int | None = None) -> list[TeamRow]:
    """The teams the person may see, by community and name (no one named: the leader is a role
    printed on the notice boards)."""
    members = (
        select(TeamMembership.team_id, func.count().label("n")).group_by(TeamMembership.team_id).subquery()
    )
    stmt = (
        select(VolunteerTeam, Community.name, Grid.name, members.c.n)
        .join(Community, Community.id == VolunteerTeam.community_id)
        .outerjoin(Grid, Grid.id == VolunteerTeam.grid_id)
        .outerjoin(members, members.c.team_id == VolunteerTeam.id)
        .where(scope.grid_filter(VolunteerTeam.grid_id), VolunteerTeam.active.is_(True))
        .order_by(Community.code, VolunteerTeam.grid_id.is_not(None), Grid.code, VolunteerTeam.id)
    )
    if team_id is not None:
        stmt = stmt.where(VolunteerTeam.id == team_id)
    return [
        TeamRow(t.id, t.name, TEAM_KINDS.get(t.kind, t.kind), community, grid or "全社区", t.leader, n or 0)
        for t, community, grid, n in session.execute(stmt)
    ]
