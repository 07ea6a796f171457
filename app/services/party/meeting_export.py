"""A branch's meetings of one year as an Excel workbook (组织生活台账): one row a meeting, with
its attendance counts and the absentees' reasons, for the branch's own file and the street's
checks. Written by the common writer, so a topic that begins with = stays text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import MEETING_KINDS, MeetingAttendance, MeetingPhoto, PartyMeeting, PartyMember
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.common.xlsx import Column, SheetSpec, write_xlsx
from app.services.party.meetings import branch_in_scope

COLUMNS = (
    Column("日期", 12),
    Column("会议类型", 14),
    Column("主题", 36),
    Column("地点", 24),
    Column("状态", 8),
    Column("主持人", 10),
    Column("记录人", 10),
    Column("实到人数", 9),
    Column("缺席人数", 9),
    Column("缺席人员及原因", 36),
    Column("决定事项", 40),
    Column("照片", 6),
)


def export_meetings(
    session: Session, branch_id: int, year: int, path: Path, *, scope: Scope, actor: str
) -> int:
    """Write the year's meetings of the branch to ``path``; returns how many. Audited as an
    export: absentees are named."""
    branch = branch_in_scope(session, branch_id, scope)
    meetings = session.scalars(
        select(PartyMeeting)
        .where(
            PartyMeeting.branch_id == branch.id,
            PartyMeeting.held_on >= dt.date(year, 1, 1),
            PartyMeeting.held_on <= dt.date(year, 12, 31),
        )
        .order_by(PartyMeeting.held_on, PartyMeeting.id)
    ).all()
    marks: dict[int, list[tuple[bool, str, str]]] = {}
    for meeting_id, present, reason, name in session.execute(
        select(
            MeetingAttendance.meeting_id,
            MeetingAttendance.present,
            MeetingAttendance.absence_reason,
            PartyMember.name,
        )
        .join(PartyMember, MeetingAttendance.member_id == PartyMember.id)
        .where(MeetingAttendance.meeting_id.in_([m.id for m in meetings]))
        .order_by(PartyMember.id)
    ):
        marks.setdefault(meeting_id, []).append((present, reason, name))
    photos = dict(
        session.execute(
            select(MeetingPhoto.meeting_id, func.count())
            .where(MeetingPhoto.meeting_id.in_([m.id for m in meetings]))
            .group_by(MeetingPhoto.meeting_id)
        ).all()
    )

    def rows():
        for m in meetings:
            marked = marks.get(m.id, [])
            absent = [(name, reason) for present, reason, name in marked if not present]
            yield (
                m.held_on,
                MEETING_KINDS[m.kind],
                m.topic,
                m.place,
                "已召开" if m.held else "计划",
                m.host,
                m.recorder,
                sum(1 for present, _, _ in marked if present),
                len(absent),
                "；".join(f"{name}（{reason}）" for name, reason in absent),
                m.decisions,
                photos.get(m.id, 0),
            )

    spec = SheetSpec(
        f"{branch.name}{year}年组织生活",
        COLUMNS,
        (
            ("支部", branch.name),
            ("年度", str(year)),
            ("导出时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
        ),
    )
    written = write_xlsx(Path(path), spec, rows())
    audit.record(
        session,
        actor=actor,
        action="export",
        subject=f"{written}条",
        purpose=f"{branch.name}{year}年组织生活台账",
    )
    return written
