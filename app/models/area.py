"""The places of the street: street → community → grid → building (一幢一册)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Timestamped


class Street(Timestamped, Base):
    """A street office (街道办事处); the demo and most centres have exactly one."""

    __tablename__ = "streets"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)  # 统计用区划代码, 9 digits
    name: Mapped[str] = mapped_column(String(50))
    district: Mapped[str] = mapped_column(String(50), default="")  # 区/县
    city: Mapped[str] = mapped_column(String(50), default="")
    hotline: Mapped[str] = mapped_column(String(30), default="")
    # What the QR code on every grid notice board says: "url" fills board_url_template with
    # {grid_code} (a report page of the street), "vcard" carries the grid leader's contact card.
    board_qr_mode: Mapped[str] = mapped_column(String(10), default="url", server_default="url")
    board_url_template: Mapped[str] = mapped_column(String(200), default="", server_default="")

    communities: Mapped[list[Community]] = relationship(back_populates="street", order_by="Community.code")


class Community(Timestamped, Base):
    """A community (社区) with its party-service centre."""

    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(15), unique=True)  # 统计用区划代码, 12 digits
    short_code: Mapped[str] = mapped_column(String(8), unique=True)  # used in case and serial numbers
    name: Mapped[str] = mapped_column(String(50))
    address: Mapped[str] = mapped_column(String(200), default="")
    hotline: Mapped[str] = mapped_column(String(30), default="")
    service_hours: Mapped[str] = mapped_column(String(100), default="")

    street: Mapped[Street] = relationship(back_populates="communities")
    grids: Mapped[list[Grid]] = relationship(back_populates="community", order_by="Grid.code")


class Grid(Timestamped, Base):
    """The smallest governance area (网格), with its four boundaries (四至)."""

    __tablename__ = "grids"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    boundary_east: Mapped[str] = mapped_column(String(200), default="")
    boundary_south: Mapped[str] = mapped_column(String(200), default="")
    boundary_west: Mapped[str] = mapped_column(String(200), default="")
    boundary_north: Mapped[str] = mapped_column(String(200), default="")
    coverage: Mapped[str] = mapped_column(Text, default="")  # what the grid covers, in words
    area_km2: Mapped[float | None] = mapped_column(default=None)
    hotline: Mapped[str] = mapped_column(String(30), default="")
    star_rating: Mapped[int] = mapped_column(Integer, default=0)  # 星级网格, 0–5
    # The notice board on the wall shows board_printed_version; any change of what it prints
    # (staff, boundaries, names, phones) raises board_version, so outdated boards can be listed.
    board_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    board_printed_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    board_printed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)

    community: Mapped[Community] = relationship(back_populates="grids")
    buildings: Mapped[list[Building]] = relationship(back_populates="grid", order_by="Building.sort_order")

    @property
    def board_outdated(self) -> bool:
        return self.board_printed_version < self.board_version


class Building(Timestamped, Base):
    """A building (楼栋) or a courtyard of bungalows; households live in its units and rooms."""

    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("grid_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(50))  # e.g. 3号楼
    address: Mapped[str] = mapped_column(String(200), default="")
    units: Mapped[int] = mapped_column(Integer, default=1)  # 单元数
    floors: Mapped[int] = mapped_column(Integer, default=1)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    grid: Mapped[Grid] = relationship(back_populates="buildings")
