"""The four-level party organisation inside a community:
社区党组织 — 网格党支部 — 楼栋党小组 — 党员中心户."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Timestamped
from app.models.cases import new_uuid

# Levels from the top down; a child's level is always the next one.
PARTY_LEVELS: dict[str, str] = {
    "community": "社区党组织",
    "grid_branch": "网格党支部",
    "building_group": "楼栋党小组",
    "member_household": "党员中心户",
}


class PartyOrganisation(Timestamped, Base):
    """One node of the tree. Grid branches point at a grid, building groups at a building and
    party-member households at the household and the member who runs it."""

    __tablename__ = "party_organisations"
    # Grid branches travel up to the street (their name and grid), so that the street knows a
    # branch with neither members nor meetings, and a renamed one by its new name. Only they:
    # a building group or a 党员中心户 is often named after the member who leads it.
    sync_type: ClassVar[str] = "party_branch"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), index=True, unique=True, default=new_uuid)
    level: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(80))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("party_organisations.id", ondelete="RESTRICT"), index=True, default=None
    )
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="RESTRICT"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id", ondelete="RESTRICT"), index=True)
    building_id: Mapped[int | None] = mapped_column(
        ForeignKey("buildings.id", ondelete="RESTRICT"), index=True, default=None
    )
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"), index=True, default=None
    )
    leader_resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), index=True, default=None
    )
    leader_name: Mapped[str] = mapped_column(String(50), default="")  # 书记 / 组长 / 中心户户主
    leader_phone: Mapped[str] = mapped_column(String(30), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    @hybrid_property
    def sync_travels(self):
        """Whether this node's changes travel (a row's answer, or the filter in SQL)."""
        return self.level == "grid_branch"

    parent: Mapped[PartyOrganisation | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[PartyOrganisation]] = relationship(
        back_populates="parent", order_by="PartyOrganisation.sort_order"
    )

    @property
    def level_name(self) -> str:
        return PARTY_LEVELS.get(self.level, self.level)
