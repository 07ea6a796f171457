"""Every command that shows or copies personal data writes an audit row (issue 20, point 9).

The commands are read from the real argument parser, so a new subcommand fails
``test_every_command_has_a_decision`` until it is put in one of the two tables below: PERSONAL
(how to run it on the demo street; the run must add an audit row) or NOT_PERSONAL (why it shows
and copies nobody's data). The desk's screens have the same check in tests/gui/test_audit_screens.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.cli import build_parser, main
from app.db import Database
from app.models import (
    AuditEntry,
    Building,
    Grid,
    Household,
    PartyMember,
    Resident,
    TeamMembership,
    Volunteer,
    VolunteerActivity,
    Wish,
)
from app.services.common.idcard import check_digit
from tests.unit.spreadsheets import write_csv

FULL_ID = re.compile(r"\d{17}[\dXx]")
GRID = "610202010001001"
EXAMPLE = "610202197509180016"  # the demo resident who patrols


@dataclass
class Scene:
    """The demo street, a resident with a household, and a folder for the files commands write."""

    db: Database
    tmp: Path
    capsys: pytest.CaptureFixture

    @property
    def person(self) -> Resident:
        with self.db.sessions() as session:
            household = session.scalars(select(Household).where(Household.members.any()).limit(1)).one()
            return household.members[0]

    def member(self, index: int) -> str:
        with self.db.sessions() as session:
            household = session.scalars(select(Household).where(Household.members.any()).limit(1)).one()
            return household.members[index].id_number

    @property
    def stranger(self) -> str:
        """A resident of another household."""
        with self.db.sessions() as session:
            household = session.scalars(
                select(Household).where(Household.members.any()).offset(1).limit(1)
            ).one()
            return household.members[0].id_number

    @property
    def building(self) -> str:
        with self.db.sessions() as session:
            return str(session.scalars(select(Household.building_id).limit(1)).one())

    def moved_away(self, index: int) -> str:
        self.run("resident", "leave", self.member(index), "--date", "2026-11-01", "--to", "西安市")
        return self.member(index)

    @property
    def building_name(self) -> str:
        """The name of a building of grid GRID."""
        with self.db.sessions() as session:
            return session.scalars(
                select(Building.name).join(Grid).where(Grid.code == GRID).order_by(Building.id).limit(1)
            ).one()

    def new_member(self) -> int:
        """An in-service member registered for the run (the join is audited before counting)."""
        rows = self.run(
            "party", "report-in", "join", "李卫东", self.stranger, "--grid", GRID, "--unit", "区教育局"
        )
        return rows[0]["id"]

    def meeting(self) -> int:
        """A meeting of the first member's branch, recorded for the run."""
        with self.db.sessions() as session:
            branch = session.scalar(select(PartyMember.branch_id).where(PartyMember.id == 1))
        rows = self.run(
            "party",
            "meeting",
            "add",
            str(branch),
            "--kind",
            "theme_day",
            "--date",
            "2026-11-05",
            "--topic",
            "学习党章",
        )
        return rows[0]["id"]

    def point_entry(self) -> str:
        """Points given by hand to member 1, to be withdrawn."""
        from app.services.admin.scope import WHOLE_STREET
        from app.services.party.points import add_entry

        with self.db.sessions.begin() as session:
            given = add_entry(session, 1, points=2, reason="录错", approver="houtai", on=dt.date(2026, 11, 2),
                              scope=WHOLE_STREET, actor="admin")  # fmt: skip
            return str(given.entry_id)

    def branch_of_member(self, member_id: int) -> str:
        with self.db.sessions() as session:
            return str(session.scalar(select(PartyMember.branch_id).where(PartyMember.id == member_id)))

    def branch(self) -> int:
        with self.db.sessions() as session:
            return session.scalar(select(PartyMember.branch_id).where(PartyMember.id == 1))

    def roster(self) -> str:
        """A one-row roster naming a resident who is not a member yet (checked, not written)."""
        with self.db.sessions() as session:
            resident = session.scalars(
                select(Resident).where(
                    Resident.id.not_in(
                        select(PartyMember.resident_id).where(PartyMember.resident_id.is_not(None))
                    )
                )
            ).first()
        path = self.tmp / "roster.csv"
        write_csv(path, [["姓名", "身份证号", "党员类别"], [resident.name, resident.id_number, "正式党员"]])
        return str(path)

    def party_member(self) -> str:
        with self.db.sessions() as session:
            resident_id = session.scalar(select(PartyMember.resident_id).where(PartyMember.id == 1))
            return session.get(Resident, resident_id).id_number

    def open_activity(self) -> list[str]:
        """``--activity N --at T``: the example volunteer's team's activity of the demo's day."""
        with self.db.sessions() as session:
            team = session.scalar(
                select(TeamMembership.team_id)
                .join(Volunteer, Volunteer.id == TeamMembership.volunteer_id)
                .join(Resident, Resident.id == Volunteer.resident_id)
                .where(Resident.id_number == EXAMPLE)
            )
            activity = session.scalars(
                select(VolunteerActivity).where(
                    VolunteerActivity.team_id == team, VolunteerActivity.title == "社区志愿服务日值守"
                )
            ).first()
        return [
            "--activity",
            str(activity.id),
            "--at",
            (activity.starts_at + dt.timedelta(hours=1)).isoformat(),
        ]

    def file(self, name: str) -> str:
        return str(self.tmp / name)

    def run(self, *argv: str) -> list[dict]:
        """A command run to set the scene (before the audit rows are counted)."""
        assert main(["--db", self.db.url, *argv]) == 0, self.capsys.readouterr().err
        out = self.capsys.readouterr().out
        return [json.loads(line) for line in out.splitlines() if line.startswith("{")]

    def serial(self) -> str:
        """An issued certificate, for the commands that act on one."""
        argv = ["certificate", "issue", "--template", "JZZM", "--id", self.person.id_number]
        fields = ["--field", "purpose=办理居住证", "--field", "since=2012-05-01"]
        return self.run(*argv, *fields, "--out", self.file("issued.pdf"))[0]["serial"]

    def wish(self, status: str) -> str:
        with self.db.sessions() as session:
            return session.scalars(select(Wish.wish_no).where(Wish.status == status).limit(1)).one()

    def case_no(self) -> str:
        """An accepted case of the person, for the commands that act on one."""
        return self.run("case", "accept", "--item", "SB-002", "--id", self.person.id_number)[0]["case_no"]

    def tagged(self, code: str) -> str:
        self.run("tags", "assign", code, self.person.id_number)
        return self.person.id_number


