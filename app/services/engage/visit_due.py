"""Who is due a visit: the visiting rules by tag (独居 every 7 days, 特困 every 30 …), the due and
overdue list a grid worker works through, and the monthly table of visits due (应访) and made (已访).

A living resident with a tag that has a rule is visited every ``every_days`` (the shortest of
their tags); a visit to the resident or to their whole household counts.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    LIVING,
    Building,
    Community,
    Grid,
    Household,
    Resident,
    Tag,
    User,
    Visit,
    VisitRule,
    resident_tags,
)
from app.models import user_grids as user_grids_table
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.common.idcard import mask


class RuleError(ValueError):
    """A visiting rule that cannot be set; one sentence."""


@dataclass(frozen=True)
class Rule:
    tag_code: str
    tag_name: str
    every_days: int


def visit_rules(session: Session) -> list[Rule]:
    stmt = select(Tag.code, Tag.name, VisitRule.every_days).join(VisitRule, VisitRule.tag_id == Tag.id)
    return [Rule(*row) for row in session.execute(stmt.order_by(VisitRule.every_days, Tag.sort_order))]


def set_visit_rule(session: Session, tag_code: str, every_days: int | None) -> None:
    """Set (or with None remove) how often residents with the tag are visited."""
    tag = session.scalar(select(Tag).where(Tag.code == tag_code))
    if tag is None:
        raise RuleError(f"没有代码为“{tag_code}”的标签")
    rule = session.scalar(select(VisitRule).where(VisitRule.tag_id == tag.id))
    if every_days is None:
        if rule is not None:
            session.delete(rule)
        return
    if not 1 <= every_days <= 366:
        raise RuleError("走访周期应在1到366天之间")
    if rule is None:
        session.add(VisitRule(tag_id=tag.id, every_days=every_days))
    else:
        rule.every_days = every_days


@dataclass
class _Target:
    resident_id: int
    name: str
    id_number: str
    household_id: int | None
    grid_id: int
    grid_name: str
    address: str
    tags: list[str]
    every_days: int


def _target_rows(session: Session, scope: Scope, today: dt.date):
    """(resident columns…, tag name, every_days) for assigned tags and for age tags by birth date."""
    columns = (
        Resident.id,
        Resident.name,
        Resident.id_number,
        Resident.household_id,
        Grid.id,
        Community.name + Grid.name,
        Building.name,
        Household.unit,
        Household.room,
        Tag.name,
        VisitRule.every_days,
    )

    def placed(stmt):
        return (
            stmt.join(Household, Household.id == Resident.household_id)
            .join(Building, Building.id == Household.building_id)
            .join(Grid, Grid.id == Building.grid_id)
            .join(Community, Community.id == Grid.community_id)
            .where(Resident.state == LIVING, scope.grid_filter(Building.grid_id))
        )

    assigned = (
        select(*columns)
        .select_from(Resident)
        .join(resident_tags, resident_tags.c.resident_id == Resident.id)
        .join(VisitRule, VisitRule.tag_id == resident_tags.c.tag_id)
        .join(Tag, Tag.id == VisitRule.tag_id)
        .where(Tag.min_age.is_(None), Tag.max_age.is_(None))
    )
    yield from session.execute(placed(assigned))
    age_rules = session.execute(
        select(Tag, VisitRule.every_days)
        .join(VisitRule, VisitRule.tag_id == Tag.id)
        .where((Tag.min_age.is_not(None)) | (Tag.max_age.is_not(None)))
    ).all()
    for tag, days in age_rules:
        stmt = select(*columns[:-2]).select_from(Resident)
        if tag.min_age is not None:  # born on or before today minus min_age years
            stmt = stmt.where(Resident.birth_date <= _years_before(today, tag.min_age))
        if tag.max_age is not None:  # younger than max_age
            stmt = stmt.where(Resident.birth_date > _years_before(today, tag.max_age))
        for row in session.execute(placed(stmt)):
            yield (*row, tag.name, days)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def visit_targets(session: Session, scope: Scope, today: dt.date) -> dict[int, _Target]:
    found: dict[int, _Target] = {}
    for rid, name, number, hid, gid, gname, bname, unit, room, tag, days in _target_rows(
        session, scope, today
    ):
        target = found.get(rid)
        if target is None:
            address = f"{bname}{unit}单元{room}室"
            found[rid] = _Target(rid, name, number, hid, gid, gname, address, [tag], days)
        else:
            target.tags.append(tag)
            target.every_days = min(target.every_days, days)
    return found


def _visit_days(
    session: Session, targets: dict[int, _Target], since: dt.date | None = None
) -> dict[int, list[dt.date]]:
    """Each target's visit dates (their own and whole-household visits), oldest first."""
    by_resident: dict[int, list[dt.date]] = {rid: [] for rid in targets}
    by_household: dict[int, list[int]] = {}
    for target in targets.values():
        if target.household_id is not None:
            by_household.setdefault(target.household_id, []).append(target.resident_id)
    stmt = select(Visit.resident_id, Visit.household_id, Visit.visited_on)
    if since is not None:
        stmt = stmt.where(Visit.visited_on >= since)
    grids = {t.grid_id for t in targets.values()}
    if grids:
        stmt = stmt.where(Visit.grid_id.in_(sorted(grids)))
    for rid, hid, day in session.execute(stmt):
        if rid is not None:
            if rid in by_resident:
                by_resident[rid].append(day)
        elif hid in by_household:
            for member in by_household[hid]:
                by_resident[member].append(day)
    for days in by_resident.values():
        days.sort()
    return by_resident


