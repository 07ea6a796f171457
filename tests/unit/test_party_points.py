"""党员积分: rules copied from the shipped file and changed per centre, points computed from the
records with every line explained, caps, unexcused absences, points given by hand with an
approver, the proposed grades and the branch's decision, the sheet, and the command line."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.cli import main
from app.models import (
    AuditEntry,
    MeetingAttendance,
    PartyMeeting,
    PartyMember,
    PartyMemberGrade,
    PartyPointEntry,
    ReportInService,
)
from app.services.admin import auth
from app.services.admin.permissions import NotPermitted
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.party.members import MemberError
from app.services.party.point_grades import decide_grade, propose, rank_branch
from app.services.party.point_rules import change_rule, grading, load_point_rules, point_rules
from app.services.party.point_sheet import write_sheet_xlsx
from app.services.party.point_sources import SOURCES, Fact
from app.services.party.points import add_entry, member_points, withdraw_entry

YEAR = 2025


def _registered(session) -> PartyMember:
    return session.scalars(
        select(PartyMember).where(PartyMember.kind == "registered").order_by(PartyMember.id).limit(1)
    ).one()


def test_rules_are_copied_once_and_a_changed_rule_stays(db):
    with db.sessions.begin() as session:
        rules = {r.code: r for r in point_rules(session)}
        assert rules["attend_general"].points == 2 and rules["report_in_hours"].cap == 20
        assert rules["volunteer_hours"].enabled  # its source, the volunteer register, is there
        change_rule(session, "attend_general", actor="cli:test", points=3)
        assert load_point_rules(session) == 0
        assert {r.code: r for r in point_rules(session)}["attend_general"].points == 3
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "party_points_rule")).one()
        assert entry.detail == "每次+2分 → 每次+3分"


def test_a_rule_waits_for_its_source(db, monkeypatch):
    with db.sessions.begin() as session:
        assert not change_rule(session, "volunteer_hours", actor="cli:test", enabled=False).enabled
        monkeypatch.delitem(SOURCES, "volunteer_hours")
        with pytest.raises(MemberError, match="尚未接入"):
            change_rule(session, "volunteer_hours", actor="cli:test", enabled=True)
        monkeypatch.setitem(SOURCES, "volunteer_hours", lambda s, ids, year, params: [])
        assert change_rule(session, "volunteer_hours", actor="cli:test", enabled=True).enabled
        auth.add_user(session, "desk1", "pw-12345678", "front_desk")
        with pytest.raises(NotPermitted):
            change_rule(session, "volunteer_hours", actor="desk1", enabled=False)


def test_a_new_source_adds_its_lines_with_the_rule_cap(demo_db, monkeypatch):
    with demo_db.sessions.begin() as session:
        member = _registered(session)
        change_rule(session, "volunteer_hours", actor="cli:test", enabled=False)
        before = member_points(session, member.id, YEAR, scope=WHOLE_STREET, actor="cli:test").total

        def hours(s, ids, year, params):
            return [
                Fact(i, dt.date(year, 5, day), f"志愿服务第{day}次", 4.0) for i in ids for day in (1, 2, 3, 4)
            ]

        monkeypatch.setitem(SOURCES, "volunteer_hours", hours)
        change_rule(session, "volunteer_hours", actor="cli:test", enabled=True)
        after = member_points(session, member.id, YEAR, scope=WHOLE_STREET, actor="cli:test")
    lines = [line for line in after.lines if line.rule == "志愿服务时长"]
    assert [line.points for line in lines] == [
        2.0,
        2.0,
        2.0,
        2.0,
    ]  # 16 hours, 1 point per 2: under the cap of 10
    assert after.total == before + 8


def test_report_in_hours_are_capped_and_every_line_still_shown(demo_db):
    with demo_db.sessions.begin() as session:
        member = session.scalars(select(PartyMember).where(PartyMember.kind == "in_service").limit(1)).one()
        for month in range(1, 13):
            session.add(
                ReportInService(
                    member_id=member.id,
                    served_on=dt.date(YEAR, month, 9),
                    post="助老",
                    hours=3.0,
                    content="陪老人就医",
                )
            )
        session.flush()
        points = member_points(session, member.id, YEAR, scope=WHOLE_STREET, actor="cli:test")
    served = [line for line in points.lines if line.rule == "双报到服务"]
    assert len(served) >= 12 and sum(line.points for line in served) == 20
    assert served[-1].points == 0 and served[-1].what.endswith("（已达年度上限20分）")


def test_unexcused_absences_count_and_leave_does_not(demo_db):
    with demo_db.sessions.begin() as session:
        member = _registered(session)
        others = session.scalars(
            select(PartyMember).where(PartyMember.branch_id == member.branch_id, PartyMember.id != member.id)
        ).all()
        before = member_points(session, member.id, 2024, scope=WHOLE_STREET, actor="cli:test")
        assert before.lines == () and before.unexcused == 0
        for day, mark in ((3, "无故缺席"), (4, "出差"), (5, None), (6, "absent-unmarked")):
            meeting = PartyMeeting(
                branch_id=member.branch_id,
                kind="theme_day",
                held_on=dt.date(2024, 3, day),
                topic=f"学习{day}",
                held=True,
            )
            session.add(meeting)
            session.flush()
            for other in others[:1]:
                session.add(MeetingAttendance(meeting_id=meeting.id, member_id=other.id, present=True))
            if mark == "absent-unmarked":
                continue
            session.add(
                MeetingAttendance(
                    meeting_id=meeting.id,
                    member_id=member.id,
                    present=mark is None,
                    absence_reason=mark or "",
                )
            )
        session.flush()
        points = member_points(session, member.id, 2024, scope=WHOLE_STREET, actor="cli:test")
    assert points.unexcused == 2
    assert [(line.what, line.points) for line in points.lines] == [
        ("主题党日：学习3（无故缺席）", -2.0),
        ("主题党日：学习5", 2.0),
        ("主题党日：学习6（未签到，未请假）", -2.0),
    ]


def test_the_proposal_follows_the_written_rule(db):
    with db.sessions.begin() as session:
        rule = grading(session)
    assert propose(32, 0, 1, 5, rule)[0] == "excellent"
    assert propose(32, 0, 2, 5, rule)[0] == "qualified"  # only the top fifth
    assert propose(29, 0, 1, 5, rule)[0] == "qualified"  # and only with 30 points
    assert propose(11, 0, 3, 5, rule)[0] == "basic"
    assert propose(3, 0, 5, 5, rule)[0] == "unqualified"
    assert propose(32, 3, 1, 5, rule) == ("basic", "无故缺席3次（3次及以上最高基本合格）")


def test_points_by_hand_need_a_reason_and_an_approver_with_the_right(demo_db):
    with demo_db.sessions.begin() as session:
        member = _registered(session)
        kwargs = dict(on=dt.date(YEAR, 6, 1), scope=WHOLE_STREET, actor="qiantai")
        with pytest.raises(MemberError, match="事由"):
            add_entry(session, member.id, points=3, reason=" ", approver="houtai", **kwargs)
        with pytest.raises(MemberError, match="无权审批"):
            add_entry(session, member.id, points=3, reason="防汛值守", approver="qiantai", **kwargs)
        with pytest.raises(MemberError, match="不是可用的账号"):
            add_entry(session, member.id, points=3, reason="防汛值守", approver="nobody", **kwargs)
        with pytest.raises(NotPermitted):
            add_entry(
                session,
                member.id,
                points=3,
                reason="防汛值守",
                approver="houtai",
                **{**kwargs, "actor": "kiosk"},
            )
        before = member_points(session, member.id, YEAR, scope=WHOLE_STREET, actor="qiantai").total
        add_entry(session, member.id, points=-3, reason="楼道堆物不整改", approver="houtai", **kwargs)
        after = member_points(session, member.id, YEAR, scope=WHOLE_STREET, actor="qiantai")
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "party_points_add")).all()[-1]
    assert after.total == before - 3
    assert ("手工录入", "楼道堆物不整改（审批：houtai）", -3.0) in [
        (x.rule, x.what, x.points) for x in after.lines
    ]
    assert (entry.actor, entry.subject, entry.detail) == ("qiantai", member.id_masked, "审批：houtai")


def test_points_given_in_error_are_withdrawn_kept_on_record_and_no_longer_counted(demo_db, capsys):
    with demo_db.sessions.begin() as session:
        member = _registered(session)
        kwargs = dict(on=dt.date(YEAR, 6, 1), scope=WHOLE_STREET, actor="qiantai")
        before = member_points(session, member.id, YEAR, scope=WHOLE_STREET, actor="qiantai").total
        given = add_entry(session, member.id, points=5, reason="录入时选错了人", approver="houtai", **kwargs)
        hand = [
            x
            for x in member_points(session, member.id, YEAR, scope=WHOLE_STREET, actor="a").lines
            if x.entry_id
        ]
        assert [x.entry_id for x in hand] == [given.entry_id]
        with pytest.raises(MemberError, match="撤销事由"):
            withdraw_entry(session, given.entry_id, reason=" ", approver="houtai", **kwargs)
        with pytest.raises(MemberError, match="无权审批"):
            withdraw_entry(session, given.entry_id, reason="录错", approver="qiantai", **kwargs)
        with pytest.raises(MemberError, match="没有编号为"):
            withdraw_entry(session, 999_999, reason="录错", approver="houtai", **kwargs)
        with pytest.raises(MemberError):  # not this grid worker's branch
            withdraw_entry(session, given.entry_id, reason="录错", approver="houtai",
                           **{**kwargs, "scope": Scope(frozenset())})  # fmt: skip
        with pytest.raises(NotPermitted):
            withdraw_entry(
                session, given.entry_id, reason="录错", approver="houtai", **{**kwargs, "actor": "kiosk"}
            )
    code = main(["--db", demo_db.url, "party", "points", "withdraw", str(given.entry_id), "--reason", "录入时选错了人",
                 "--approver", "houtai", "--user", "qiantai"])  # fmt: skip
    shown = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0 and shown[-1]["entry"] == given.entry_id and shown[-1]["withdrawn"] is True
    with demo_db.sessions.begin() as session:
        after = member_points(session, member.id, YEAR, scope=WHOLE_STREET, actor="qiantai")
        entry = session.get(PartyPointEntry, given.entry_id)
        with pytest.raises(MemberError, match="已于"):
            withdraw_entry(session, given.entry_id, reason="再撤一次", approver="houtai", **kwargs)
        logged = session.scalars(select(AuditEntry).where(AuditEntry.action == "party_points_withdraw")).one()
    assert after.total == before and not any(x.entry_id == given.entry_id for x in after.lines)
    assert (entry.points, entry.withdrawn_by, entry.withdraw_approved_by) == (5.0, "qiantai", "houtai")
    assert entry.withdrawn_on is not None and entry.withdraw_reason == "录入时选错了人"
    assert (logged.subject, logged.detail) == (member.id_masked, "审批：houtai")


def test_a_grid_worker_sees_only_their_branches(demo_db):
    with demo_db.sessions.begin() as session:
        member = _registered(session)
        with pytest.raises(MemberError, match="不在您负责的网格"):
            member_points(session, member.id, YEAR, scope=Scope(frozenset()), actor="cli:test")


def test_the_branch_decides_and_the_proposal_is_kept_beside_it(demo_db, tmp_path):
    with demo_db.sessions.begin() as session:
        member = _registered(session)
        record = rank_branch(session, member.branch_id, YEAR, scope=WHOLE_STREET)
        assert all(row.decided for row in record.rows if row.proposed)  # the demo decided last year
        with pytest.raises(MemberError, match="评议意见"):
            decide_grade(session, member.id, 2026, "不合格", scope=WHOLE_STREET, actor="houtai")
        with pytest.raises(NotPermitted):
            decide_grade(session, member.id, 2026, "合格", scope=WHOLE_STREET, actor="qiantai")
        row = decide_grade(
            session,
            member.id,
            2026,
            "基本合格",
            note="长期不参加组织生活",
            scope=WHOLE_STREET,
            actor="houtai",
        )
        stored = session.scalars(
            select(PartyMemberGrade).where(
                PartyMemberGrade.member_id == member.id, PartyMemberGrade.year == 2026
            )
        ).one()
        assert (stored.grade, stored.decided_by, stored.points) == ("basic", "houtai", row.points)
        assert stored.proposed and row.decided == "基本合格"
        record = rank_branch(session, member.branch_id, YEAR, scope=WHOLE_STREET)
    path = tmp_path / "评定表.xlsx"
    write_sheet_xlsx(
        path,
        record,
        made_by="=cmd|' /C calc'!A0",
    )
    book = load_workbook(path)
    sheet, about = book.worksheets
    assert sheet.max_row == len(record.rows) + 1
    made = [row for row in about.iter_rows(values_only=True) if row[0] == "制表"][0][1]
    assert made.startswith("=cmd") and about.cell(row=about.max_row, column=2).data_type == "s"


def test_the_command_line_shows_a_members_lines_as_json(demo_db, capsys):
    assert (
        main(["--db", demo_db.url, "party", "points", "show", "1", "--year", str(YEAR), "--user", "houtai"])
        == 0
    )
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    summary = rows[-1]
    assert summary["total"] == round(sum(r["points"] for r in rows[:-1]), 1)
    assert "*" in summary["id_number"] and summary["year"] == YEAR
    assert main(["--db", demo_db.url, "party", "points", "grade", "1", "合格", "--user", "qiantai"]) != 0
    assert "不能记录党员年度评定" in capsys.readouterr().err


def test_a_members_volunteer_hours_count_from_the_volunteer_register(demo_db):
    from sqlalchemy import func

    from app.models import Attendance, Volunteer, VolunteerActivity

    with demo_db.sessions.begin() as session:
        year_of = func.strftime("%Y", VolunteerActivity.starts_at)
        found = session.execute(
            select(PartyMember.id, func.sum(Attendance.hours))
            .join(Volunteer, Volunteer.resident_id == PartyMember.resident_id)
            .join(Attendance, Attendance.volunteer_id == Volunteer.id)
            .join(VolunteerActivity, VolunteerActivity.id == Attendance.activity_id)
            .where(Attendance.hours > 0, year_of == str(YEAR))
            .group_by(PartyMember.id)
            .order_by(PartyMember.id)
            .limit(1)
        ).first()
        assert found is not None, "the demo has party members who volunteer"
        member_id, hours = found
        points = member_points(session, member_id, YEAR, scope=WHOLE_STREET, actor="cli:test")
    lines = [line for line in points.lines if line.rule == "志愿服务时长"]
    assert lines and sum(line.points for line in lines) == min(10, hours / 2)


def test_the_demo_shows_one_entry_withdrawn_and_not_counted(demo_db):
    with demo_db.sessions() as session:
        withdrawn = session.scalars(
            select(PartyPointEntry).where(PartyPointEntry.withdrawn_on.is_not(None))
        ).all()
        assert len(withdrawn) == 1 and withdrawn[0].withdraw_reason
        entry = withdrawn[0]
        year = entry.entered_on.year
        lines = member_points(session, entry.member_id, year, scope=WHOLE_STREET, actor="admin").lines
    assert entry.id not in {line.entry_id for line in lines}
