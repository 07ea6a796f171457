"""The records behind the community-life figures (:mod:`community_figures`): the wishes, visits,
议事 meetings, partner projects, party members, meetings and 双报到 services a figure counts,
chosen by exactly the conditions that counted it. People are shown by masked name and masked ID
number only."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from app.models import (
    DELIBERATION_KINDS,
    MEETING_KINDS,
    MEMBER_KINDS,
    MEMBER_STATUSES,
    WISH_STATUSES,
    Deliberation,
    Grid,
    MeetingAttendance,
    PartnerProject,
    PartnerUnit,
    PartyMeeting,
    PartyMember,
    PartyOrganisation,
    ReportInService,
    Resident,
    Visit,
    Wish,
)
from app.services.admin.scope import Scope
from app.services.common.idcard import mask
from app.services.engage.wish_reads import masked_name
from app.services.party.meetings import branches_without_meeting, last_month
from app.services.reports.community_figures import OPEN_WISH_STATES
from app.services.reports.periods import Period

Listing = tuple[str, tuple[str, ...], list[tuple[int, tuple[str, ...]]]]  # kind, columns, rows

WISH_COLUMNS = ("心愿编号", "发布日期", "网格", "心愿人", "心愿", "状态", "认领方", "认领日期", "实现日期")
VISIT_COLUMNS = ("走访日期", "网格", "走访人", "方式", "走访对象", "发现情况", "转为办件")
DELIBERATION_COLUMNS = ("会议编号", "日期", "类型", "议题", "召集人", "决议日期", "结果公开日期")
PROJECT_COLUMNS = ("项目编号", "共建单位", "项目", "负责人", "认领日期", "完成日期")
MEMBER_COLUMNS = ("姓名", "身份证号", "所在支部", "状态", "类别", "入党日期")
MEETING_COLUMNS = ("日期", "支部", "类型", "议题", "到会", "缺席")
SERVICE_COLUMNS = ("服务日期", "党员", "报到单位", "岗位", "时长（小时）", "服务内容")
BRANCH_COLUMNS = ("支部", "网格编码", "月份")


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def community_rows(session: Session, code: str, period: Period, scope: Scope, as_of: dt.date) -> Listing:
    subject, name = code.split(".", 1)
    within = (period.start, period.end)
    if subject == "wishes":
        return "wish", WISH_COLUMNS, _wishes(session, name, within, scope, as_of)
    if subject == "visits":
        return "visit", VISIT_COLUMNS, _visits(session, name, within, scope)
    if subject == "deliberations" and scope.whole_street:
        return "deliberation", DELIBERATION_COLUMNS, _deliberations(session, name, within)
    if subject == "partners" and scope.whole_street:
        return "project", PROJECT_COLUMNS, _projects(session, name, within)
    if subject == "party":
        return _party(session, name, within, scope, as_of)
    if subject == "report_in":
        return _party(session, f"report_in_{name}", within, scope, as_of)
    raise LookupError(code)


def _wishes(session: Session, name: str, within, scope: Scope, as_of: dt.date):
    condition = {
        "posted": Wish.posted_on.between(*within),
        "claimed": Wish.claimed_on.between(*within),
        "fulfilled": Wish.fulfilled_on.between(*within),
        "open": and_(Wish.status.in_(OPEN_WISH_STATES), Wish.posted_on <= as_of),
    }[name]
    stmt = (
        select(Wish, Resident.name, Grid.name)
        .join(Resident, Resident.id == Wish.resident_id)
        .outerjoin(Grid, Grid.id == Wish.grid_id)
        .where(condition, scope.grid_filter(Wish.grid_id))
        .order_by(Wish.posted_on, Wish.wish_no)
    )
    return [
        (
            w.id,
            (
                w.wish_no,
                _text(w.posted_on),
                grid or "",
                masked_name(who),
                w.content,
                WISH_STATUSES.get(w.status, w.status),
                f"{w.claimer_kind}·{w.claimer_name}" if w.claimer_name else "",
                _text(w.claimed_on),
                _text(w.fulfilled_on),
            ),
        )
        for w, who, grid in session.execute(stmt)
    ]


def _visits(session: Session, name: str, within, scope: Scope):
    extra = {"made": True, "home": Visit.way == "入户", "cases_raised": Visit.case_id.is_not(None)}[name]
    stmt: Select = (
        select(Visit, Resident.name, Grid.name)
        .outerjoin(Resident, Resident.id == Visit.resident_id)
        .outerjoin(Grid, Grid.id == Visit.grid_id)
        .where(Visit.visited_on.between(*within), extra, scope.grid_filter(Visit.grid_id))
        .order_by(Visit.visited_on, Visit.id)
    )
    return [
        (
            v.id,
            (
                _text(v.visited_on),
                grid or "",
                v.visitor,
                v.way,
                masked_name(who) if who else "整户",
                v.found,
                "是" if v.case_id is not None else "",
            ),
        )
        for v, who, grid in session.execute(stmt)
    ]


def _deliberations(session: Session, name: str, within):
    column = {
        "held": Deliberation.held_on,
        "decided": Deliberation.decided_on,
        "results_published": Deliberation.result_on,
    }[name]
    stmt = (
        select(Deliberation)
        .where(column.between(*within))
        .order_by(Deliberation.held_on, Deliberation.meeting_no)
    )
    return [
        (
            d.id,
            (
                d.meeting_no,
                _text(d.held_on),
                DELIBERATION_KINDS.get(d.kind, d.kind),
                d.topic,
                d.convenor,
                _text(d.decided_on),
                _text(d.result_on),
            ),
        )
        for d in session.scalars(stmt)
    ]


def _projects(session: Session, name: str, within):
    column = {"projects_claimed": PartnerProject.claimed_on, "projects_finished": PartnerProject.finished_on}[
        name
    ]
    stmt = (
        select(PartnerProject, PartnerUnit.name)
        .join(PartnerUnit, PartnerUnit.id == PartnerProject.unit_id)
        .where(column.between(*within))
        .order_by(PartnerProject.claimed_on, PartnerProject.project_no)
    )
    return [
        (p.id, (p.project_no, unit, p.title, p.owner, _text(p.claimed_on), _text(p.finished_on)))
        for p, unit in session.execute(stmt)
    ]


def _party(session: Session, name: str, within, scope: Scope, as_of: dt.date) -> Listing:
    in_scope = scope.grid_filter(PartyOrganisation.grid_id)
    if name.startswith("members"):
        stmt = (
            select(PartyMember, PartyOrganisation.name, Resident.name, Resident.id_number)
            .join(PartyOrganisation, PartyOrganisation.id == PartyMember.branch_id)
            .outerjoin(Resident, Resident.id == PartyMember.resident_id)
            .where(
                in_scope,
                (PartyMember.transferred_out_on.is_(None)) | (PartyMember.transferred_out_on > as_of),
            )
            .order_by(PartyOrganisation.sort_order, PartyMember.id)
        )
        if name == "members_probation":
            stmt = stmt.where(PartyMember.status == "probation")
        elif name == "members_in_service":
            stmt = stmt.where(PartyMember.kind == "in_service")
        rows = [
            (
                m.id,
                (
                    masked_name(person or m.name),
                    mask(number) if number else m.id_masked,
                    branch,
                    MEMBER_STATUSES.get(m.status, m.status),
                    MEMBER_KINDS.get(m.kind, m.kind),
                    _text(m.joined_on),
                ),
            )
            for m, branch, person, number in session.execute(stmt)
        ]
        return "member", MEMBER_COLUMNS, rows
    if name in ("meetings_held", "attendance_rate"):
        stmt = (
            select(
                PartyMeeting,
                PartyOrganisation.name,
                func.count(MeetingAttendance.member_id).filter(MeetingAttendance.present.is_(True)),
                func.count(MeetingAttendance.member_id).filter(MeetingAttendance.present.is_(False)),
            )
            .join(PartyOrganisation, PartyOrganisation.id == PartyMeeting.branch_id)
            .outerjoin(MeetingAttendance, MeetingAttendance.meeting_id == PartyMeeting.id)
            .where(in_scope, PartyMeeting.held.is_(True), PartyMeeting.held_on.between(*within))
            .group_by(PartyMeeting.id, PartyOrganisation.name)
            .order_by(PartyMeeting.held_on, PartyMeeting.id)
        )
        rows = [
            (
                m.id,
                (_text(m.held_on), branch, MEETING_KINDS.get(m.kind, m.kind), m.topic, str(here), str(away)),
            )
            for m, branch, here, away in session.execute(stmt)
        ]
        return "meeting", MEETING_COLUMNS, rows
    if name in ("report_in_services", "report_in_hours"):
        stmt = (
            select(ReportInService, PartyMember.name, PartyMember.unit_name, Resident.name)
            .join(PartyMember, PartyMember.id == ReportInService.member_id)
            .join(PartyOrganisation, PartyOrganisation.id == PartyMember.branch_id)
            .outerjoin(Resident, Resident.id == PartyMember.resident_id)
            .where(in_scope, ReportInService.served_on.between(*within))
            .order_by(ReportInService.served_on, ReportInService.id)
        )
        rows = [
            (
                s.id,
                (_text(s.served_on), masked_name(person or outside), unit, s.post, f"{s.hours:g}", s.content),
            )
            for s, outside, unit, person in session.execute(stmt)
        ]
        return "service", SERVICE_COLUMNS, rows
    if name == "branches_without_meeting":
        missing = branches_without_meeting(session, last_month(as_of), scope=scope)
        return "branch", BRANCH_COLUMNS, [(b.branch_id, (b.branch, b.grid_code, b.month)) for b in missing]
    raise LookupError(name)
