"""Reading the partner units: the register with counts, their resource and need lists, their
projects with milestones, and one unit's year (the 共建单位年度记录 that is printed and kept):
the agreement, the 双报到 members and their service hours, the lists, the projects and the
micro-wishes the unit claimed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.models import (
    ITEM_SIDES,
    PROJECT_DIRECTIONS,
    PROJECT_STATUSES,
    WISH_STATUSES,
    PartnerItem,
    PartnerProject,
    PartnerUnit,
    PartnerUnitMember,
    PartyMember,
    ProjectMilestone,
    ReportInService,
    Resident,
    Wish,
)
from app.services.admin.centre import current_community
from app.services.common.idcard import mask
from app.services.engage.wish_reads import masked_name


@dataclass(frozen=True)
class UnitRow:
    unit_id: int
    name: str
    kind: str
    contact_name: str
    contact_phone: str
    address: str
    agreement_from: dt.date | None
    agreement_to: dt.date | None
    members: int
    resources: int
    projects: int
    active_projects: int

    def agreement_state(self, today: dt.date) -> str:
        if self.agreement_to is None:
            return "长期" if self.agreement_from else "未签协议"
        if self.agreement_to < today:
            return "已到期"
        return "有效" if (self.agreement_to - today).days > 30 else "即将到期"

    def as_json(self, today: dt.date) -> dict:
        return {
            "id": self.unit_id,
            "name": self.name,
            "kind": self.kind,
            "contact": self.contact_name,
            "phone": self.contact_phone,
            "agreement_from": self.agreement_from.isoformat() if self.agreement_from else None,
            "agreement_to": self.agreement_to.isoformat() if self.agreement_to else None,
            "agreement": self.agreement_state(today),
            "members": self.members,
            "resources": self.resources,
            "projects": self.projects,
            "active_projects": self.active_projects,
        }


def unit_member_ids(session: Session, unit: PartnerUnit) -> list[int]:
    """The 双报到 members of a unit: those linked to it, and those not linked to any unit whose
    free name is the unit's name (a member who joins later with the same words counts at once)."""
    linked_anywhere = select(PartnerUnitMember.member_id)
    stmt = select(PartyMember.id).where(
        or_(
            PartyMember.id.in_(
                select(PartnerUnitMember.member_id).where(PartnerUnitMember.unit_id == unit.id)
            ),
            (PartyMember.unit_name == unit.name)
            & (PartyMember.kind == "in_service")
            & PartyMember.id.not_in(linked_anywhere),
        )
    )
    return sorted(session.scalars(stmt))


def list_units(session: Session, text: str = "") -> list[UnitRow]:
    units = session.scalars(select(PartnerUnit).order_by(PartnerUnit.id)).all()
    text = (text or "").strip()
    rows = []
    for unit in units:
        if text and text not in unit.name and text not in unit.kind:
            continue
        resources = session.scalar(
            select(func.count())
            .select_from(PartnerItem)
            .where(PartnerItem.unit_id == unit.id, PartnerItem.side == "resource")
        )
        statuses = list(
            session.scalars(select(PartnerProject.status).where(PartnerProject.unit_id == unit.id))
        )
        rows.append(
            UnitRow(
                unit.id,
                unit.name,
                unit.kind,
                unit.contact_name,
                unit.contact_phone,
                unit.address,
                unit.agreement_from,
                unit.agreement_to,
                len(unit_member_ids(session, unit)),
                resources or 0,
                len(statuses),
                statuses.count("active"),
            )
        )
    return rows


@dataclass(frozen=True)
class ItemRow:
    item_id: int
    side: str
    unit_name: str  # "" for a need asked of every unit
    title: str
    detail: str
    listed_on: dt.date
    claimed_by: str  # the project that took it up, "" while open

    def as_json(self) -> dict:
        return {
            "id": self.item_id,
            "list": ITEM_SIDES[self.side],
            "unit": self.unit_name,
            "title": self.title,
            "detail": self.detail,
            "listed_on": self.listed_on.isoformat(),
            "claimed_by": self.claimed_by,
        }


def list_items(session: Session, side: str | None = None, unit_id: int | None = None) -> list[ItemRow]:
    stmt = select(PartnerItem, PartnerUnit.name).outerjoin(PartnerUnit, PartnerUnit.id == PartnerItem.unit_id)
    if side:
        stmt = stmt.where(PartnerItem.side == side)
    if unit_id is not None:
        stmt = stmt.where(or_(PartnerItem.unit_id == unit_id, PartnerItem.unit_id.is_(None)))
    claims: dict[int, str] = {}
    for item_id, number, unit_name in session.execute(
        select(PartnerProject.item_id, PartnerProject.project_no, PartnerUnit.name)
        .join(PartnerUnit, PartnerUnit.id == PartnerProject.unit_id)
        .where(PartnerProject.item_id.is_not(None))
    ):
        claims.setdefault(item_id, f"{number}（{unit_name}）")
    return [
        ItemRow(i.id, i.side, name or "", i.title, i.detail, i.listed_on, claims.get(i.id, ""))
        for i, name in session.execute(stmt.order_by(PartnerItem.side, PartnerItem.id))
    ]


@dataclass(frozen=True)
class MilestoneRow:
    number: int
    title: str
    planned_on: dt.date | None
    done_on: dt.date | None

    def state(self, today: dt.date) -> str:
        if self.done_on is not None:
            return "已完成"
        return "已逾期" if self.planned_on is not None and self.planned_on < today else "未完成"


