"""The rows behind a figure: every number on the 统计 tab can be opened to the cases, certificates,
residents or community-life records it counts, so that a person can check it by hand.

A figure is named by a :class:`FigureRef` (its code, and the group it was shown for); the rows are
chosen by exactly the conditions that counted it: case figures from the same facts table
(case_facts.py), satisfaction from the cases' ratings, certificates from the register, population
from the living residents. The case lists name no applicant; resident lists show ID numbers masked.
Opening a list is audited like any list of people (``report_rows``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.models import (
    LIVING,
    Building,
    Case,
    Certificate,
    CertificateTemplate,
    Grid,
    Household,
    Resident,
    Tag,
    resident_tags,
)
from app.services.admin.permissions import require
from app.services.admin.scope import Scope
from app.services.cases.workflow import EVALUATIONS, status_name
from app.services.common import audit
from app.services.common.idcard import mask
from app.services.common.workdays import WorkCalendar
from app.services.reports.case_facts import load_case_facts
from app.services.reports.drill_community import community_rows
from app.services.reports.figures import CHANNEL_NAMES, figure_name
from app.services.reports.periods import Period, local_day, utc_offset_minutes
from app.services.reports.population_figures import BAND, TOP, age_on
from app.services.reports.satisfaction import SATISFIED, satisfaction_report

ROWS_ACTION = "report_rows"
COMMUNITY_SECTIONS = ("wishes", "visits", "deliberations", "partners", "party", "report_in")
AS_OF_KINDS = ("resident", "member", "branch")  # counted on the report's day, not over its period
AS_OF_FIGURES = ("wishes.open",)
MAX_ROWS = 20_000  # a figure larger than this is checked in the exported register instead
# Which facts column a case figure counts (a rate lists the cases it is a share of).
CASE_FLAGS = {
    "cases.received": "received",
    "cases.closed": "closed",
    "cases.in_progress": "in_progress",
    "cases.overdue": "overdue",
    "cases.awaiting_materials": "awaiting_materials",
    "cases.supplement_requested": "supplement_requested",
    "cases.refused": "refused",
    "cases.withdrawn": "withdrawn",
    "cases.closed_on_time": "closed_on_time",
    "cases.on_time_rate": "closed",
    "cases.avg_days_to_close": "closed",
    "cases.hotline_received": "hotline",
    "cases.hotline_closed": "hotline_closed",
    "cases.hotline_closure_rate": "hotline",
}
GROUP_KEYS = {
    "item": "item_key",
    "category": "category_code",
    "grid": "grid_code",
    "channel": "channel",
    "staff": "staff",
    "month": "month",
}
CASE_COLUMNS = ("办件编号", "受理日期", "事项", "渠道", "网格", "状态", "承诺办结日", "办结日期", "评价")
CERTIFICATE_COLUMNS = ("证明编号", "证明名称", "开具日期", "开具人", "状态", "作废日期")
RESIDENT_COLUMNS = ("姓名", "性别", "年龄", "身份证号", "网格", "楼栋", "房号")
SEXES = {"male": "男", "female": "女"}


class DrillError(ValueError):
    """A figure whose rows cannot be listed; one sentence for the person."""


@dataclass(frozen=True, slots=True)
class FigureRef:
    """A figure as shown: its code, and the group of the breakdown it was shown in ("" = total).
    Population by age uses ``grouping`` "age" and the band's lower bound as ``key``; by tag, the
    code ``population.tag.<tag>`` with ``grouping`` "grid" (or "") and the grid's code."""

    code: str
    grouping: str = ""
    key: str = ""
    label: str = ""  # the group as people read it, for the list's title


@dataclass(frozen=True, slots=True)
class FigureRows:
    """The rows behind a figure: what they are (``kind`` case, certificate or resident), their
    database ids, and the text of each row under ``columns``."""

    title: str
    kind: str
    columns: tuple[str, ...]
    ids: tuple[int, ...]
    rows: tuple[tuple[str, ...], ...]


