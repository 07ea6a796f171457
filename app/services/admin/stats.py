"""Counts of the population base, per community: the first thing the desk shows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import LIVING, Building, Community, Grid, Household, Resident, Street
from app.services.admin.scope import WHOLE_STREET, Scope


@dataclass(frozen=True)
class CommunityCounts:
    code: str
    name: str
    grids: int
    buildings: int
    households: int
    residents: int


@dataclass(frozen=True)
class StreetCounts:
    street: str | None
    communities: list[CommunityCounts]

    @property
    def totals(self) -> CommunityCounts:
        return CommunityCounts(
            code="",
            name="合计",
            grids=sum(c.grids for c in self.communities),
            buildings=sum(c.buildings for c in self.communities),
            households=sum(c.households for c in self.communities),
            residents=sum(c.residents for c in self.communities),
        )


def street_counts(session: Session, scope: Scope = WHOLE_STREET) -> StreetCounts:
    """One grouped query per level, so the counts stay quick with a million residents. A grid
    worker's ``scope`` counts their grids only (and lists only the communities holding them)."""
    street = session.scalar(select(Street.name).order_by(Street.id).limit(1))
    per = {
        "grids": _grouped(session, select(Grid.community_id, func.count(Grid.id)), scope),
        "buildings": _grouped(
            session, select(Grid.community_id, func.count(Building.id)).join(Building.grid), scope
        ),
        "households": _grouped(
            session,
            select(Grid.community_id, func.count(Household.id)).join(Household.building).join(Building.grid),
            scope,
        ),
        "residents": _grouped(
            session,
            select(Grid.community_id, func.count(Resident.id))
            .join(Resident.household)
            .join(Household.building)
            .join(Building.grid)
            .where(Resident.state == LIVING),
            scope,
        ),
    }
    communities = [
        CommunityCounts(
            code, name, *(per[k].get(cid, 0) for k in ("grids", "buildings", "households", "residents"))
        )
        for cid, code, name in session.execute(
            select(Community.id, Community.code, Community.name).order_by(Community.code)
        )
        if scope.whole_street or cid in per["grids"]
    ]
    return StreetCounts(street, communities)


def _grouped(session: Session, stmt, scope: Scope) -> dict[int, int]:
    return dict(session.execute(stmt.where(scope.grid_filter(Grid.id)).group_by(Grid.community_id)).all())
