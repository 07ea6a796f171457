"""Micro-wishes, home visits and grid cases: the use cases, the commands, the notice, and that a
grid worker sees and acts on their own grids only."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from app.cli import main
from app.models import AuditEntry, Building, Case, Grid, Household, Resident, Visit, Wish
from app.services.admin.scope import scope_for
from app.services.cases import workflow
from app.services.engage import visit_due, wish_reads
from app.services.engage.visits import NewVisit, VisitError, record_visit
from app.services.engage.wishes import (
    NewWish,
    WishError,
    claim_wish,
    find_wish,
    fulfil_wish,
    post_wish,
    review_wish,
)
from tests.conftest import DEMO_TODAY
from tests.unit.test_boards import decoded_qr_codes, pdf_pages, squash


def _resident_in(session, *, worker_grids: bool) -> Resident:
    """A living resident inside (or outside) the demo grid worker's grids."""
    grid_ids = scope_for(session, "wangge").grid_ids
    assert grid_ids
    condition = Building.grid_id.in_(grid_ids) if worker_grids else Building.grid_id.not_in(grid_ids)
    return session.scalars(
        select(Resident)
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(condition, Resident.state == "living")
        .order_by(Resident.id)
        .limit(1)
    ).one()


def run(db, capsys, *argv: str) -> list[dict]:
    code = main(["--db", db.url, *argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return [json.loads(line) for line in captured.out.splitlines()]


def fails(db, capsys, *argv: str) -> str:
    assert main(["--db", db.url, *argv]) != 0
    return capsys.readouterr().err


def test_a_wish_goes_from_posting_to_fulfilment_and_each_step_is_audited(demo_db):
    with demo_db.sessions.begin() as session:
        resident = _resident_in(session, worker_grids=True)
        wish = post_wish(
            session, resident, NewWish("想要一个电饭煲", budget_yuan=150), actor="qiantai", today=DEMO_TODAY
        )
        assert wish.status == "pending" and wish.wish_no.startswith("XY2026-")
        review_wish(session, wish, approve=True, actor="houtai")
        claim_wish(session, wish, kind="党员", name="王建国", actor="houtai", today=DEMO_TODAY)
        with pytest.raises(WishError, match="确认实现后才能评价"):
            fulfil_wish(
                session, wish, note="已送达", confirmed=False, rating=5, actor="houtai", today=DEMO_TODAY
            )
        fulfil_wish(session, wish, note="已送达", confirmed=True, rating=5, actor="houtai", today=DEMO_TODAY)
        number = wish.wish_no
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.detail.startswith(number))))
    assert actions == ["wish_post", "wish_review", "wish_claim", "wish_fulfil"]
    with demo_db.sessions() as session:
        row = wish_reads.list_wishes(session, text=number)[0]
    assert (row.status_name, row.claimer_kind, row.rating, row.confirmed) == ("已实现", "党员", 5, True)


def test_a_wish_in_the_wrong_state_or_with_bad_input_is_refused_in_words(demo_db):
    with demo_db.sessions.begin() as session:
        resident = _resident_in(session, worker_grids=True)
        with pytest.raises(WishError, match="请填写心愿内容"):
            post_wish(session, resident, NewWish("  "), actor="qiantai", today=DEMO_TODAY)
        with pytest.raises(WishError, match="预算"):
            post_wish(session, resident, NewWish("轮椅", budget_yuan=9000), actor="qiantai", today=DEMO_TODAY)
        wish = post_wish(session, resident, NewWish("轮椅"), actor="qiantai", today=DEMO_TODAY)
        with pytest.raises(WishError, match="只有已发布的心愿"):
            claim_wish(session, wish, kind="党员", name="王建国", actor="houtai", today=DEMO_TODAY)


def test_a_grid_worker_sees_and_acts_on_wishes_of_their_own_grids_only(demo_db, capsys):
    with demo_db.sessions.begin() as session:
        inside = _resident_in(session, worker_grids=True)
        outside = _resident_in(session, worker_grids=False)
        theirs = post_wish(session, outside, NewWish("想要一套书"), actor="qiantai", today=DEMO_TODAY).wish_no
        with pytest.raises(WishError, match="不在您负责的网格"):
            post_wish(
                session,
                outside,
                NewWish("书"),
                actor="wangge",
                today=DEMO_TODAY,
                scope=scope_for(session, "wangge"),
            )
        with pytest.raises(WishError, match="没有找到"):
            find_wish(session, theirs, scope_for(session, "wangge"))
        inside_id, outside_id = inside.id_number, outside.id_number
    listed = {row["wish_no"] for row in run(demo_db, capsys, "wish", "list", "--user", "wangge")}
    assert listed and theirs not in listed
    assert theirs in {row["wish_no"] for row in run(demo_db, capsys, "wish", "list")}
    assert "不在您负责的网格" in fails(
        demo_db, capsys, "wish", "add", "--id", outside_id, "--text", "书", "--user", "wangge"
    )
    assert "没有找到" in fails(demo_db, capsys, "wish", "review", theirs, "--user", "wangge")
    [posted] = run(
        demo_db, capsys, "wish", "add", "--id", inside_id, "--text", "想要一副老花镜", "--user", "wangge"
    )
    assert posted["channel"] == "网格员代报" and posted["id"].count("*") == 10