def figure_rows(
    session: Session,
    ref: FigureRef,
    period: Period,
    *,
    actor: str,
    scope: Scope,
    as_of: dt.date | None = None,
) -> FigureRows:
    """The rows counted by ``ref`` for ``period`` within ``scope``; audited as a list shown."""
    require(session, actor, "report.view")
    as_of = as_of or dt.date.today()
    section = ref.code.split(".", 1)[0]
    columns = None
    if section in COMMUNITY_SECTIONS:
        try:
            kind, columns, found = community_rows(session, ref.code, period, scope, as_of)
        except (LookupError, KeyError):
            raise DrillError(f"不能列出“{ref.code}”的明细") from None
    elif section == "cases":
        kind, found = "case", _case_rows(session, ref, period, scope, as_of)
    elif section == "satisfaction":
        kind, found = "case", _satisfaction_rows(session, ref, period, scope)
    elif section == "certificates":
        kind, found = "certificate", _certificate_rows(session, ref, period, scope)
    elif section == "population":
        kind, found = "resident", _resident_rows(session, ref, scope, as_of)
    else:
        raise DrillError(f"没有“{ref.code}”这项统计")
    if columns is None:
        columns = {"case": CASE_COLUMNS, "certificate": CERTIFICATE_COLUMNS, "resident": RESIDENT_COLUMNS}[
            kind
        ]
    title = figure_name(ref.code) + (f"（{ref.label}）" if ref.label else "")
    if kind not in AS_OF_KINDS and ref.code not in AS_OF_FIGURES:
        title += f"　{period.label}"
    audit.record_list(session, actor=actor, action=ROWS_ACTION, shown=len(found), what=f"统计明细：{title}")
    found = found[:MAX_ROWS]
    return FigureRows(title, kind, columns, tuple(i for i, _ in found), tuple(r for _, r in found))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _case_listing(session: Session, where, offset: int) -> list[tuple[int, tuple[str, ...]]]:
    stmt = (
        select(
            Case.id,
            Case.case_no,
            Case.received_at,
            Case.item_name,
            Case.channel,
            Grid.name,
            Case.status,
            Case.due_date,
            Case.completed_at,
            Case.evaluation,
        )
        .outerjoin(Grid, Grid.id == Case.grid_id)
        .where(where)
        .order_by(Case.received_at, Case.case_no)
    )
    out = []
    for cid, no, received, item, channel, grid, status, due, completed, rating in session.execute(stmt):
        row = (
            no,
            _text(local_day(received, offset)),
            item,
            CHANNEL_NAMES.get(channel, channel),
            grid or "未落格",
            status_name(status),
            _text(due),
            _text(local_day(completed, offset)),
            rating,
        )
        out.append((cid, row))
    return out


def _case_rows(session: Session, ref: FigureRef, period: Period, scope: Scope, as_of: dt.date):
    flag = CASE_FLAGS.get(ref.code)
    if flag is None or (ref.grouping and ref.grouping not in GROUP_KEYS):
        raise DrillError(f"不能列出“{ref.code}”的明细")
    facts = load_case_facts(session, period, scope=scope, as_of=as_of, calendar=WorkCalendar.load(session))
    ids = select(facts.c.case_id).where(facts.c[flag] == 1)
    if ref.grouping:
        ids = ids.where(func.coalesce(facts.c[GROUP_KEYS[ref.grouping]], "") == ref.key)
    return _case_listing(session, Case.id.in_(ids.scalar_subquery()), utc_offset_minutes())


def _satisfaction_rows(session: Session, ref: FigureRef, period: Period, scope: Scope):
    start, end = period.utc_bounds
    received = and_(Case.received_at >= start, Case.received_at < end, scope.grid_filter(Case.grid_id))
    code = ref.code
    if code == "satisfaction.rated":
        where = and_(received, Case.evaluation.in_(EVALUATIONS))
    elif code.startswith("satisfaction.level."):
        where = and_(received, Case.evaluation == code.removeprefix("satisfaction.level."))
    elif code in ("satisfaction.satisfied", "satisfaction.rate"):
        where = and_(received, Case.evaluation.in_(SATISFIED))
    elif code in ("satisfaction.unsatisfied", "satisfaction.rehandled"):
        cases = satisfaction_report(session, period, scope=scope).unsatisfied
        numbers = [c.case_no for c in cases if c.rehandled or code == "satisfaction.unsatisfied"]
        where = Case.case_no.in_(numbers)
    else:
        raise DrillError(f"不能列出“{code}”的明细")
    return _case_listing(session, where, utc_offset_minutes())


