"""Grid management (网格管理): the tree of places, one grid's record, its staff and party branch.

Every change goes through here, is checked (app.services.grids.rules), written to the audit log
as "field: old → new" and, when it changes what the grid's notice board prints, raises the grid's
``board_version`` so the board is listed for reprinting. Functions add to the caller's session and
flush; the caller commits (one save in the desk is one transaction and one audit entry).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from app.models import (
    LIVING,
    Building,
    Community,
    Grid,
    GridStaff,
    Household,
    PartyOrganisation,
    Resident,
    Street,
)
from app.models.staff import BUILDING_LEADER, STAFF_ROLES
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.common import audit
from app.services.grids.records import (
    BoardRow,
    BuildingNode,
    BuildingRow,
    CommunityNode,
    GridDetail,
    GridNode,
    StaffRow,
)
from app.services.grids.rules import (
    BOARD_FIELDS,
    GRID_FIELDS,
    PARTY_FIELDS,
    GridEditError,
    clean_grid_values,
    shown_value,
)
from app.services.grids.staff import add_staff, editable_grid, find_grid, remove_staff, update_staff

__all__ = [
    "BoardRow",
    "BuildingNode",
    "BuildingRow",
    "CommunityNode",
    "GridDetail",
    "GridEditError",
    "GridNode",
    "StaffRow",
    "add_staff",
    "board_rows",
    "grid_detail",
    "grid_tree",
    "outdated_boards",
    "remove_staff",
    "update_grid",
    "update_staff",
]

_ROLE_ORDER = {code: index for index, code in enumerate(STAFF_ROLES)}


# --- reading -------------------------------------------------------------------------------------


def grid_tree(session: Session, scope: Scope = WHOLE_STREET) -> list[CommunityNode]:
    """Street → community → grid → building with household and resident counts, in six queries
    whatever the size of the population base (the counts are grouped per building). A grid
    worker's ``scope`` keeps their grids and the communities that hold them."""
    households = dict(
        session.execute(select(Household.building_id, func.count()).group_by(Household.building_id)).all()
    )
    residents = dict(
        session.execute(
            select(Household.building_id, func.count(Resident.id))
            .join(Resident.household)
            .where(Resident.state == LIVING)
            .group_by(Household.building_id)
        ).all()
    )
    leaders: dict[int, list[str]] = {}
    stmt = select(GridStaff.building_id, GridStaff.name).where(
        GridStaff.role == BUILDING_LEADER, GridStaff.building_id.is_not(None)
    )
    for building_id, name in session.execute(stmt.order_by(GridStaff.sort_order, GridStaff.id)):
        leaders.setdefault(building_id, []).append(name)
    buildings: dict[int, list[BuildingNode]] = {}
    stmt = select(Building.id, Building.grid_id, Building.name).order_by(Building.sort_order, Building.id)
    for building_id, grid_id, name in session.execute(stmt):
        node = BuildingNode(
            building_id,
            name,
            households.get(building_id, 0),
            residents.get(building_id, 0),
            "、".join(leaders.get(building_id, [])),
        )
        buildings.setdefault(grid_id, []).append(node)
    grids: dict[int, list[GridNode]] = {}
    stmt = select(
        Grid.id, Grid.community_id, Grid.code, Grid.name, Grid.board_version, Grid.board_printed_version
    )
    stmt = stmt.where(scope.grid_filter(Grid.id)).order_by(Grid.code)
    for grid_id, community_id, code, name, version, printed in session.execute(stmt):
        inside = tuple(buildings.get(grid_id, []))
        node = GridNode(
            grid_id,
            code,
            name,
            sum(b.households for b in inside),
            sum(b.residents for b in inside),
            printed < version,
            inside,
        )
        grids.setdefault(community_id, []).append(node)
    stmt = (
        select(Community.id, Community.code, Community.name, Street.code, Street.name)
        .join(Community.street)
        .order_by(Street.code, Community.code)
    )
    return [
        CommunityNode(cid, code, name, street_code, street_name, tuple(grids.get(cid, [])))
        for cid, code, name, street_code, street_name in session.execute(stmt)
        if scope.whole_street or cid in grids
    ]