def _residents_csv(scene: Scene) -> str:
    number = "61020219900102123"  # the last digit odd: a man
    rows = [["姓名", "公民身份号码", "性别"], ["周小军", number + check_digit(number), "男"]]
    return str(write_csv(scene.tmp / "花名册.csv", rows))


def _new_number() -> str:
    number = "61020219900102124"
    return number + check_digit(number)


def _hotline_csv(scene: Scene) -> str:
    header = ["工单编号", "来电时间", "诉求人", "联系电话", "地址", "诉求内容"]
    row = ["AUD-1", "2026-11-20 09:15", "王女士", "13800000000", "某某路无名小区", "楼道垃圾多日未清运"]
    return str(write_csv(scene.tmp / "12345.csv", [header, row]))


def _grids_xlsx(scene: Scene) -> str:
    book = Workbook()
    grids = book.active
    grids.title = "网格"
    grids.append(["网格编码", "网格名称", "所属社区"])
    grids.append([GRID, "第1网格", "桃园社区"])
    staff = book.create_sheet("人员")
    staff.append(["网格编码", "姓名", "角色", "电话"])
    staff.append([GRID, "周新来", "志愿者", "13900001111"])
    path = scene.tmp / "grids.xlsx"
    book.save(path)
    return str(path)


Argv = Callable[[Scene], list[str]]