def _certificate_rows(session: Session, ref: FigureRef, period: Period, scope: Scope):
    start, end = period.utc_bounds
    if ref.code == "certificates.issued":
        where = Certificate.issue_date.between(period.start, period.end)
    elif ref.code == "certificates.voided":
        where = and_(
            Certificate.status == "voided", Certificate.voided_at >= start, Certificate.voided_at < end
        )
    else:
        raise DrillError(f"不能列出“{ref.code}”的明细")
    stmt = (
        select(
            Certificate.id,
            Certificate.serial,
            func.coalesce(CertificateTemplate.title, Certificate.template_code),
            Certificate.issue_date,
            Certificate.issued_by,
            Certificate.status,
            Certificate.voided_at,
        )
        .outerjoin(CertificateTemplate, CertificateTemplate.code == Certificate.template_code)
        .where(where)
        .order_by(Certificate.issue_date, Certificate.serial)
    )
    if ref.grouping == "template":
        stmt = stmt.where(Certificate.template_code == ref.key)
    if not scope.whole_street:
        stmt = (
            stmt.join(Resident, Resident.id == Certificate.resident_id)
            .join(Household, Household.id == Resident.household_id)
            .join(Building, Building.id == Household.building_id)
            .where(scope.grid_filter(Building.grid_id))
        )
    offset = utc_offset_minutes()
    states = {"valid": "有效", "voided": "已作废"}
    return [
        (cid, (serial, title, _text(day), by, states.get(status, status), _text(local_day(voided, offset))))
        for cid, serial, title, day, by, status, voided in session.execute(stmt)
    ]


def _resident_rows(session: Session, ref: FigureRef, scope: Scope, as_of: dt.date):
    code = ref.code
    where = [Resident.state == LIVING, Resident.household_id.is_not(None), scope.resident_filter()]
    if code in ("population.male", "population.female"):
        where.append(Resident.sex == code.removeprefix("population."))
    elif code.startswith("population.tag."):
        tagged = (
            select(resident_tags.c.resident_id)
            .join(Tag, Tag.id == resident_tags.c.tag_id)
            .where(Tag.code == code.removeprefix("population.tag."))
        )
        where.append(Resident.id.in_(tagged))
    elif code not in ("population.residents", "population.households"):
        raise DrillError(f"不能列出“{code}”的明细")
    if ref.grouping == "grid":
        where.append(Grid.code == ref.key)
    elif ref.grouping == "age":
        low = int(ref.key)
        if low > 0:  # the youngest band also holds anyone born after the report day, as counted
            where.append(Resident.birth_date <= _birthday_years_ago(as_of, low))
        if low < TOP:
            where.append(Resident.birth_date > _birthday_years_ago(as_of, low + BAND))
    stmt = (
        select(
            Resident.id,
            Resident.name,
            Resident.sex,
            Resident.birth_date,
            Resident.id_number,
            Grid.name,
            Building.name,
            Household.room,
        )
        .join(Household, Household.id == Resident.household_id)
        .join(Building, Building.id == Household.building_id)
        .outerjoin(Grid, Grid.id == Building.grid_id)
        .where(*where)
        .order_by(Grid.code, Building.name, Household.room, Resident.id)
    )
    return [
        (rid, (name, SEXES.get(sex, sex), str(age_on(born, as_of)), mask(number), grid or "", building, room))
        for rid, name, sex, born, number, grid, building, room in session.execute(stmt)
    ]


def _birthday_years_ago(day: dt.date, years: int) -> dt.date:
    """The last birth date of someone who is ``years`` old on ``day`` (29 February → 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