def grid_detail(session: Session, grid_code: str, scope: Scope = WHOLE_STREET) -> GridDetail:
    """One grid as the editor shows it: its fields, party branch, counts, staff and buildings;
    a grid outside ``scope`` is as unknown as one that does not exist."""
    grid = find_grid(session, grid_code)
    if not scope.allows_grid(grid.id):
        raise GridEditError({"code": f"网格“{grid_code}”不在您负责的范围"})
    community = grid.community
    branch = _branch(session, grid)
    staff_rows = _staff(session, grid)
    building_rows = _buildings(session, grid, staff_rows)
    return GridDetail(
        id=grid.id,
        code=grid.code,
        name=grid.name,
        community_code=community.code,
        community_name=community.name,
        street_name=community.street.name,
        boundary_east=grid.boundary_east,
        boundary_south=grid.boundary_south,
        boundary_west=grid.boundary_west,
        boundary_north=grid.boundary_north,
        coverage=grid.coverage,
        area_km2=grid.area_km2,
        hotline=grid.hotline,
        star_rating=grid.star_rating,
        party_branch=branch.name if branch else "",
        party_secretary=branch.leader_name if branch else "",
        party_secretary_phone=branch.leader_phone if branch else "",
        board_version=grid.board_version,
        board_printed_version=grid.board_printed_version,
        board_printed_at=grid.board_printed_at,
        households=sum(b.households for b in building_rows),
        residents=sum(b.residents for b in building_rows),
        staff=tuple(staff_rows),
        buildings=tuple(building_rows),
    )


def board_rows(
    session: Session, *, outdated_only: bool = False, scope: Scope = WHOLE_STREET
) -> list[BoardRow]:
    """Every grid's board state within ``scope``, by community and grid code."""
    stmt = (
        select(
            Grid.code,
            Grid.name,
            Community.name,
            Grid.board_version,
            Grid.board_printed_version,
            Grid.board_printed_at,
        )
        .join(Grid.community)
        .where(scope.grid_filter(Grid.id))
        .order_by(Community.code, Grid.code)
    )
    if outdated_only:
        stmt = stmt.where(Grid.board_printed_version < Grid.board_version)
    return [BoardRow(*row) for row in session.execute(stmt)]


def outdated_boards(session: Session, scope: Scope = WHOLE_STREET) -> list[BoardRow]:
    """Grids (within ``scope``) whose board on the wall is older than what it would print now."""
    return board_rows(session, outdated_only=True, scope=scope)


def _branch(session: Session, grid: Grid) -> PartyOrganisation | None:
    stmt = select(PartyOrganisation).where(
        PartyOrganisation.grid_id == grid.id, PartyOrganisation.level == "grid_branch"
    )
    return session.scalars(stmt.order_by(PartyOrganisation.id)).first()


def _staff(session: Session, grid: Grid) -> list[StaffRow]:
    stmt = select(GridStaff).where(GridStaff.grid_id == grid.id).options(undefer(GridStaff.photo))
    people = sorted(session.scalars(stmt), key=lambda s: (_ROLE_ORDER.get(s.role, 99), s.sort_order, s.id))
    return [
        StaffRow(
            s.id,
            s.role,
            s.name,
            s.phone,
            s.organisation,
            s.duty,
            s.photo,
            s.building_id,
            s.building.name if s.building else "",
        )
        for s in people
    ]


