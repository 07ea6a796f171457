"""What the street office's 统计 page shows: the figures of its own communities for a period
(counted by the database, app.street.stats), a totals row, the definition of every figure, the
monthly reports the communities sent, and the same table as a CSV or Excel download.

Only the caller's street is read: its communities are the only codes handed to the count, so a
community of another street appears nowhere, not even as a zero. Every view and every download
is written to ``street_audit``: the figures name nobody but are drawn from personal records.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.services.common.xlsx import Column, SheetSpec, write_xlsx
from app.services.reports import periods
from app.services.reports.figures import figure_name
from app.services.reports.periods import Period, PeriodError
from app.street.office.accounts import StaffMember, audit
from app.street.office.cases import street_communities
from app.street.stats import street_stats

CHOICES = {
    "this_month": "本月",
    "last_month": "上月",
    "quarter": "本季度",
    "year": "本年",
    "custom": "自定义",
}
MAX_DAYS = 366 * 3

# The table's columns: (code, short header, definition shown as the cell's title).
COLUMNS = (
    (
        "cases.received",
        "受理",
        "本期受理的办件（按受理当日计，含不予受理、撤回），来自各社区同步到街道的办件",
    ),
    ("cases.closed", "办结", "本期受理的办件中，截至今天状态为已办结、已回访或已评价的"),
    ("cases.in_progress", "在办", "本期受理的办件中，截至今天仍为已受理、办理中或已上报的"),
    ("cases.overdue", "超期在办", "在办办件中，办理期限早于今天的（列表中的“已超期”）"),
    ("cases.hotline_closure_rate", "12345办结率", "本期受理的12345工单中已办结的比例；没有工单时为空"),
    ("satisfaction.rate", "满意率", "本期受理且有评价的办件中，最近一次评价为非常满意、满意或基本满意的比例"),
    ("certificates.issued", "开具证明", "开具日期在本期内的证明（含其后作废的）"),
)
# Community life, from the up-only records the communities sync (app.street.life_stats).
LIFE_COLUMNS = (
    ("wishes.posted", "收到微心愿", "本期发布的微心愿"),
    ("wishes.fulfilled", "心愿实现", "本期实现且仍为已实现的微心愿"),
    ("visits.made", "走访", "本期网格员走访次数（入户、电话、微信）"),
    ("deliberations.held", "议事", "本期召开的议事会议"),
    ("partners.projects_finished", "共建项目完成", "本期完成的双向认领共建项目"),
    ("party.members_full", "正式党员", "截至今天在册、未转出的正式党员"),
    ("party.meetings_held", "组织生活", "本期各支部已召开（非计划）的会议：三会一课、主题党日"),
    ("report_in.hours", "双报到时长", "本期在职党员双报到服务的小时数"),
    ("volunteers.activities", "志愿活动", "本期已开展（非计划、未取消）的志愿服务活动"),
    ("volunteers.hours", "志愿时长", "本期已开展的志愿服务活动中，志愿者计入的服务小时数"),
    ("party.branches_without_meeting", "上月未开会支部", "上一个整月没有召开任何会议的支部数"),
)
NO_MEETING = "party.branches_without_meeting"
RATES = {"cases.hotline_closure_rate": ("cases.hotline_closed", "cases.hotline_received"),
         "satisfaction.rate": ("satisfaction.satisfied", "satisfaction.rated")}  # fmt: skip
HEADLINE = ("cases.received", "cases.closed", "satisfaction.rate", "certificates.issued")


@dataclass(frozen=True)
class Choice:
    """The period as chosen in the form, with what went wrong with a custom one."""

    key: str
    period: Period
    typed_from: str
    typed_to: str
    error: str = ""

    def query(self) -> str:
        if self.key == "custom":
            return f"period=custom&from={self.period.start}&to={self.period.end}"
        return f"period={self.key}"


@dataclass(frozen=True)
class CommunityRow:
    code: str
    name: str
    figures: Mapping[str, object]
    silent: tuple[str, ...] = ()  # branches that held no meeting last month

    def shown(self, code: str) -> str:
        return shown(code, self.figures.get(code))


@dataclass(frozen=True)
class SentReport:
    community: str
    month: str
    version: int
    made_by: str
    made_at: str
    received_at: str
    notes: str
    headline: tuple[tuple[str, str], ...]
    figures: tuple[tuple[str, str, str], ...]  # code, name, value as shown


@dataclass(frozen=True)
class StatsView:
    choice: Choice
    as_of: dt.date
    rows: tuple[CommunityRow, ...]
    total: CommunityRow
    reports: tuple[SentReport, ...]


def shown(code: str, value: object) -> str:
    if value is None:
        return "—"
    if code.endswith("rate") and isinstance(value, int | float):
        return f"{value * 100:.2f}%"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def choose(query: Mapping[str, str], today: dt.date) -> Choice:
    """The period the form asks for; a custom range that cannot be read falls back to this month
    with the reason, keeping what was typed."""
    key = query.get("period", "this_month")
    key = key if key in CHOICES else "this_month"
    typed_from, typed_to = query.get("from", "")[:10], query.get("to", "")[:10]
    shortcuts = {
        "this_month": periods.this_month,
        "last_month": periods.last_month,
        "quarter": periods.this_quarter,
        "year": periods.this_year,
    }
    if key != "custom":
        return Choice(key, shortcuts[key](today), typed_from, typed_to)
    try:
        start, end = dt.date.fromisoformat(typed_from), dt.date.fromisoformat(typed_to)
    except ValueError:
        return Choice("custom", periods.this_month(today), typed_from, typed_to, "请填写起止日期（年-月-日）")
    try:
        period = Period(start, end)
    except PeriodError as exc:
        return Choice("custom", periods.this_month(today), typed_from, typed_to, str(exc))
    if (end - start).days > MAX_DAYS:
        return Choice("custom", periods.this_month(today), typed_from, typed_to, "一次最多统计三年")
    return Choice("custom", period, typed_from, typed_to)


def _total(rows: list[CommunityRow]) -> CommunityRow:
    summed: dict[str, object] = {}
    for code in rows[0].figures if rows else ():
        if code not in RATES:
            summed[code] = sum(r.figures.get(code) or 0 for r in rows)  # hours are not whole numbers
    for code, (part, whole) in RATES.items():
        summed[code] = round(summed[part] / summed[whole], 4) if summed.get(whole) else None
    return CommunityRow("", "合计", summed, tuple(b for r in rows for b in r.silent))


def _report(sent: dict, names: Mapping[str, str]) -> SentReport:
    values = {f.get("figure"): f.get("value") for f in sent["figures"] if isinstance(f, dict)}
    return SentReport(
        community=names.get(sent["community"], sent["community"]),
        month=sent["month"],
        version=sent["version"],
        made_by=sent["made_by"] or "",
        made_at=(sent["made_at"] or "")[:16].replace("T", " "),
        received_at=sent["received_at"][:16].replace("T", " "),
        notes=sent["notes"] or "",
        headline=tuple((figure_name(code), shown(code, values.get(code))) for code in HEADLINE),
        figures=tuple(
            (
                str(f.get("figure", "")),
                str(f.get("name", "")),
                shown(str(f.get("figure", "")), f.get("value")),
            )
            for f in sent["figures"]
            if isinstance(f, dict)
        ),
    )


def stats_view(
    sessions: sessionmaker[Session], who: StaffMember, choice: Choice, today: dt.date
) -> StatsView:
    """The page's content for ``who``'s street, audited as one view."""
    view = _compute(sessions, who, choice, today)
    with sessions.begin() as session:
        audit(session, who.username, who.street, "stats_view", choice.period.label, _detail(choice))
    return view


def _compute(sessions: sessionmaker[Session], who: StaffMember, choice: Choice, today: dt.date) -> StatsView:
    with sessions() as session:
        names = street_communities(session, who.street)
    answer = street_stats(sessions, choice.period, "community", today, communities=list(names))
    rows = [
        CommunityRow(r["community"], r["name"], r["figures"], tuple(r.get("flags", {}).get(NO_MEETING, ())))
        for r in answer["counted"]
    ]
    rows.sort(key=lambda r: r.code)
    return StatsView(
        choice=choice,
        as_of=today,
        rows=tuple(rows),
        total=_total(rows),
        reports=tuple(_report(r, names) for r in answer["monthly_reports"]),
    )


def _detail(choice: Choice) -> str:
    return f"{choice.period.start}至{choice.period.end}"


def _table(view: StatsView) -> tuple[list[str], list[list[object]]]:
    shown_columns = (*COLUMNS, *LIFE_COLUMNS)
    headers = ["社区代码", "社区", *(figure_name(code) for code, _h, _d in shown_columns)]
    body = [
        [row.code, row.name, *(row.figures.get(code) for code, _h, _d in shown_columns)]
        for row in (*view.rows, view.total)
    ]
    return headers, body


def export_table(
    sessions: sessionmaker[Session], who: StaffMember, choice: Choice, today: dt.date, kind: str
) -> bytes:
    """The table as ``kind`` ("csv" or "xlsx"), audited as an export."""
    view = _compute(sessions, who, choice, today)
    headers, body = _table(view)
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows([[_csv_cell(v) for v in row] for row in body])
        data = ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM lets Excel read it as UTF-8
    else:
        spec = SheetSpec(
            title="街道统计",
            columns=[Column(h, 12 if i else 14) for i, h in enumerate(headers)],
            about=(
                ("街道", who.street_name),
                ("统计期间", choice.period.label),
                ("状态截至", today.isoformat()),
                ("口径", "各社区同步到街道服务器的办件和证明，定义见统计口径说明（docs/REPORTS.md）"),
                ("导出人", who.display_name),
            ),
        )
        with tempfile.TemporaryDirectory(prefix="street-stats-") as folder:
            path = Path(folder) / "stats.xlsx"
            write_xlsx(path, spec, body)
            data = path.read_bytes()
    with sessions.begin() as session:
        audit(
            session,
            who.username,
            who.street,
            "stats_export",
            choice.period.label,
            f"{kind} {_detail(choice)}",
        )
    return data


def _csv_cell(value: object) -> object:
    """Text that a spreadsheet would read as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value
