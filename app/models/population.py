"""People and their homes: household (一户一档) and resident (一人一表), with editable tags.

A resident is found by the 18-digit ID number, so that column is unique and indexed; everything a
lookup shows hangs off it in at most four joins.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.area import Building
from app.models.base import Base, Timestamped, utcnow

HEAD_RELATION = "户主"

# A resident's state on the population base. Nobody is deleted: a person who moved away or died
# keeps their row, stays findable with the state shown, and is no longer offered for certificates,
# batches or board counts.
LIVING, MOVED, DEAD = "living", "moved", "dead"
RESIDENT_STATES: dict[str, str] = {LIVING: "在册", MOVED: "已迁出", DEAD: "已死亡"}
LEFT_CONDITION = f"state <> '{LIVING}'"  # the partial index ix_residents_left holds these rows


class Household(Timestamped, Base):
    """One household (户) in one room of a building."""

    __tablename__ = "households"
    __table_args__ = (
        UniqueConstraint("building_id", "unit", "room"),
        Index("ix_households_building_room", "building_id", "room"),  # a room within some grids
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="RESTRICT"), index=True)
    unit: Mapped[int] = mapped_column(Integer, default=1)  # 单元
    room: Mapped[str] = mapped_column(String(20), index=True)  # 房号, e.g. 502 (searched alone)
    hukou_number: Mapped[str] = mapped_column(String(30), default="")  # 户号 on the household register

    building: Mapped[Building] = relationship()
    members: Mapped[list[Resident]] = relationship(back_populates="household", order_by="Resident.id")

    @property
    def head(self) -> Resident | None:
        """The head is the living member whose relation is 户主; the register has no separate
        pointer. A head who died or moved away keeps the relation in their own record."""
        return next((m for m in self.members if m.relation_to_head == HEAD_RELATION and m.living), None)

    @property
    def label(self) -> str:
        return f"{self.building.name}{self.unit}单元{self.room}室"


resident_tags = Table(
    "resident_tags",
    Base.metadata,
    Column("resident_id", ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(Timestamped, Base):
    """A label for key groups (一老一小一特 …). Age tags carry a rule and apply themselves;
    the others are assigned by staff. The centre may add its own."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(String(200), default="")
    min_age: Mapped[int | None] = mapped_column(Integer, default=None)  # inclusive
    max_age: Mapped[int | None] = mapped_column(Integer, default=None)  # exclusive: 14 means "under 14"
    color: Mapped[str] = mapped_column(String(9), default="#5b6b7a")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def is_age_rule(self) -> bool:
        return self.min_age is not None or self.max_age is not None

    def applies_to_age(self, age: int) -> bool:
        if not self.is_age_rule:
            return False
        if self.min_age is not None and age < self.min_age:
            return False
        return self.max_age is None or age < self.max_age


