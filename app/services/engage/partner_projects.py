"""双向认领 projects of partner units: a unit claims a need of the community, or the community
claims a resource a unit offers; each project has an owner (负责人), milestones with planned and
done dates, and ends done (with its result) or stopped (with the reason).

Every change needs ``partner.manage`` and is audited; the caller commits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import PROJECT_DIRECTIONS, PROJECT_STATUSES, PartnerProject, PartnerUnit, ProjectMilestone
from app.services.admin.permissions import require
from app.services.common import audit
from app.services.engage.partners import NAME_LIMIT, TEXT_LIMIT, PartnerError, clean, find_item


def next_project_no(session: Session, year: int) -> str:
    prefix = f"GJ{year}-"
    last = session.scalar(
        select(func.max(PartnerProject.project_no)).where(PartnerProject.project_no.like(f"{prefix}%"))
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:03d}"


def find_project(session: Session, project_no: str) -> PartnerProject:
    project = session.scalar(
        select(PartnerProject).where(PartnerProject.project_no == (project_no or "").strip().upper())
    )
    if project is None:
        raise PartnerError(f"没有找到编号为“{project_no}”的共建项目")
    return project


def claim_project(
    session: Session,
    unit: PartnerUnit,
    *,
    direction: str,
    owner: str,
    title: str = "",
    item_id: int | None = None,
    actor: str,
    today: dt.date,
) -> PartnerProject:
    """认领: ``direction`` need (the unit takes on a need of the community) or resource (the
    community takes up a resource the unit offers). The listed need or resource, when given,
    names the project unless ``title`` does."""
    require(session, actor, "partner.manage")
    if direction not in PROJECT_DIRECTIONS:
        raise PartnerError("认领方向须为 need（单位认领社区需求）或 resource（社区认领单位资源）")
    if item_id is not None:
        item = find_item(session, item_id, direction)
        if direction == "resource" and item.unit_id != unit.id:
            raise PartnerError(f"资源{item_id}不是{unit.name}提供的")
        if direction == "need" and item.unit_id not in (None, unit.id):
            raise PartnerError(f"需求{item_id}是向另一个共建单位提出的")
        title = title or item.title
    project = PartnerProject(
        project_no=next_project_no(session, today.year),
        unit_id=unit.id,
        item_id=item_id,
        direction=direction,
        title=clean(title, "项目名称", NAME_LIMIT),
        owner=clean(owner, "项目负责人", 60),
        claimed_on=today,
        status="active",
        result="",
    )
    session.add(project)
    session.flush()
    _audit(session, project, unit, actor, "partner_project", PROJECT_DIRECTIONS[direction])
    return project


def add_milestone(
    session: Session, project: PartnerProject, title: str, *, planned_on: dt.date | None, actor: str
) -> ProjectMilestone:
    require(session, actor, "partner.manage")
    _expect_active(project)
    if planned_on is not None and planned_on < project.claimed_on:
        raise PartnerError("节点的计划日期不能早于项目认领日期")
    milestone = ProjectMilestone(
        project_id=project.id, title=clean(title, "节点名称", NAME_LIMIT), planned_on=planned_on
    )
    session.add(milestone)
    session.flush()
    _touch(project)
    _audit(session, project, None, actor, "partner_milestone", f"新增节点：{milestone.title}")
    return milestone


def milestones_of(session: Session, project: PartnerProject) -> list[ProjectMilestone]:
    return list(
        session.scalars(
            select(ProjectMilestone)
            .where(ProjectMilestone.project_id == project.id)
            .order_by(ProjectMilestone.id)
        )
    )


def milestone_done(
    session: Session, project: PartnerProject, number: int, *, done_on: dt.date, actor: str, today: dt.date
) -> ProjectMilestone:
    """Mark the project's ``number``-th milestone (1, 2, … in the order written) done."""
    require(session, actor, "partner.manage")
    _expect_active(project)
    milestones = milestones_of(session, project)
    if not 1 <= number <= len(milestones):
        raise PartnerError(f"项目{project.project_no}没有第{number}个节点")
    if done_on > today or done_on < project.claimed_on:
        raise PartnerError("完成日期应在项目认领日期和今天之间")
    milestone = milestones[number - 1]
    milestone.done_on = done_on
    _touch(project)
    _audit(session, project, None, actor, "partner_milestone", f"完成节点：{milestone.title}")
    return milestone


def finish_project(
    session: Session,
    project: PartnerProject,
    *,
    result: str,
    stopped: bool = False,
    actor: str,
    today: dt.date,
) -> PartnerProject:
    """已完成 with the result, or 已终止 with the reason (kept as the result)."""
    require(session, actor, "partner.manage")
    _expect_active(project)
    project.result = clean(result, "终止原因" if stopped else "项目成效", TEXT_LIMIT)
    project.status = "stopped" if stopped else "done"
    project.finished_on = today
    _touch(project)
    _audit(session, project, None, actor, "partner_project", PROJECT_STATUSES[project.status])
    return project


def _expect_active(project: PartnerProject) -> None:
    if project.status != "active":
        raise PartnerError(f"项目{project.project_no}已{PROJECT_STATUSES[project.status][1:]}，不能再修改")


def _touch(project: PartnerProject) -> None:
    project.version = (project.version or 0) + 1


def _audit(
    session: Session, project: PartnerProject, unit: PartnerUnit | None, actor: str, action: str, what: str
) -> None:
    unit = unit or session.get(PartnerUnit, project.unit_id)
    audit.record(
        session,
        actor=actor,
        action=action,
        subject=unit.name if unit is not None else "",
        purpose="双向认领",
        detail=f"{project.project_no} {project.title} {what}",
    )
