"""Partner units (共建单位): units that sign a co-building agreement with the community (共驻共建),
what they offer (资源清单) and what the community asks (需求清单), and the projects claimed either
way (双向认领) with their milestones and result.

An in-service party member who reported under 双报到 names their unit in words; the link to a
registered unit is kept beside the member (``partner_unit_members``) so the register of members is
not changed, and a member whose words match no unit stays as they are.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamped
from app.models.cases import new_uuid

UNIT_KINDS = ("机关单位", "事业单位", "国有企业", "非公企业", "社会组织", "驻区单位", "其他")
# resource: what a unit offers; need: what the community asks (of any unit, or of one)
ITEM_SIDES: dict[str, str] = {"resource": "资源", "need": "需求"}
# who claimed whom: a unit takes on a community need, or the community takes up a unit's resource
PROJECT_DIRECTIONS: dict[str, str] = {"need": "单位认领社区需求", "resource": "社区认领单位资源"}
PROJECT_STATUSES: dict[str, str] = {"active": "推进中", "done": "已完成", "stopped": "已终止"}


class PartnerUnit(Timestamped, Base):
    __tablename__ = "partner_units"
    sync_type: ClassVar[str] = "partner_unit"  # travels up to the street

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    version: Mapped[int] = mapped_column(Integer, default=1)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default="机关单位")
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(120), default="")
    agreement_from: Mapped[dt.date | None] = mapped_column(Date, default=None)
    agreement_to: Mapped[dt.date | None] = mapped_column(Date, default=None)
    note: Mapped[str] = mapped_column(Text, default="")


class PartnerUnitMember(Base):
    """A 双报到 member linked to a registered unit (by matching name, or by hand)."""

    __tablename__ = "partner_unit_members"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("party_members.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("partner_units.id", ondelete="CASCADE"), index=True)


class PartnerItem(Timestamped, Base):
    """One line of a resource list (a unit's) or of the need list (the community's)."""

    __tablename__ = "partner_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    side: Mapped[str] = mapped_column(String(10))  # resource / need
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_units.id", ondelete="CASCADE"), index=True, default=None
    )  # a need asked of every unit: None
    title: Mapped[str] = mapped_column(String(80))
    detail: Mapped[str] = mapped_column(Text, default="")
    listed_on: Mapped[dt.date] = mapped_column(Date)


class PartnerProject(Timestamped, Base):
    """A 双向认领 project: a unit claims a need, or the community claims a unit's resource."""

    __tablename__ = "partner_projects"
    sync_type: ClassVar[str] = "partner_project"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    version: Mapped[int] = mapped_column(Integer, default=1)
    project_no: Mapped[str] = mapped_column(String(20), unique=True)  # GJ2026-001
    unit_id: Mapped[int] = mapped_column(ForeignKey("partner_units.id", ondelete="RESTRICT"), index=True)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_items.id", ondelete="SET NULL"), default=None
    )
    direction: Mapped[str] = mapped_column(String(10))  # need / resource
    title: Mapped[str] = mapped_column(String(80))
    owner: Mapped[str] = mapped_column(String(60))  # 负责人
    claimed_on: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    result: Mapped[str] = mapped_column(Text, default="")
    finished_on: Mapped[dt.date | None] = mapped_column(Date, default=None)


class ProjectMilestone(Base):
    __tablename__ = "partner_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("partner_projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    planned_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    done_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
