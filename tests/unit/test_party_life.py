"""Party life at the command line: a member edited (预备 → 正式 with the date) and leaving the
register, a branch roster imported row by row, a meeting's 会议记录 printed with a photo and the
year's meetings exported; no full ID number in any output or audit row."""

from __future__ import annotations

import datetime as dt
import json
import re

import pypdf
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from app.cli import main
from app.models import AuditEntry, Grid, Household, PartyMember, PartyOrganisation, Resident
from app.services.admin.scope import WHOLE_STREET
from app.services.common.idcard import check_digit
from app.services.party.meeting_check_in import check_in_today
from app.services.party.meeting_photos import add_photo, photo_files, remove_photo
from app.services.party.meeting_records import meeting_record
from app.services.party.meetings import tick_present
from tests.unit.spreadsheets import write_xlsx

FULL_ID = re.compile(r"\d{17}[\dXx]")
GRID = "610202010001001"


def _run(db, capsys, *argv) -> list[dict]:
    assert main(["--db", db.url, *argv]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert not FULL_ID.search(out)
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def _branch(db) -> int:
    with db.sessions() as session:
        return session.scalar(
            select(PartyOrganisation.id)
            .join(Grid, PartyOrganisation.grid_id == Grid.id)
            .where(Grid.code == GRID, PartyOrganisation.level == "grid_branch")
        )


def test_a_probationer_made_full_needs_the_date_and_leaving_keeps_the_row(demo_db, capsys):
    with demo_db.sessions.begin() as session:
        member = session.scalars(select(PartyMember).where(PartyMember.resident_id.is_not(None))).first()
        member.status, member.full_on = "probation", None
        member_id = member.id
    assert main(["--db", demo_db.url, "party", "member", "edit", str(member_id), "--status", "full"]) != 0
    assert "转正日期" in capsys.readouterr().err
    row = _run(demo_db, capsys, "party", "member", "edit", str(member_id), "--status", "full",
               "--full-on", "2026-07-01", "--phone", "13800001234")[0]  # fmt: skip
    assert (row["status"], row["full_on"]) == ("正式党员", "2026-07-01")
    _run(
        demo_db,
        capsys,
        "party",
        "member",
        "leave",
        str(member_id),
        "--date",
        "2026-11-30",
        "--reason",
        "组织关系转出",
    )
    listed = _run(demo_db, capsys, "party", "member", "list")
    assert member_id not in {r["id"] for r in listed}
    with demo_db.sessions() as session:
        member = session.get(PartyMember, member_id)
        assert member.left_on.isoformat() == "2026-11-30" and member.transferred_out_on == member.left_on
        assert "party_member" not in {t.code for t in session.get(Resident, member.resident_id).tags}
        actions = [
            a.action for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(6))
        ]
    assert "party_member_edit" in actions and "party_member_leave" in actions


def _number(prefix: str) -> str:
    return prefix + check_digit(prefix)


def test_a_roster_is_checked_row_by_row_then_written(demo_db, capsys, tmp_path):
    with demo_db.sessions() as session:
        residents = session.scalars(
            select(Resident)
            .join(Household, Resident.household_id == Household.id)
            .where(
                Resident.id.not_in(
                    select(PartyMember.resident_id).where(PartyMember.resident_id.is_not(None))
                )
            )
            .limit(2)
        ).all()
        known = [(r.name, r.id_number, r.sex) for r in residents]
        already = session.get(
            Resident,
            session.scalar(select(PartyMember.resident_id).where(PartyMember.resident_id.is_not(None))),
        )
        already = (already.name, already.id_number)
    bad_digit = known[1][1][:17] + ("0" if known[1][1][17] != "0" else "1")
    stranger = _number("61020319850304123")
    sheet = write_xlsx(
        tmp_path / "花名册.xlsx",
        [
            [
                "姓名",
                "身份证号",
                "性别",
                "出生日期",
                "入党日期",
                "转正日期",
                "党员类别",
                "所在支部",
                "联系电话",
            ],
            [known[0][0], known[0][1], "", "", "2025-07-01", "", "预备党员", "", "13900000001"],
            [known[1][0], bad_digit, "", "", "2001-07-01", "2002-07-01", "正式党员", "", ""],
            ["孙外来", stranger, "男", "1985-03-04", "2010-07-01", "2011-07-01", "正式党员", GRID, ""],
            [already[0], already[1], "", "", "", "", "正式党员", "", ""],
            ["周某", _number("61020319700101003"), "", "", "", "", "正式党员", "不存在的支部", ""],
            [known[1][0], known[1][1], "", "", "1999-07-01", "1998-07-01", "正式党员", "", ""],
        ],
    )
    rows = _run(demo_db, capsys, "party", "member", "import", str(sheet), "--branch", GRID, "--dry-run")
    summary = rows[-1]
    assert (summary["accepted"], summary["rejected"], summary["written"]) == (1, 5, False)
    reasons = {r["row"]: r["rejected"] for r in rows if "rejected" in r and "row" in r}
    assert "校验码" in reasons[3]
    assert "不是本街道" in reasons[4]
    assert "已在党员名册" in reasons[5]
    assert "找不到支部" in reasons[6]
    assert "转正日期早于入党日期" in reasons[7]
    rows = _run(demo_db, capsys, "party", "member", "import", str(sheet), "--branch", GRID, "--outside")
    assert rows[-1]["accepted"] == 2 and rows[-1]["written"]
    verdicts = {r["name"]: r["verdict"] for r in rows if "verdict" in r}
    assert verdicts == {known[0][0]: "登记为党员", "孙外来": "作为街道外党员登记"}
    with demo_db.sessions() as session:
        outside = session.scalar(select(PartyMember).where(PartyMember.name == "孙外来"))
        assert outside.resident_id is None and outside.id_masked != stranger
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry.action == "party_member_import" and not FULL_ID.search(entry.detail)