# Shows or copies personal data: how to run it on the demo street. Each run must add an audit row.
PERSONAL: dict[str, Argv] = {
    "desk": lambda s: [
        "desk", "--screenshot", s.file("desk.png"), "--user", "qiantai", "--lookup", s.person.id_number
    ],
    "kiosk": lambda s: ["kiosk", "--screenshot", s.file("kiosk.png"), "--page", "cases"],
    "backup": lambda s: ["backup", "--out", s.file("copy.db")],
    "lookup": lambda s: ["lookup", s.person.id_number],
    "import residents": lambda s: ["import", "residents", _residents_csv(s)],
    "import hotline": lambda s: ["import", "hotline", _hotline_csv(s)],
    "import grids": lambda s: ["import", "grids", _grids_xlsx(s)],  # staff names and phones
    "case accept": lambda s: ["case", "accept", "--item", "ZM-001", "--id", s.person.id_number],
    "cases": lambda s: ["cases"],
    "case sheet": lambda s: ["case", "sheet", s.case_no(), "--out", s.file("sheet.pdf")],
    "hotline replies": lambda s: [
        "hotline", "replies", "--from", "2026-01-01", "--to", "2026-12-31", "--xlsx", s.file("replies.xlsx")
    ],
    # aggregates drawn from personal data: one report_view entry per run
    "report cases": lambda s: ["report", "cases", "--month", "2026-11", "--by", "grid"],
    "report satisfaction": lambda s: ["report", "satisfaction", "--month", "2026-11", "--cases"],
    "report certificates": lambda s: ["report", "certificates", "--from", "2026-01-01", "--to", "2026-12-31"],
    "report population": lambda s: ["report", "population", "--by", "tag"],
    "report full": lambda s: ["report", "full", "--month", "2026-11", "--xlsx", str(s.tmp / "report.xlsx")],
    "report monthly": lambda s: ["report", "monthly", "--month", "2026-11", "--notes", "本月工作正常"],
    "certificate issue": lambda s: [
        "certificate", "issue", "--template", "JZZM", "--id", s.person.id_number,
        "--field", "purpose=办理居住证", "--field", "since=2012-05-01", "--out", s.file("c.pdf"),
    ],
    "certificate reprint": lambda s: ["certificate", "reprint", s.serial(), "--out", s.file("again.pdf")],
    "certificate void": lambda s: ["certificate", "void", s.serial(), "--reason", "信息有误"],
    "certificate register": lambda s: ["certificate", "register"],
    "certificate batch": lambda s: [
        "certificate", "batch", "--template", "GLJT", "--min-age", "80", "--grid", GRID,
        "--out", s.file("batch.pdf"),
    ],
    "party member add": lambda s: ["party", "member", "add", s.stranger, "--grid", GRID],
    "party member list": lambda s: ["party", "member", "list"],
    "party meeting check-in": lambda s: ["party", "meeting", "check-in", str(s.meeting()), s.party_member()],
    "party meeting minutes": lambda s: ["party", "meeting", "minutes", str(s.meeting()), "--out", s.file("minutes.pdf")],
    "party meeting export": lambda s: ["party", "meeting", "export", str(s.branch()), "--year", "2026", "--xlsx", s.file("meetings.xlsx")],
    "party member edit": lambda s: ["party", "member", "edit", "1", "--phone", "13900002222"],
    "party member leave": lambda s: ["party", "member", "leave", "1", "--reason", "组织关系转出"],
    "party member import": lambda s: ["party", "member", "import", s.roster(), "--branch", GRID, "--dry-run"],
    "party meeting absent": lambda s: ["party", "meeting", "absent", str(s.meeting()), "1", "--reason", "出差"],
    "party org leader": lambda s: ["party", "org", "leader", "1", "--id", s.stranger],
    "party org rename": lambda s: ["party", "org", "rename", "1", "桃园社区党委"],
    "party org add": lambda s: ["party", "org", "add", "2", "新建楼栋党小组", "--leader-id", s.stranger],
    "party report-in join": lambda s: ["party", "report-in", "join", "王建国", s.stranger, "--grid", GRID, "--unit", "区税务局"],
    "party report-in record": lambda s: [
        "party", "report-in", "record", str(s.new_member()), "--date", "2026-11-02", "--post", "助老",
        "--hours", "2", "--content", "为独居老人打扫卫生",
    ],
    "party report-in sheet": lambda s: ["party", "report-in", "sheet", str(s.new_member()), "--year", "2026",
                                        "--out", s.file("sheet.pdf")],
    "party points show": lambda s: ["party", "points", "show", "1", "--year", "2025"],
    "party points add": lambda s: ["party", "points", "add", "1", "--points", "2", "--reason", "协助防汛值守",
                                   "--approver", "houtai"],
    "party points withdraw": lambda s: ["party", "points", "withdraw", s.point_entry(), "--reason", "录错了党员",
                                        "--approver", "houtai"],
    "party points rank": lambda s: ["party", "points", "rank", s.branch_of_member(1), "--year", "2025"],
    "party points grade": lambda s: ["party", "points", "grade", "1", "合格", "--year", "2026"],
    "party points sheet": lambda s: ["party", "points", "sheet", s.branch_of_member(1), "--year", "2025",
                                     "--out", s.file("grades.xlsx")],
    "tags assign": lambda s: ["tags", "assign", "low_income", s.person.id_number],
    "tags unassign": lambda s: ["tags", "unassign", "low_income", s.tagged("low_income")],
    "appointments": lambda s: ["appointments"],
    "boards": lambda s: ["boards", "--grid", GRID, "--out", s.file("board.pdf")],  # grid staff's phones
    # every change of a resident writes a history entry and its audit entry
    "resident add": lambda s: ["resident", "add", _new_number(), "--name", "周小军"],
    "resident edit": lambda s: ["resident", "edit", s.member(1), "--phone", "13900001111"],
    "resident move": lambda s: ["resident", "move", s.member(1), "--household-of", s.stranger, "--relation", "其他"],
    "resident head": lambda s: ["resident", "head", s.member(1), "--old-head-relation", "配偶"],
    "resident split": lambda s: [
        "resident", "split", s.member(1), "--head", s.member(1), "--building-id", s.building, "--room", "9901"
    ],
    "resident merge": lambda s: ["resident", "merge", s.member(0), "--into", s.stranger, "--head-relation", "兄弟姐妹"],
    "resident leave": lambda s: ["resident", "leave", s.member(1), "--date", "2026-11-01", "--to", "西安市"],
    "resident death": lambda s: ["resident", "death", s.member(1), "--date", "2026-11-01"],
    "resident return": lambda s: ["resident", "return", s.moved_away(1)],
    "resident history": lambda s: ["resident", "history", s.member(0)],
    "audit": lambda s: ["audit", "--id", s.person.id_number],  # a search of the log is a lookup
    "residents": lambda s: ["residents", "--search", s.person.name],
    "print household": lambda s: ["print", "household", s.person.id_number, "--out", s.file("hh.pdf")],
    "print building": lambda s: ["print", "building", f"{GRID}/{s.building_name}", "--out", s.file("bb.pdf")],
    "wish add": lambda s: ["wish", "add", "--id", s.person.id_number, "--text", "想要一台收音机"],
    "wish review": lambda s: ["wish", "review", s.wish("pending")],
    "wish claim": lambda s: ["wish", "claim", s.wish("published"), "--kind", "党员", "--name", "王建国"],
    "wish fulfil": lambda s: ["wish", "fulfil", s.wish("claimed"), "--note", "已送达", "--confirmed"],
    "wish end": lambda s: ["wish", "end", s.wish("published"), "--reason", "心愿人已自行解决"],
    "wish list": lambda s: ["wish", "list"],
    "wishes notice": lambda s: ["wishes", "notice", "--out", s.file("wishes.pdf")],  # masked names
    "visit add": lambda s: ["visit", "add", "--id", s.person.id_number, "--found", "一切正常"],
    "visit due": lambda s: ["visit", "due"],
    "visit list": lambda s: ["visit", "list"],
    "case report": lambda s: ["case", "report", "--grid", GRID, "--text", "楼道灯坏了"],
    # partner units: contacts, and the 双报到 members named in a unit's record; every change is audited
    "unit add": lambda s: ["unit", "add", "铜川市图书馆", "--contact", "高敏"],
    "unit edit": lambda s: ["unit", "edit", "区税务局", "--phone", "0919-3100000"],
    "unit list": lambda s: ["unit", "list"],
    "unit resource": lambda s: ["unit", "resource", "区税务局", "义务法律咨询"],
    "unit need": lambda s: ["unit", "need", "楼道扶手安装"],
    "unit record": lambda s: ["unit", "record", "区税务局", "--year", "2026", "--out", s.file("unit.pdf")],
    "unit project claim": lambda s: ["unit", "project", "claim", "区税务局", "--direction", "need", "--title", "助老餐桌", "--owner", "李明"],
    "unit project milestone": lambda s: ["unit", "project", "milestone", "GJ2026-003", "验收"],
    "unit project reached": lambda s: ["unit", "project", "reached", "GJ2026-003", "1"],
    "unit project finish": lambda s: ["unit", "project", "finish", "GJ2026-003", "--result", "托管场地已落实"],
    # 议事: attendees' names, the cases and wishes answered; every change is audited
    "meeting add": lambda s: ["meeting", "add", "--kind", "bench", "--topic", "楼道照明", "--convenor", "张伟", "--date", "2026-11-20"],
    "meeting step": lambda s: ["meeting", "step", "YS2026-0006", "resolve", "--decision", "收益用于助老食堂", "--for", "30"],
    "meeting decide": lambda s: ["meeting", "decide", "YS2026-0007", "--decision", "设置便民摊位区", "--for", "6"],
    "meeting result": lambda s: ["meeting", "result", "YS2026-0004", "--result", "排水管网已疏通"],
    "meeting link": lambda s: ["meeting", "link", "YS2026-0001", "--wish", s.wish("published")],
    "meeting list": lambda s: ["meeting", "list"],
    "meeting notice": lambda s: ["meeting", "notice", "YS2026-0003", "--out", s.file("meeting.pdf")],  # masked names
    "export": lambda s: ["export", "residents", "--xlsx", s.file("register.xlsx"), "--pdf", s.file("register.pdf")],
    "volunteer add": lambda s: ["volunteer", "add", s.stranger, "--team", "1"],
    "volunteer list": lambda s: ["volunteer", "list"],
    "volunteer sign": lambda s: ["volunteer", "sign", EXAMPLE, *s.open_activity()],
    "volunteer correct": lambda s: ["volunteer", "correct", "1", "--hours", "0.5", "--reason", "队长证明"],
    "volunteer hours": lambda s: ["volunteer", "hours", "1", "--from", "2026-01-01", "--to", "2026-12-31"],
    "volunteer certificate": lambda s: ["volunteer", "certificate", "1", "--from", "2026-01-01", "--to",
                                        "2026-12-31", "--out", s.file("zysc.pdf")],
}  # fmt: skip