def _workers(session: Session) -> dict[int, list[str]]:
    stmt = (
        select(user_grids_table.c.grid_id, User.username)
        .join(User, User.id == user_grids_table.c.user_id)
        .where(User.role == "grid_worker", User.active.is_(True))
        .order_by(User.username)
    )
    workers: dict[int, list[str]] = {}
    for grid_id, username in session.execute(stmt):
        workers.setdefault(grid_id, []).append(username)
    return workers


@dataclass(frozen=True)
class DueRow:
    resident_id: int
    name: str
    masked_id: str
    grid_name: str
    workers: str  # the grid workers serving the grid
    address: str
    tags: str
    every_days: int
    last_visit: dt.date | None
    due_on: dt.date
    overdue_days: int  # 0: not overdue

    @property
    def state(self) -> str:
        if self.last_visit is None:
            return "从未走访"
        return f"逾期{self.overdue_days}天" if self.overdue_days else "待访"

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "id": self.masked_id,
            "grid": self.grid_name,
            "workers": self.workers,
            "address": self.address,
            "tags": self.tags,
            "every_days": self.every_days,
            "last_visit": self.last_visit.isoformat() if self.last_visit else None,
            "due_on": self.due_on.isoformat(),
            "state": self.state,
            "overdue_days": self.overdue_days,
        }


def due_visits(
    session: Session,
    *,
    today: dt.date,
    scope: Scope = WHOLE_STREET,
    within_days: int = 7,
    overdue_only: bool = False,
) -> list[DueRow]:
    """Residents due a visit by ``today + within_days`` (overdue first, most overdue on top)."""
    targets = visit_targets(session, scope, today)
    visits = _visit_days(session, targets)
    workers = _workers(session)
    horizon = today + dt.timedelta(days=within_days)
    rows = []
    for target in targets.values():
        days = visits[target.resident_id]
        last = days[-1] if days else None
        due = last + dt.timedelta(days=target.every_days) if last else today
        if due > horizon:
            continue
        overdue = max(0, (today - due).days)
        if overdue_only and not overdue and last is not None:
            continue
        rows.append(
            DueRow(
                resident_id=target.resident_id,
                name=target.name,
                masked_id=mask(target.id_number),
                grid_name=target.grid_name,
                workers="、".join(workers.get(target.grid_id, [])),
                address=target.address,
                tags="、".join(target.tags),
                every_days=target.every_days,
                last_visit=last,
                due_on=due,
                overdue_days=overdue,
            )
        )
    rows.sort(key=lambda r: (-r.overdue_days, r.last_visit is not None, r.due_on, r.grid_name, r.address))
    return rows


@dataclass(frozen=True)
class MonthRow:
    grid_name: str
    workers: str
    targets: int  # residents with a visiting rule
    due: int  # 应访: visits the rules ask for in the month
    done: int  # 已访: visits made that count against them
    visits: int  # every visit recorded in the grid in the month

    @property
    def rate(self) -> str:
        return f"{self.done / self.due:.0%}" if self.due else "—"

    def as_json(self) -> dict:
        return {
            "grid": self.grid_name,
            "workers": self.workers,
            "targets": self.targets,
            "应访": self.due,
            "已访": self.done,
            "完成率": self.rate,
            "visits": self.visits,
        }


def month_table(session: Session, year: int, month: int, *, scope: Scope = WHOLE_STREET) -> list[MonthRow]:
    """Per grid: the visits due in the month (each resident: the month's days / their interval,
    rounded up) and those made (at most as many per resident as were due)."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    length = (last - first).days + 1
    targets = visit_targets(session, scope, last)
    visits = _visit_days(session, targets, since=first)
    workers = _workers(session)
    grids: dict[int, list] = {}
    for target in targets.values():
        required = math.ceil(length / target.every_days)
        made = sum(1 for d in visits[target.resident_id] if first <= d <= last)
        entry = grids.setdefault(target.grid_id, [target.grid_name, 0, 0, 0])
        entry[1] += 1
        entry[2] += required
        entry[3] += min(made, required)
    counts = dict(
        session.execute(
            select(Visit.grid_id, func.count())
            .where(Visit.visited_on.between(first, last), scope.grid_filter(Visit.grid_id))
            .group_by(Visit.grid_id)
        ).all()
    )
    rows = [
        MonthRow(name, "、".join(workers.get(gid, [])), n, due, done, counts.get(gid, 0))
        for gid, (name, n, due, done) in sorted(grids.items())
    ]
    return rows