class Resident(Timestamped, Base):
    """One person on the population base."""

    __tablename__ = "residents"
    __table_args__ = (
        Index("ix_residents_grid_initials", "grid_id", "name_initials"),
        Index("ix_residents_grid_pinyin", "grid_id", "name_pinyin"),
        Index("ix_residents_grid_name", "grid_id", "name"),
        # Only the few who moved away or died (migration 0027): a search confined to them reads
        # this; an index on every state made SQLite walk all the living to find one household.
        Index(
            "ix_residents_left",
            "state",
            sqlite_where=text(LEFT_CONDITION),
            postgresql_where=text(LEFT_CONDITION),
        ),
        # Age searches range over the birth date; the report's age pyramid counts by birth date
        # and sex from this index alone, in one grid too (migrations 0032 and 0033: 0.2 s at a
        # million residents, not 5 s).
        Index("ix_residents_birth", "birth_date", "sex", "state", "grid_id", "household_id"),
        # A household's members; with state and grid, the living per household and grid are
        # counted from the index alone (migration 0033).
        Index("ix_residents_household", "household_id", "state", "grid_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    sex: Mapped[str] = mapped_column(String(6))  # "male" / "female", from the ID number
    ethnicity: Mapped[str] = mapped_column(String(20), default="汉族")
    birth_date: Mapped[dt.date] = mapped_column(Date)  # indexed with sex and state: ix_residents_birth
    hukou_address: Mapped[str] = mapped_column(String(200), default="")  # 户籍地址
    current_address: Mapped[str] = mapped_column(String(200), default="")  # 现住址
    phone: Mapped[str] = mapped_column(String(30), default="")
    household_id: Mapped[int | None] = mapped_column(  # indexed with state and grid: ix_residents_household
        ForeignKey("households.id", ondelete="SET NULL"), default=None
    )
    relation_to_head: Mapped[str] = mapped_column(String(20), default="")  # 与户主关系
    card_authority: Mapped[str] = mapped_column(String(60), default="")  # 签发机关
    card_valid_from: Mapped[dt.date | None] = mapped_column(Date, default=None)
    card_valid_to: Mapped[dt.date | None] = mapped_column(Date, default=None)
    card_long_term: Mapped[bool] = mapped_column(Boolean, default=False)  # 长期有效
    notes: Mapped[str] = mapped_column(String(500), default="")
    # indexed only for those who left (ix_residents_left): nearly everyone is living
    state: Mapped[str] = mapped_column(String(10), default=LIVING, server_default=LIVING)
    left_on: Mapped[dt.date | None] = mapped_column(Date, default=None)  # 迁出 or 死亡 date
    moved_to: Mapped[str] = mapped_column(String(200), default="", server_default="")  # 迁往何处
    # Search keys derived from name and phone by app.models.resident_keys.search_keys, never typed:
    # a listener fills them on every ORM insert and update, bulk inserts call the function.
    name_pinyin: Mapped[str] = mapped_column(String(200), default="", server_default="", index=True)
    name_initials: Mapped[str] = mapped_column(String(50), default="", server_default="", index=True)
    phone_digits: Mapped[str] = mapped_column(String(30), default="", server_default="")
    # The grid of the household's building, copied here so that a search within a grid reads one
    # index range (grid, name…). Kept by the database's triggers (migration 0024) whoever moves a
    # person, a household or a building; never written by the program (a bulk insert may give the
    # right value to spare the trigger its update). None for a person without a household.
    grid_id: Mapped[int | None] = mapped_column(
        Integer, server_default=FetchedValue(), server_onupdate=FetchedValue()
    )

    household: Mapped[Household | None] = relationship(back_populates="members")
    tags: Mapped[list[Tag]] = relationship(secondary=resident_tags, order_by="Tag.sort_order")

    @property
    def living(self) -> bool:
        return self.state == LIVING

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years on ``day``: a birthday counts from the day itself."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


class ResidentPhoto(Base):
    """Kept apart from the resident row so that lists and lookups do not drag images along."""

    __tablename__ = "resident_photos"

    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True)
    mime_type: Mapped[str] = mapped_column(String(30), default="image/jpeg")
    image: Mapped[bytes] = mapped_column(LargeBinary)


# What a history entry records (kind -> Chinese name).
HISTORY_KINDS: dict[str, str] = {
    "created": "登记",
    "edited": "信息变更",
    "moved": "迁往他户",
    "head_changed": "户主变更",
    "household_moved": "整户迁居",
    "household_split": "拆户",
    "household_merged": "并户",
    "moved_away": "迁出",
    "died": "死亡",
    "returned": "迁回",
}


class ResidentHistory(Base):
    """Append-only: one row per change of a resident's record (一人一表 kept current).

    ``before`` and ``after`` hold the changed fields as JSON, with an ID number only masked.
    """

    __tablename__ = "resident_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="RESTRICT"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(String(300))
    before: Mapped[str] = mapped_column(Text, default="{}")
    after: Mapped[str] = mapped_column(Text, default="{}")