STEP = (
    "a step on a case, written as a case event (the case's own record of who did what); prints the "
    "case number, the event's details and the status"
)

# Shows and copies nobody's personal data, and why.
NOT_PERSONAL: dict[str, str] = {
    "init": "creates or upgrades the database; --demo makes up its people and prints only counts",
    "id check": "checks the numbers it is given; reads nothing from the database",
    "catalogue list": "the service items",
    "catalogue add": "a service item (audited as a change of the catalogue)",
    "catalogue edit": "a service item (audited as a change of the catalogue)",
    "catalogue disable": "a service item (audited as a change of the catalogue)",
    "catalogue enable": "a service item (audited as a change of the catalogue)",
    "centre": "which community the centre serves",
    "restore": "puts a backup in the database's place and shows nobody's data (audited all the same, "
    "as action restore: tests/integration/test_restored_copy.py)",
    "user add": "a staff account; prints its username, role and display name",
    "user list": "the centre's own staff accounts, no residents",
    "user edit": "a staff account's display name (the change itself is audited: test_accounts.py)",
    "user disable": "a staff account (the change itself is audited: test_accounts.py)",
    "user enable": "a staff account (the change itself is audited: test_accounts.py)",
    "user password": "a staff account's password, never shown (audited: test_accounts.py)",
    "user role": "a staff account's role (audited: test_accounts.py)",
    "user grids": "a staff account's grids (audited: test_accounts.py)",
    "user unlock": "a staff account's lock (audited: test_accounts.py)",
    "calendar list": "holidays and working days",
    "calendar set": "holidays and working days",
    "calendar unset": "holidays and working days",
    "calendar import": "holidays and working days",
    "templates": "certificate templates",
    "certificate verify": "what the paper in the checker's hand carries: title, date, the holder's masked name",
    "certificate export-key": "the centre's public key",
    "certificate trust-key": "another centre's public key",
    "kiosk-pin": "the kiosk's administrator PIN (audited as a settings change)",
    "sync": "machine to machine, to the street office's own server; prints only counts",
    "sync-config": "the street server's address and key",
    "street-server": "serves the street's API; its /street page shows counts",
    "street-admin register": "a community's API key",
    "street-admin list": "the registered communities",
    "street-admin attach": "which street office a community belongs to",
    "street-admin user add": "a street staff account's name and role (never the password)",
    "street-admin user list": "the street staff accounts (names and roles)",
    "street-admin user unlock": "unlocks a street staff account",
    "street-admin demo": "fills an empty street server with a synthetic demo street",
    "street-admin open311-client add": "an Open311 client's name and API key",
    "street-admin open311-client list": "the registered Open311 clients",
    "tags list": "the tag definitions",
    "party report-in units": "counts and hours per reporting unit, nobody named",
    "party meeting missing": "branch names without a meeting, nobody named",
    "party meeting add": "a branch's meeting record (audited as a change of the party register)",
    "party org list": "the organisation and its leaders, as the public notice boards print them",
    "party points rules": "the centre's point rules and grading rule, nobody named",
    "party points rule": "a point rule's figures (audited as a settings change)",
    "tags add": "a tag definition",
    "volunteer team add": "a team's name and area (audited as a change); its leader is a public role",
    "volunteer team list": "the teams, their areas and leaders, and how many members: nobody else named",
    "volunteer activity add": "an activity's title, place and times",
    "volunteer activity list": "activities' titles, places and times, nobody named",
    "street set": "the street's name and codes (audited as a settings change)",
    "community add": "a community's name, codes and public details (audited as a settings change)",
    "community edit": "a community's name, codes and public details (audited as a settings change)",
    "community list": "the communities of the street",
    "import template": "a blank workbook; reads nothing from the database",
    "wishes counts": "numbers of wishes per year and state",
    "visit rules": "the visiting interval of each tag (a change is audited as a settings change)",
    "visit month": "numbers of visits due and made per grid and its workers' account names",
    "case measure": STEP,
    "case responsible": STEP,
    "case result": STEP,
    "case mode": STEP,
    "case evaluate": STEP,
    "case escalate": STEP,
    "case assign": STEP,
    "escalation-targets list": "the departments cases are escalated to",
    "escalation-targets add": "a department cases are escalated to (audited as a settings change)",
    "escalation-targets edit": "a department cases are escalated to (audited as a settings change)",
    "escalation-targets disable": "a department cases are escalated to (audited as a settings change)",
}


