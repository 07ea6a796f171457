"""The street's figures of community life, counted from the up-only records the communities
synced (app.street.life): wishes, visits, 议事, partner units and projects, party members and
meetings, 双报到 services, volunteer activities. Definitions in docs/REPORTS.md.

A figure of what happened (a wish fulfilled, a meeting held) belongs to the day it happened and
is counted per community, or per community and month. A figure of what stands (members, partner
units) is the register as the server holds it now, so it is given per community only; with it
the flag list of branches that held no meeting in the last full month before the server's today.

A branch is known by its grid (a grid has one branch), or by its name when it has no grid, so a
meeting sent before the branch was renamed still counts for it. The branches a community sent
themselves are its list, under their current names, with those that have neither members nor
meetings; a community whose desk does not send branches yet is judged by the branches its
members and meetings name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.reports.periods import Period
from app.street.models import StreetLifeRecord

FLOWS = (
    "wishes.posted",
    "wishes.claimed",
    "wishes.fulfilled",
    "visits.made",
    "visits.home",
    "visits.phone",
    "visits.wechat",
    "deliberations.held",
    "deliberations.decisions_published",
    "partners.projects_finished",
    "party.meetings_held",
    "party.meeting_attendance",
    "report_in.services",
    "report_in.hours",
    "volunteers.activities",
    "volunteers.attendances",
    "volunteers.hours",
)
STOCKS = (
    "partners.units",
    "party.members_full",
    "party.members_probation",
    "party.members_in_service",
    "party.branches_without_meeting",
)
NO_MEETING = "party.branches_without_meeting"  # the figure, and the key of its flag list
VISIT_WAYS = {"入户": "visits.home", "电话": "visits.phone", "微信": "visits.wechat"}


def empty_flows() -> dict[str, Any]:
    return dict.fromkeys(FLOWS, 0)


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def branch_key(grid: Any, name: Any) -> str:
    """What a branch is known by: its grid's code, or its name when it has no grid."""
    return f"grid:{grid}" if grid else f"name:{name or ''}"


def last_full_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the month before ``today``'s."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


class LifeCount:
    """Counts one pass over the stored life records."""

    def __init__(self, period: Period, by: str, today: dt.date):
        self.period, self.by, self.today = period, by, today
        self.flows: dict[tuple[str, str], dict[str, Any]] = defaultdict(empty_flows)
        self.stocks: dict[str, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(STOCKS, 0))
        # community -> branch key -> name: the branches sent themselves, and those named by records
        self.registered: dict[str, dict[str, str]] = defaultdict(dict)
        self.named: dict[str, dict[str, str]] = defaultdict(dict)
        self.met: dict[str, set[str]] = defaultdict(set)  # community -> keys of branches that met last month

    def _add(self, community: str, day: Any, figure: str, amount: float = 1) -> None:
        when = _day(day)
        if when is None or not self.period.start <= when <= self.period.end:
            return
        key = (community, f"{when:%Y-%m}" if self.by == "month" else "")
        self.flows[key][figure] += amount

    def count(self, community: str, record_type: str, data: dict[str, Any]) -> None:
        add = self._add
        if record_type == "wish":
            add(community, data.get("posted_on"), "wishes.posted")
            add(community, data.get("claimed_on"), "wishes.claimed")
            if data.get("status") == "fulfilled":
                add(community, data.get("fulfilled_on"), "wishes.fulfilled")
        elif record_type == "visit":
            add(community, data.get("visited_on"), "visits.made")
            if (way := VISIT_WAYS.get(str(data.get("way")))) is not None:
                add(community, data.get("visited_on"), way)
        elif record_type == "deliberation":
            add(community, data.get("held_on"), "deliberations.held")
            add(community, data.get("decision_published_on"), "deliberations.decisions_published")
        elif record_type == "partner_unit":
            self.stocks[community]["partners.units"] += 1
        elif record_type == "partner_project":
            if data.get("status") == "done":
                add(community, data.get("finished_on"), "partners.projects_finished")
        elif record_type == "party_branch":
            self.registered[community][branch_key(data.get("grid"), data.get("name"))] = str(
                data.get("name") or ""
            )
        elif record_type == "party_member":
            self._member(community, data)
        elif record_type == "party_meeting":
            self._meeting(community, data)
        elif record_type == "report_in_service":
            add(community, data.get("served_on"), "report_in.services")
            add(community, data.get("served_on"), "report_in.hours", float(data.get("hours") or 0))
        elif record_type == "volunteer_activity" and data.get("status") == "held":
            add(community, data.get("held_on"), "volunteers.activities")
            add(community, data.get("held_on"), "volunteers.attendances", int(data.get("volunteers") or 0))
            add(community, data.get("held_on"), "volunteers.hours", float(data.get("hours") or 0))

    def _member(self, community: str, data: dict[str, Any]) -> None:
        if data.get("transferred_out_on"):
            return  # no longer this community's member
        stock = self.stocks[community]
        if data.get("status") in ("full", "probation"):
            stock[f"party.members_{data['status']}"] += 1
        stock["party.members_in_service"] += data.get("kind") == "in_service"
        self._name(community, data)

    def _name(self, community: str, data: dict[str, Any]) -> str:
        """The key of the branch a member or meeting names, noted as known."""
        key = branch_key(data.get("branch_grid"), data.get("branch"))
        self.named[community].setdefault(key, str(data.get("branch") or ""))
        return key

    def _meeting(self, community: str, data: dict[str, Any]) -> None:
        branch = self._name(community, data)
        if not data.get("held"):
            return  # planned only
        self._add(community, data.get("held_on"), "party.meetings_held")
        self._add(community, data.get("held_on"), "party.meeting_attendance", int(data.get("present") or 0))
        first, last = last_full_month(self.today)
        held = _day(data.get("held_on"))
        if held is not None and first <= held <= last:
            self.met[community].add(branch)

    def communities(self) -> set[str]:
        """The communities any branch is known of."""
        return set(self.registered) | set(self.named)

    def flagged(self, community: str) -> list[str]:
        """The names of the branches of ``community`` without a meeting held in the last full
        month."""
        known = self.registered.get(community) or self.named.get(community, {})
        return sorted(name for key, name in known.items() if key not in self.met[community] and name)

    def stock(self, community: str) -> dict[str, Any]:
        figures = dict(self.stocks[community])
        figures[NO_MEETING] = len(self.flagged(community))
        return figures


def count_life(session: Session, period: Period, by: str, today: dt.date) -> LifeCount:
    counter = LifeCount(period, by, today)
    t = StreetLifeRecord
    for community, record_type, data in session.execute(select(t.origin_community, t.type, t.data)):
        if isinstance(data, dict):
            counter.count(community, record_type, data)
    return counter
