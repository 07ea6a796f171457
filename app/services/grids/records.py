"""What the grid screens show, as records: the tree of places (CommunityNode → GridNode →
BuildingNode), one grid's record for the editor (GridDetail with its StaffRow and BuildingRow), and
a grid's notice board state (BoardRow). Read by app.services.grids.places; the views receive
these and never a model object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.models.staff import STAFF_ROLES, role_name
from app.services.grids.rules import GRID_FIELDS, PARTY_FIELDS


@dataclass(frozen=True, slots=True)
class BuildingNode:
    id: int
    name: str
    households: int
    residents: int
    leader: str  # 楼栋长, names joined with "、"


@dataclass(frozen=True, slots=True)
class GridNode:
    id: int
    code: str
    name: str
    households: int
    residents: int
    board_outdated: bool
    buildings: tuple[BuildingNode, ...]


@dataclass(frozen=True, slots=True)
class CommunityNode:
    id: int
    code: str
    name: str
    street_code: str
    street_name: str
    grids: tuple[GridNode, ...]

    @property
    def households(self) -> int:
        return sum(g.households for g in self.grids)

    @property
    def residents(self) -> int:
        return sum(g.residents for g in self.grids)


@dataclass(frozen=True, slots=True)
class StaffRow:
    id: int
    role: str
    name: str
    phone: str
    organisation: str
    duty: str
    photo: bytes | None
    building_id: int | None
    building: str

    @property
    def role_name(self) -> str:
        return role_name(self.role)

    @property
    def group(self) -> str:
        """ "1", "9" or "X" of 1+9+X."""
        return STAFF_ROLES.get(self.role, ("", "X"))[1]


@dataclass(frozen=True, slots=True)
class BuildingRow:
    id: int
    name: str
    address: str
    units: int
    floors: int
    households: int
    residents: int
    leaders: str  # 楼栋长 with phones
    party_group: str  # 楼栋党小组 and its leader
    member_households: tuple[str, ...]  # 党员中心户


@dataclass(frozen=True, slots=True)
class GridDetail:
    id: int
    code: str
    name: str
    community_code: str
    community_name: str
    street_name: str
    boundary_east: str
    boundary_south: str
    boundary_west: str
    boundary_north: str
    coverage: str
    area_km2: float | None
    hotline: str
    star_rating: int
    party_branch: str
    party_secretary: str
    party_secretary_phone: str
    board_version: int
    board_printed_version: int
    board_printed_at: dt.datetime | None
    households: int
    residents: int
    staff: tuple[StaffRow, ...]
    buildings: tuple[BuildingRow, ...]

    @property
    def board_outdated(self) -> bool:
        return self.board_printed_version < self.board_version

    def values(self) -> dict[str, Any]:
        """The editable fields, as update_grid takes them."""
        return {field: getattr(self, field) for field in (*GRID_FIELDS, *PARTY_FIELDS)}


@dataclass(frozen=True, slots=True)
class BoardRow:
    code: str
    name: str
    community: str
    board_version: int
    printed_version: int
    printed_at: dt.datetime | None

    @property
    def outdated(self) -> bool:
        return self.printed_version < self.board_version