def leaf_commands(parser: argparse.ArgumentParser, prefix: str = "") -> set[str]:
    """Every runnable command path (``certificate register``), read from the parser itself."""
    found: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= leaf_commands(sub, f"{prefix} {name}".strip())
    return found or {prefix}


def test_every_command_has_a_decision():
    commands = leaf_commands(build_parser())
    assert not set(PERSONAL) & set(NOT_PERSONAL)
    assert commands - set(PERSONAL) - set(NOT_PERSONAL) == set(), "new commands: audited or not?"
    assert set(PERSONAL) | set(NOT_PERSONAL) == commands, "the tables name commands that are gone"


def _audit_rows(db: Database) -> list[AuditEntry]:
    with db.sessions() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


@pytest.mark.parametrize("command", sorted(PERSONAL))
def test_a_command_that_shows_personal_data_writes_an_audit_row(command, demo_db, tmp_path, capsys, request):
    if command in ("desk", "kiosk"):
        request.getfixturevalue("qapp")  # the windows draw their screenshot with Qt
    scene = Scene(demo_db, tmp_path, capsys)
    argv = PERSONAL[command](scene)
    before = len(_audit_rows(demo_db))
    code = main(["--db", demo_db.url, *argv])
    assert code == 0, capsys.readouterr()
    added = _audit_rows(demo_db)[before:]
    assert added, f"yichuang {command} wrote no audit row"
    for entry in added:
        assert not FULL_ID.search(f"{entry.subject} {entry.purpose} {entry.detail}"), entry.subject


def test_listing_searches_are_logged_with_the_search_and_never_a_full_id_number(demo_db, tmp_path, capsys):
    scene = Scene(demo_db, tmp_path, capsys)
    number, name = scene.person.id_number, scene.person.name
    serial = scene.serial()
    rows = scene.run("certificate", "register", "--search", number, "--user", "qiantai")
    assert [r["serial"] for r in rows] == [serial]
    scene.run("cases", "--search", name[:1], "--user", "houtai")
    register, cases = _audit_rows(demo_db)[-2:]
    assert (register.actor, register.action, register.subject) == ("qiantai", "export", "1条")
    assert number[:4] in register.detail and number not in register.detail
    assert (cases.actor, cases.action) == ("houtai", "export") and f"“{name[:1]}”" in cases.detail
    with demo_db.sessions() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.detail.contains(number))
            )
            == 0
        )


def test_a_backup_that_cannot_be_logged_is_not_left_behind(demo_db, tmp_path, capsys, monkeypatch):
    from app.services.common import audit

    def log_unavailable(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(audit, "record", log_unavailable)
    target = tmp_path / "copy.db"
    assert main(["--db", demo_db.url, "backup", "--out", str(target)]) != 0
    assert not target.exists()