@dataclass(frozen=True)
class ProjectRow:
    project_no: str
    unit_name: str
    direction: str
    title: str
    owner: str
    claimed_on: dt.date
    status: str
    result: str
    finished_on: dt.date | None
    milestones: tuple[MilestoneRow, ...]

    @property
    def direction_name(self) -> str:
        return PROJECT_DIRECTIONS.get(self.direction, self.direction)

    @property
    def status_name(self) -> str:
        return PROJECT_STATUSES.get(self.status, self.status)

    @property
    def progress(self) -> str:
        done = sum(1 for m in self.milestones if m.done_on)
        return f"{done}/{len(self.milestones)}" if self.milestones else "—"

    def as_json(self) -> dict:
        return {
            "project_no": self.project_no,
            "unit": self.unit_name,
            "direction": self.direction_name,
            "title": self.title,
            "owner": self.owner,
            "claimed_on": self.claimed_on.isoformat(),
            "status": self.status_name,
            "result": self.result,
            "finished_on": self.finished_on.isoformat() if self.finished_on else None,
            "milestones": [
                {
                    "title": m.title,
                    "planned_on": m.planned_on.isoformat() if m.planned_on else None,
                    "done_on": m.done_on.isoformat() if m.done_on else None,
                }
                for m in self.milestones
            ],
        }


def list_projects(
    session: Session, *, unit_id: int | None = None, year: int | None = None, text: str = ""
) -> list[ProjectRow]:
    """Projects newest first; ``year``: claimed that year, or still active in it, or finished in it."""
    stmt = select(PartnerProject, PartnerUnit.name).join(
        PartnerUnit, PartnerUnit.id == PartnerProject.unit_id
    )
    if unit_id is not None:
        stmt = stmt.where(PartnerProject.unit_id == unit_id)
    if year is not None:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        stmt = stmt.where(
            PartnerProject.claimed_on <= end,
            or_(PartnerProject.finished_on.is_(None), PartnerProject.finished_on >= start),
        )
    if text.strip():
        like = f"%{text.strip()}%"
        stmt = stmt.where(
            or_(
                PartnerProject.project_no.like(like),
                PartnerProject.title.like(like),
                PartnerUnit.name.like(like),
            )
        )
    rows = []
    for project, unit_name in session.execute(stmt.order_by(PartnerProject.project_no.desc())):
        milestones = session.scalars(
            select(ProjectMilestone)
            .where(ProjectMilestone.project_id == project.id)
            .order_by(ProjectMilestone.id)
        ).all()
        rows.append(
            ProjectRow(
                project.project_no,
                unit_name,
                project.direction,
                project.title,
                project.owner,
                project.claimed_on,
                project.status,
                project.result,
                project.finished_on,
                tuple(MilestoneRow(i, m.title, m.planned_on, m.done_on) for i, m in enumerate(milestones, 1)),
            )
        )
    return rows


@dataclass(frozen=True)
class MemberLine:
    name: str
    id_masked: str
    services: int
    hours: float


@dataclass(frozen=True)
class WishLine:
    wish_no: str
    wisher: str  # masked
    content: str
    status: str
    fulfilled_on: dt.date | None


@dataclass(frozen=True)
class UnitRecord:
    """One unit's year, for the printed 共建单位年度记录."""

    community_name: str
    year: int
    unit: UnitRow
    members: tuple[MemberLine, ...]
    resources: tuple[ItemRow, ...]
    needs: tuple[ItemRow, ...]
    projects: tuple[ProjectRow, ...]
    wishes: tuple[WishLine, ...]

    @property
    def hours(self) -> float:
        return round(sum(m.hours for m in self.members), 1)


def unit_record(session: Session, unit: PartnerUnit, year: int) -> UnitRecord:
    """The unit's year; the caller audits the read (members are named, their numbers masked)."""
    row = next(r for r in list_units(session) if r.unit_id == unit.id)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    members = []
    for member_id in unit_member_ids(session, unit):
        member = session.get(PartyMember, member_id)
        served = session.execute(
            select(func.count(), func.coalesce(func.sum(ReportInService.hours), 0.0)).where(
                ReportInService.member_id == member_id,
                ReportInService.served_on >= start,
                ReportInService.served_on <= end,
            )
        ).one()
        name, number = member.name, member.id_masked
        if member.resident_id is not None:  # a member living in the street: the register's name
            resident = session.get(Resident, member.resident_id)
            name, number = resident.name, mask(resident.id_number)
        members.append(MemberLine(name, number, int(served[0]), round(float(served[1]), 1)))
    items = list_items(session, unit_id=unit.id)
    claimed_wishes = session.execute(
        select(Wish)
        .where(
            Wish.claimer_kind == "共建单位",
            Wish.claimer_name == unit.name,
            Wish.claimed_on >= start,
            Wish.claimed_on <= end,
        )
        .order_by(Wish.wish_no)
    ).scalars()
    wishes = tuple(
        WishLine(w.wish_no, masked_name(w.resident.name), w.content, WISH_STATUSES[w.status], w.fulfilled_on)
        for w in claimed_wishes
    )
    return UnitRecord(
        community_name=current_community(session).name,
        year=year,
        unit=row,
        members=tuple(members),
        resources=tuple(i for i in items if i.side == "resource" and i.unit_name == unit.name),
        needs=tuple(i for i in items if i.side == "need" and i.claimed_by.endswith(f"（{unit.name}）")),
        projects=tuple(list_projects(session, unit_id=unit.id, year=year)),
        wishes=wishes,
    )