def test_the_wish_commands_walk_a_wish_and_print_masked_json(demo_db, capsys):
    with demo_db.sessions() as session:
        resident = _resident_in(session, worker_grids=True)
        number, name = resident.id_number, resident.name
    [added] = run(
        demo_db, capsys, "wish", "add", "--id", number, "--text", "想要一台收音机", "--budget", "120"
    )
    no = added["wish_no"]
    run(demo_db, capsys, "wish", "review", no, "--user", "houtai")
    run(demo_db, capsys, "wish", "claim", no, "--kind", "共建单位", "--name", "区税务局机关党支部")
    [done] = run(demo_db, capsys, "wish", "fulfil", no, "--note", "已送到家", "--confirmed", "--rating", "4")
    assert (done["status_name"], done["claimer"], done["rating"]) == (
        "已实现",
        "共建单位：区税务局机关党支部",
        4,
    )
    assert name not in json.dumps(done, ensure_ascii=False) and number not in json.dumps(done)
    assert "只有" in fails(demo_db, capsys, "wish", "claim", no, "--kind", "党员", "--name", "李")
    [ended] = run(demo_db, capsys, "wish", "add", "--id", number, "--text", "想要一床被子")
    [gone] = run(demo_db, capsys, "wish", "end", ended["wish_no"], "--withdrawn", "--reason", "家人已买")
    assert gone["status_name"] == "已撤回" and gone["reason"] == "家人已买"
    counts = run(demo_db, capsys, "wishes", "counts")
    assert counts[0]["year"] == dt.date.today().year and counts[0]["已实现"] >= 1


def test_the_wish_notice_masks_names_and_every_qr_carries_its_wish_number(demo_db, capsys, tmp_path):
    with demo_db.sessions() as session:
        notice = wish_reads.notice_data(session, day=dt.date.today())
        names = {w.resident.name for w in session.scalars(select(Wish)) if len(w.resident.name) > 1}
    assert notice.wishes and "已发布" in {w.status_name for w in notice.wishes} <= {
        "已发布",
        "已认领",
        "已实现",
    }
    for paper in ("A4", "A3"):
        out = tmp_path / f"notice-{paper}.pdf"
        [result] = run(demo_db, capsys, "wishes", "notice", "--out", str(out), "--paper", paper)
        pdf = out.read_bytes()
        decoded = [text for page in decoded_qr_codes(pdf) for text in page]
        assert result["wishes"] == len(notice.wishes) >= 1
        assert set(decoded) >= {w.wish_no for w in notice.wishes if w.status_name != "已实现"}
        assert sorted(decoded) == sorted(w.wish_no for w in notice.wishes)
        text = squash("".join(pdf_pages(pdf)))
        assert "微心愿公示" in text
        assert not [n for n in names if n in text]


def test_due_visits_follow_the_rules_of_tags_and_a_visit_takes_a_resident_off_the_list(demo_db):
    with demo_db.sessions.begin() as session:
        rules = {r.tag_code: r.every_days for r in visit_due.visit_rules(session)}
        assert rules["living_alone"] == 7 and rules["special_hardship"] == 30
        due = visit_due.due_visits(session, today=DEMO_TODAY)
        overdue = [r for r in due if r.overdue_days]
        assert overdue, "the demo has overdue visits"
        first = overdue[0]
        assert first.state.startswith("逾期") and first.due_on < DEMO_TODAY
        resident = session.get(Resident, first.resident_id)
        record_visit(
            session, resident, NewVisit(DEMO_TODAY, "电话", "身体好"), actor="houtai", today=DEMO_TODAY
        )
        again = {r.resident_id for r in visit_due.due_visits(session, today=DEMO_TODAY)}
        assert first.resident_id not in again
        with pytest.raises(VisitError, match="走访日期不能晚于今天"):
            record_visit(
                session,
                resident,
                NewVisit(DEMO_TODAY + dt.timedelta(days=1)),
                actor="houtai",
                today=DEMO_TODAY,
            )


