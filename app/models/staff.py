"""Grid staff under the 1+9+X arrangement: one grid leader, nine kinds of assigned staff and any
number of helpers; building leaders (楼栋长) belong to one building of the grid."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.models.area import Building, Grid
from app.models.base import Base, Timestamped

GRID_LEADER = "grid_leader"
BUILDING_LEADER = "building_leader"
HELPER = "helper"

# role code -> (Chinese name, group in 1+9+X). Order is the order of a notice board.
STAFF_ROLES: dict[str, tuple[str, str]] = {
    GRID_LEADER: ("网格长", "1"),
    "comprehensive": ("综治网格员", "9"),
    "urban_management": ("城管队员", "9"),
    "sanitation": ("环卫负责人", "9"),
    "justice": ("司法所工作人员", "9"),
    "market_regulation": ("市场监管员", "9"),
    "property_management": ("物管专员", "9"),
    "police": ("社区民警", "9"),
    "property_company": ("物业负责人", "9"),
    "co_builder": ("共建单位联系人", "9"),
    HELPER: ("志愿者", "X"),
    BUILDING_LEADER: ("楼栋长", "X"),
}


def role_name(code: str) -> str:
    return STAFF_ROLES.get(code, (code, ""))[0]


class GridStaff(Timestamped, Base):
    """A person serving a grid. Phones are public on notice boards by design; ID numbers never are."""

    __tablename__ = "grid_staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id", ondelete="CASCADE"), index=True)
    building_id: Mapped[int | None] = mapped_column(
        ForeignKey("buildings.id", ondelete="SET NULL"), index=True, default=None
    )
    role: Mapped[str] = mapped_column(String(30), index=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(30), default="")
    organisation: Mapped[str] = mapped_column(String(80), default="")  # 派出单位, e.g. 区城市管理局
    duty: Mapped[str] = mapped_column(Text, default="")  # 职责 as printed on the board
    photo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, default=None))
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), default=None
    )
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    grid: Mapped[Grid] = relationship()
    building: Mapped[Building | None] = relationship()

    @property
    def role_name(self) -> str:
        return role_name(self.role)
