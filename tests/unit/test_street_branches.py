"""The street's list of branches without a meeting (app.street.life_stats): known by grid, named
as they are now, and judged by the branches members and meetings name for a community whose desk
sends no branches."""

from __future__ import annotations

import datetime as dt

from app.services.reports.periods import Period
from app.street.life_stats import LifeCount

TODAY = dt.date(2026, 12, 6)  # the last full month is November


def _count(records: list[tuple[str, str, dict]]) -> LifeCount:
    counter = LifeCount(Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)), "community", TODAY)
    for community, record_type, data in records:
        counter.count(community, record_type, data)
    return counter


def _meeting(branch: str, grid: str, held_on: str, held: bool = True) -> dict:
    return {
        "branch": branch,
        "branch_grid": grid,
        "kind": "theme_day",
        "held_on": held_on,
        "held": held,
        "topic": "",
        "present": 3,
        "absent": 0,
    }


def _member(branch: str, grid: str) -> dict:
    return {
        "branch": branch,
        "branch_grid": grid,
        "status": "full",
        "kind": "registered",
        "transferred_out_on": None,
        "unit_name": "",
    }


def test_branches_sent_are_the_list_under_their_names_now():
    counter = _count(
        [
            ("TY", "party_meeting", _meeting("第一网格党支部", "G1", "2026-11-12")),  # before its rename
            ("TY", "party_branch", {"name": "桃园第一党支部", "grid": "G1"}),
            ("TY", "party_branch", {"name": "第二网格党支部", "grid": "G2"}),
            ("TY", "party_meeting", _meeting("第二网格党支部", "G2", "2026-10-30")),  # not last month
            ("TY", "party_meeting", _meeting("第二网格党支部", "G2", "2026-11-20", held=False)),  # planned
            ("TY", "party_branch", {"name": "流动党员党支部", "grid": ""}),  # no members, no meetings
            ("TY", "party_member", _member("第一网格党支部", "G1")),
        ]
    )
    assert counter.flagged("TY") == ["流动党员党支部", "第二网格党支部"]
    assert counter.stock("TY")["party.branches_without_meeting"] == 2
    assert counter.communities() == {"TY"}


def test_a_branch_without_a_grid_is_known_by_its_name():
    counter = _count(
        [
            ("TY", "party_branch", {"name": "流动党员党支部", "grid": ""}),
            ("TY", "party_branch", {"name": "离退休党支部", "grid": ""}),
            ("TY", "party_meeting", _meeting("离退休党支部", "", "2026-11-03")),
        ]
    )
    assert counter.flagged("TY") == ["流动党员党支部"]


def test_a_community_that_sends_no_branches_is_judged_by_what_its_records_name():
    counter = _count(
        [
            ("XH", "party_member", _member("新华第一党支部", "G7")),
            ("XH", "party_meeting", _meeting("新华第二党支部", "G8", "2026-11-03")),
            ("XH", "party_member", {**_member("新华第三党支部", "G9"), "transferred_out_on": "2026-01-02"}),
            ("TY", "party_branch", {"name": "桃园第一党支部", "grid": "G1"}),
        ]
    )
    assert counter.flagged("XH") == ["新华第一党支部"]  # a member transferred out names no branch
    assert counter.flagged("TY") == ["桃园第一党支部"] and counter.flagged("DF") == []
    assert counter.communities() == {"TY", "XH"}