def test_a_grid_worker_sees_who_is_due_in_their_grids_only(demo_db, capsys):
    with demo_db.sessions() as session:
        grids = {
            g.name
            for g in session.scalars(select(Grid).where(Grid.id.in_(scope_for(session, "wangge").grid_ids)))
        }
        everybody = visit_due.due_visits(session, today=dt.date.today())
    theirs = run(demo_db, capsys, "visit", "due", "--user", "wangge", "--within", "30")
    assert theirs and {row["workers"] for row in theirs} == {"wangge"}
    assert len({row.grid_name for row in everybody}) > len({row["grid"] for row in theirs})
    assert all(any(row["grid"].endswith(g) for g in grids) for row in theirs)
    with demo_db.sessions() as session:
        outside = _resident_in(session, worker_grids=False).id_number
    assert "不在您负责的网格" in fails(demo_db, capsys, "visit", "add", "--id", outside, "--user", "wangge")
    listed = run(demo_db, capsys, "visit", "list", "--user", "wangge", "--since", "2026-11-01")
    assert listed and {row["visitor"] for row in listed} == {"wangge"}


def test_a_problem_found_on_a_visit_becomes_a_grid_case_that_closes_through_the_workflow(demo_db, capsys):
    with demo_db.sessions() as session:
        number = _resident_in(session, worker_grids=True).id_number
    [visit] = run(
        demo_db,
        capsys,
        "visit",
        "add",
        "--id",
        number,
        "--found",
        "楼道灯坏",
        "--problem",
        "楼道声控灯损坏",
        "--user",
        "wangge",
    )
    assert visit["case_no"]
    with demo_db.sessions.begin() as session:
        case = session.scalar(select(Case).where(Case.case_no == visit["case_no"]))
        assert (case.channel, case.applicant_id_number, case.resident_id, case.status) == (
            "grid",
            "",
            None,
            "accepted",
        )
        assert case.due_date is not None and case.grid_id is not None
        assert session.get(Visit, visit["visit_id"]).case_id == case.id
        workflow.apply(session, case, "dispatch", actor="houtai", to="物业公司")
        workflow.apply(session, case, "complete", actor="houtai", note="已更换声控灯")
        assert case.status == "completed"


def test_case_report_files_a_case_without_an_applicant_in_the_reporters_grids(demo_db, capsys):
    with demo_db.sessions() as session:
        codes = list(session.scalars(select(Grid.code).order_by(Grid.code)))
    [case] = run(
        demo_db, capsys, "case", "report", "--grid", codes[0], "--text", "路灯不亮", "--user", "wangge"
    )
    assert case["status"] == "accepted"
    [listed] = run(demo_db, capsys, "cases", "--search", case["case_no"])
    assert (listed["channel"], listed["applicant_id"], listed["item"]) == ("grid", "", "网格上报")
    assert "不归您负责" in fails(
        demo_db, capsys, "case", "report", "--grid", codes[-1], "--text", "x", "--user", "wangge"
    )
    assert "请写明" in fails(demo_db, capsys, "case", "report", "--grid", codes[0], "--text", " ")


def test_the_month_table_counts_visits_due_and_made_per_grid(demo_db, capsys):
    rows = run(demo_db, capsys, "visit", "month", "--month", "2026-10")
    assert rows and all(0 <= r["已访"] <= r["应访"] for r in rows)
    assert sum(r["已访"] for r in rows) > 0.6 * sum(r["应访"] for r in rows)
    assert sum(r["targets"] for r in rows) > 0
    theirs = run(demo_db, capsys, "visit", "month", "--month", "2026-10", "--user", "wangge")
    assert 0 < len(theirs) < len(rows)


def test_visiting_rules_are_data_an_administrator_changes(demo_db, capsys):
    rules = {r["tag"]: r["every_days"] for r in run(demo_db, capsys, "visit", "rules")}
    assert rules["living_alone"] == 7
    changed = run(demo_db, capsys, "visit", "rules", "--set", "veteran", "90", "--user", "admin")
    assert {r["tag"]: r["every_days"] for r in changed}["veteran"] == 90
    assert "不能" in fails(demo_db, capsys, "visit", "rules", "--set", "veteran", "30", "--user", "wangge")
    assert "标签" in fails(demo_db, capsys, "visit", "rules", "--set", "nobody", "30")
    removed = run(demo_db, capsys, "visit", "rules", "--set", "veteran", "0")
    assert "veteran" not in {r["tag"] for r in removed}