def _buildings(session: Session, grid: Grid, staff: list[StaffRow]) -> list[BuildingRow]:
    ids = [b.id for b in grid.buildings]
    households = dict(
        session.execute(
            select(Household.building_id, func.count())
            .where(Household.building_id.in_(ids))
            .group_by(Household.building_id)
        ).all()
    )
    residents = dict(
        session.execute(
            select(Household.building_id, func.count(Resident.id))
            .join(Resident.household)
            .where(Resident.state == LIVING)
            .where(Household.building_id.in_(ids))
            .group_by(Household.building_id)
        ).all()
    )
    groups: dict[int, str] = {}
    centres: dict[int, list[str]] = {}
    stmt = select(PartyOrganisation).where(
        PartyOrganisation.grid_id == grid.id, PartyOrganisation.building_id.is_not(None)
    )
    for org in session.scalars(stmt.order_by(PartyOrganisation.sort_order, PartyOrganisation.id)):
        if org.level == "building_group":
            groups[org.building_id] = f"{org.name}（组长 {org.leader_name}）" if org.leader_name else org.name
        elif org.level == "member_household":
            centres.setdefault(org.building_id, []).append(org.name)
    rows = []
    for b in grid.buildings:
        leaders = "、".join(
            f"{s.name} {s.phone}".strip()
            for s in staff
            if s.building_id == b.id and s.role == BUILDING_LEADER
        )
        rows.append(
            BuildingRow(
                b.id,
                b.name,
                b.address,
                b.units,
                b.floors,
                households.get(b.id, 0),
                residents.get(b.id, 0),
                leaders,
                groups.get(b.id, ""),
                tuple(centres.get(b.id, [])),
            )
        )
    return rows


# --- editing the grid ----------------------------------------------------------------------------


def update_grid(session: Session, grid_code: str, changes: Mapping[str, Any], actor: str) -> list[str]:
    """Change the grid's fields (GRID_FIELDS) and its party branch (PARTY_FIELDS).

    Returns the "field: old → new" lines written to the audit log (empty when nothing changed,
    and then nothing is written). Raises GridEditError naming every refused field.
    """
    grid = editable_grid(session, find_grid(session, grid_code), actor)
    cleaned = clean_grid_values(changes)
    branch = _branch(session, grid)
    current = {field: getattr(grid, field) for field in GRID_FIELDS}
    current.update(
        party_branch=branch.name if branch else "",
        party_secretary=branch.leader_name if branch else "",
        party_secretary_phone=branch.leader_phone if branch else "",
    )
    diffs = {f: (current[f], v) for f, v in cleaned.items() if current[f] != v}
    if not diffs:
        return []
    if "code" in diffs and session.scalar(
        select(Grid.id).where(Grid.code == cleaned["code"], Grid.id != grid.id)
    ):
        raise GridEditError({"code": f"网格编码“{cleaned['code']}”已被其他网格使用"})
    if (
        branch is None
        and {"party_secretary", "party_secretary_phone"} & diffs.keys()
        and "party_branch" not in diffs
    ):
        raise GridEditError({"party_branch": "请先填写网格党支部名称"})
    for field, (_old, new) in diffs.items():
        if field in GRID_FIELDS:
            setattr(grid, field, new)
    party = {f: new for f, (_old, new) in diffs.items() if f in PARTY_FIELDS}
    if party:
        branch = branch or _new_branch(session, grid)
        branch.name = party.get("party_branch", branch.name)
        branch.leader_name = party.get("party_secretary", branch.leader_name)
        branch.leader_phone = party.get("party_secretary_phone", branch.leader_phone)
    if BOARD_FIELDS & diffs.keys():
        grid.board_version += 1
    labels = {**GRID_FIELDS, **PARTY_FIELDS}
    lines = [f"{labels[f]}: {shown_value(f, old)} → {shown_value(f, new)}" for f, (old, new) in diffs.items()]
    audit.record(
        session, actor=actor, action="edit", subject=grid.code, purpose="修改网格", detail="\n".join(lines)
    )
    session.flush()
    return lines


def _new_branch(session: Session, grid: Grid) -> PartyOrganisation:
    parent = session.scalars(
        select(PartyOrganisation)
        .where(PartyOrganisation.community_id == grid.community_id, PartyOrganisation.level == "community")
        .order_by(PartyOrganisation.id)
    ).first()
    branch = PartyOrganisation(
        level="grid_branch",
        name="",
        parent_id=parent.id if parent else None,
        community_id=grid.community_id,
        grid_id=grid.id,
        leader_name="",
        leader_phone="",
    )
    session.add(branch)
    return branch