def test_minutes_with_a_photo_and_the_year_exported(demo_db, capsys, tmp_path):
    branch = _branch(demo_db)
    meeting = _run(demo_db, capsys, "party", "meeting", "add", str(branch), "--kind", "theme_day",
                   "--date", "2026-11-20", "--topic", "=重温入党誓词", "--host", "王书记", "--recorder", "李委员",
                   "--minutes", "一、集体重温入党誓词。\n二、交流学习体会。", "--decisions", "组织党员入户走访独居老人")[0]["id"]  # fmt: skip
    with demo_db.sessions() as session:
        member, at_kiosk, ticked = session.scalars(
            select(PartyMember)
            .where(PartyMember.branch_id == branch, PartyMember.resident_id.is_not(None))
            .order_by(PartyMember.id)
            .limit(3)
        ).all()
        number = session.get(Resident, member.resident_id).id_number
    _run(demo_db, capsys, "party", "meeting", "check-in", str(meeting), number)
    with demo_db.sessions.begin() as session:  # one more by card at the kiosk, one ticked
        check_in_today(session, at_kiosk.resident_id, meeting, dt.date(2026, 11, 20), actor="kiosk")
        tick_present(session, meeting, ticked.id, scope=WHOLE_STREET, actor="admin")
    picture = tmp_path / "现场.png"
    Image.new("RGB", (400, 300), (200, 40, 40)).save(picture)
    with demo_db.sessions.begin() as session:
        kept = add_photo(session, meeting, picture, scope=WHOLE_STREET, actor="admin")
        second = add_photo(session, meeting, picture, scope=WHOLE_STREET, actor="admin")
        assert kept.stored_name != second.stored_name
        remove_photo(session, second.id, scope=WHOLE_STREET, actor="admin")
        assert [p.name for p in photo_files(session, meeting)] == [kept.stored_name]
        record = meeting_record(session, meeting, scope=WHOLE_STREET, actor="admin")
        hows = {a.name: a.how for a in record.present}
        assert hows == {member.name: "card", at_kiosk.name: "kiosk", ticked.name: "tick"}
        assert record.draft.host == "王书记"
    out = tmp_path / "会议记录.pdf"
    printed = _run(demo_db, capsys, "party", "meeting", "minutes", str(meeting), "--out", str(out))[0]
    assert (printed["present"], printed["photos"]) == (3, 1)
    document = pypdf.PdfReader(out)
    text = "".join(page.extract_text() for page in document.pages)
    assert "会议记录" in text and "王书记" in text and member.name in text and "组织党员入户走访" in text
    # a card at the desk or at the kiosk proved who came: both are named plainly, a tick is marked
    assert f"{at_kiosk.name}（" not in text and f"{ticked.name}（勾选）" in text
    assert number not in text and not FULL_ID.search(text)
    assert sum(len(page.images) for page in document.pages) == 1  # the one photo
    book = tmp_path / "台账.xlsx"
    rows = _run(
        demo_db, capsys, "party", "meeting", "export", str(branch), "--year", "2026", "--xlsx", str(book)
    )
    assert rows[0]["meetings"] >= 1
    sheet = load_workbook(book).worksheets[0]
    topics = [row[2].value for row in sheet.iter_rows(min_row=2)]
    assert "=重温入党誓词" in topics
    cell = next(row[2] for row in sheet.iter_rows(min_row=2) if row[2].value == "=重温入党誓词")
    assert cell.data_type == "s"
