"""Importing 12345 hotline work orders (12345工单) from the city platform's .xlsx or .csv export.

Every order becomes a case on the ``hotline`` channel, accepted at once with a deadline: the
order's own 办理时限 (a date, or a number of working days), else five working days from the call.
When the address names a building of the street, the case goes to that building's grid and its
grid leader owns it; otherwise it stays with the person importing, for the desk to dispatch by
hand. An order already stored (same 工单编号) is skipped, so overlapping exports can be loaded
again and again. As with residents, a rejected row is reported with its row number and a reason,
and the accepted rows land in one transaction together with one audit entry.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Case, Community, GridStaff, Resident
from app.models.base import utcnow
from app.models.staff import GRID_LEADER
from app.services.admin.centre import current_community
from app.services.cases import workflow
from app.services.cases.numbers import next_case_no
from app.services.common import audit
from app.services.common.idcard import redact
from app.services.common.workdays import WorkCalendar
from app.services.imports.hotline_routing import AddressRouter, Route
from app.services.imports.residents import RejectedRow
from app.services.imports.spreadsheet import (
    HeaderMap,
    ImportFileError,
    cell_date,
    cell_text,
    is_blank,
    read_table,
)

__all__ = [
    "HotlineImportReport",
    "ImportFileError",
    "ImportedOrder",
    "RejectedRow",
    "import_hotline_orders",
    "map_columns",
]

CHANNEL = "hotline"
ITEM_NAME = "12345热线工单"
DEFAULT_WORKING_DAYS = 5
EVENT_ACTION = "hotline_import"

# field -> accepted headers (after normalise_header); the first one names the column in messages
HEADERS: dict[str, tuple[str, ...]] = {
    "order_no": ("工单编号", "工单号", "工单号码"),
    "called_at": ("来电时间", "来电日期", "诉求时间"),
    "name": ("诉求人", "来电人", "联系人", "诉求人姓名", "来电人姓名"),
    "phone": ("联系电话", "来电号码", "联系方式", "诉求人电话"),
    "address": ("地址", "事发地址", "诉求地址", "事发地点"),
    "content": ("诉求内容", "来电内容", "问题描述", "工单内容"),
    "category": ("诉求类型", "诉求分类", "工单类型"),
    "time_limit": ("办理时限", "办结时限"),
    "unit": ("承办单位", "办理单位"),
}
REQUIRED = ("order_no", "called_at", "content")
_HEADER_MAP = HeaderMap(HEADERS, REQUIRED)
HEADER_SCAN = 10  # rows looked at for the header when a title row sits above it

# the longest value each column holds (the case's column sizes; 承办单位 goes into the event)
MAX_LENGTH = {
    "order_no": 40,
    "name": 50,
    "phone": 30,
    "address": 200,
    "category": 60 - len(f"{ITEM_NAME}（）"),
    "unit": 100,
}
CHUNK = 500  # values per IN (...) query

_TEXT_TIME = re.compile(
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[\sT]*(\d{1,2})[:时](\d{1,2})分?(?::?(\d{1,2})(?:\.\d+)?秒?)?)?"
)
_TIME_LIMIT = re.compile(r"([0-9]{1,3}|[一二三四五六七八九十]{1,3})(?:个)?(工作日|自然日|天|日|小时)?")
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
_SCIENTIFIC = re.compile(r"\d+(\.\d+)?e\+?\d+", re.IGNORECASE)


@dataclass(frozen=True)
class ImportedOrder:
    """One order that became (or, on a dry run, would become) a case."""

    row: int
    order_no: str
    case_no: str | None  # None on a dry run
    grid: str  # "桃园社区第1网格", or "" when the desk must dispatch it by hand
    owner: str
    due_date: dt.date
    routing: str  # why it went to that grid, or why it did not

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "order_no": self.order_no,
            "case_no": self.case_no,
            "grid": self.grid,
            "owner": self.owner,
            "due_date": self.due_date.isoformat(),
            "routing": self.routing,
        }


@dataclass
class HotlineImportReport:
    created: int = 0
    duplicates: int = 0  # already stored, or a second row for the same order in this file
    routed: int = 0  # sent to a grid by the address
    unrouted: int = 0  # left for the desk to dispatch
    rejected: list[RejectedRow] = field(default_factory=list)
    duplicate_rows: list[RejectedRow] = field(default_factory=list)  # which rows were skipped, and why
    orders: list[ImportedOrder] = field(default_factory=list)
    file: str = ""
    dry_run: bool = False
    written: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "created": self.created,
            "duplicates": self.duplicates,
            "routed": self.routed,
            "unrouted": self.unrouted,
            "rejected_count": len(self.rejected),
            "dry_run": self.dry_run,
            "written": self.written,
            "rejected": [{"row": r.row, "reason": r.reason} for r in self.rejected],
            "duplicate_rows": [{"row": r.row, "reason": r.reason} for r in self.duplicate_rows],
            "orders": [o.as_dict() for o in self.orders],
        }


class _Reject(Exception):
    """One row cannot be imported; the message is the reason shown to the user."""


@dataclass
class _Order:
    row: int
    order_no: str
    called_at: dt.datetime  # local time, naive
    name: str
    phone: str
    address: str
    content: str
    category: str
    unit: str
    due_date: dt.date
    promised_days: int


map_columns = _HEADER_MAP.columns
_has_required = _HEADER_MAP.is_header


def import_hotline_orders(
    session: Session,
    path: str | Path,
    *,
    actor: str,
    dry_run: bool = False,
    today: dt.date | None = None,
    calendar: WorkCalendar | None = None,
) -> HotlineImportReport:
    """Import the work orders in ``path`` (.xlsx or .csv) as cases and commit.

    Raises :class:`ImportFileError` when the file as a whole cannot be used (nothing is
    written). With ``dry_run`` nothing is written but the report says what would happen. The
    session's transaction is committed on success and rolled back otherwise, so pass a session
    with no unrelated pending work. ``today`` dates the case numbers (default: today).
    """
    path = Path(path)
    table = read_table(path, is_header=_has_required)
    header_row, header, rows = table.header_row, table.header, table.rows
    if not _has_required(header):  # the platform often puts a title line above the header
        for index, (number, cells) in enumerate(rows[:HEADER_SCAN]):
            if _has_required(cells):
                header_row, header, rows = number, cells, rows[index + 1 :]
                break
    columns = _HEADER_MAP.require(header, header_row)
    today = today or dt.date.today()
    report = HotlineImportReport(file=path.name, dry_run=dry_run)
    try:
        community = current_community(session)
        calendar = calendar or WorkCalendar.load(session)
        orders = _parse_rows(rows, columns, calendar, report)
        _Writer(session, community, actor=actor, today=today, report=report, file=path.name).run(orders)
        report.rejected.sort(key=lambda r: r.row)
        report.duplicate_rows.sort(key=lambda r: r.row)
        if dry_run:
            session.rollback()
        else:
            audit.record(
                session,
                actor=actor,
                action="import",
                subject=f"{report.created}件",
                purpose="导入12345工单",
                detail=(
                    f"{path.name}：新建{report.created}件（按地址分派到网格{report.routed}件，"
                    f"待手工分派{report.unrouted}件），重复{report.duplicates}件，拒绝{len(report.rejected)}行"
                ),
            )
            session.commit()
            report.written = True
    except IntegrityError as exc:
        session.rollback()
        raise ImportFileError(
            "导入时有相同的工单已被另一处导入，本次什么也没有写入：请重新导入（已导入的工单会自动跳过）"
        ) from exc
    except BaseException:
        session.rollback()
        raise
    return report


# --- reading the rows ----------------------------------------------------------------------------


def _parse_rows(
    rows: list[tuple[int, list[Any]]],
    columns: dict[str, int],
    calendar: WorkCalendar,
    report: HotlineImportReport,
) -> list[_Order]:
    orders: list[_Order] = []
    seen: dict[str, int] = {}  # order number -> the row that will be imported
    for number, cells in rows:
        values = {key: cells[index] if index < len(cells) else None for key, index in columns.items()}
        if all(is_blank(v) for v in values.values()):
            continue  # empty, or only columns we do not read (序号 …)
        try:
            order = _parse_row(number, values, calendar)
        except _Reject as exc:
            report.rejected.append(RejectedRow(number, str(exc)))
            continue
        first = seen.get(order.order_no)
        if first is not None:
            report.duplicates += 1
            report.duplicate_rows.append(
                RejectedRow(number, f"工单编号 {order.order_no} 与第{first}行重复，已跳过")
            )
            continue
        seen[order.order_no] = number
        orders.append(order)
    return orders


def _parse_row(number: int, values: dict[str, Any], calendar: WorkCalendar) -> _Order:
    raw_no = values.get("order_no")
    order_no = re.sub(r"\s+", "", cell_text(raw_no))
    if not order_no:
        raise _Reject("缺少工单编号")
    if isinstance(raw_no, str) and _SCIENTIFIC.fullmatch(order_no):
        raise _Reject("工单编号被 Excel 存成了科学计数法，末尾几位已丢失：请把该列设置为“文本”格式后重新导出")
    _check_length("order_no", "工单编号", order_no)

    raw_time = values.get("called_at")
    if is_blank(raw_time):
        raise _Reject(f"工单 {order_no} 缺少来电时间")
    called_at = parse_call_time(raw_time)
    if called_at is None:
        raise _Reject(
            f"工单 {order_no} 的来电时间“{redact(cell_text(raw_time))}”无法识别，"
            "请写成 2026-11-20 09:15 这样的日期和时间"
        )

    content = _text(values.get("content"), multiline=True)
    if not content:
        raise _Reject(f"工单 {order_no} 缺少诉求内容")
    name = _text(values.get("name"))
    phone = re.sub(r"\s+", "", _text(values.get("phone")))
    address = _text(values.get("address"))
    category = _text(values.get("category"))
    unit = _text(values.get("unit"))
    for key, label, value in (
        ("name", "诉求人", name),
        ("phone", "联系电话", phone),
        ("address", "地址", address),
        ("category", "诉求类型", category),
        ("unit", "承办单位", unit),
    ):
        _check_length(key, label, value, order_no)

    due_date, promised_days = _deadline(values.get("time_limit"), called_at, calendar, order_no)
    return _Order(number, order_no, called_at, name, phone, address, content, category, unit, due_date,
                  promised_days)  # fmt: skip


def _text(value: Any, *, multiline: bool = False) -> str:
    text = cell_text(value)
    if multiline:
        return "\n".join(line.strip() for line in text.splitlines()).strip()
    return re.sub(r"\s+", " ", text)


def _check_length(key: str, label: str, value: str, order_no: str = "") -> None:
    limit = MAX_LENGTH[key]
    if len(value) > limit:
        which = f"工单 {order_no} 的" if order_no else ""
        raise _Reject(f"{which}{label}过长（最多{limit}个字，现为{len(value)}个）")


def parse_call_time(value: Any) -> dt.datetime | None:
    """A 来电时间 cell as a naive local datetime: a date-time cell, an Excel serial number, or text
    such as "2026-11-20 09:15", "2026/11/20 9:15:00" or "2026年11月20日9时15分". A date alone is
    taken as midnight. None when it cannot be read."""
    moment: dt.datetime | None = None
    if isinstance(value, dt.datetime):
        moment = value.astimezone().replace(tzinfo=None) if value.tzinfo else value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 < value < 2958466:  # an Excel serial (from 1954 on), as a cell without a date format has
            from openpyxl.utils.datetime import from_excel  # openpyxl loads only when a file is read

            moment = from_excel(value)
        else:
            day = cell_date(value)  # 20261120
            moment = dt.datetime.combine(day, dt.time()) if day else None
    else:
        text = re.sub(r"\s+", " ", cell_text(value))
        m = _TEXT_TIME.fullmatch(text)
        if m:
            try:
                moment = dt.datetime(*(int(g) for g in m.groups(default="0")))
            except ValueError:
                return None
        else:
            day = cell_date(text)
            moment = dt.datetime.combine(day, dt.time()) if day else None
    if moment is None or moment.year < 2000:
        return None
    if moment.microsecond:
        moment = (moment + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
    return moment


def _deadline(
    value: Any, called_at: dt.datetime, calendar: WorkCalendar, order_no: str
) -> tuple[dt.date, int]:
    """(due date, promised working days) from a 办理时限 cell: a date or date-time is the deadline;
    a number ("5", "5个工作日") counts working days from the call day; "3天" / "3个自然日" count
    calendar days and "24小时" hours. An empty cell means the default five working days."""
    start = called_at.date()
    if is_blank(value):
        return calendar.add_working_days(start, DEFAULT_WORKING_DAYS), DEFAULT_WORKING_DAYS
    due: dt.date | None = None
    if isinstance(value, dt.date):
        due = value.date() if isinstance(value, dt.datetime) else value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 0 <= value <= 366:
            return calendar.add_working_days(start, int(value)), int(value)
        moment = parse_call_time(value)
        due = moment.date() if moment else None
    else:
        text = re.sub(r"\s+", "", cell_text(value))
        m = _TIME_LIMIT.fullmatch(text)
        amount = _small_number(m[1]) if m else None
        if m and amount is not None:
            unit = m[2] or "工作日"
            if unit == "工作日":
                return calendar.add_working_days(start, amount), amount
            if unit == "小时":
                due = (called_at + dt.timedelta(hours=amount)).date()
            else:
                due = start + dt.timedelta(days=amount)
        elif not m:
            moment = parse_call_time(cell_text(value))
            due = moment.date() if moment else None
    if due is None:
        raise _Reject(
            f"工单 {order_no} 的办理时限“{redact(cell_text(value))}”无法识别，"
            "请填写截止日期（如 2026-11-27）或工作日数（如“5个工作日”）"
        )
    if due < start:
        raise _Reject(f"工单 {order_no} 的办理时限 {due.isoformat()} 早于来电日期 {start.isoformat()}")
    return due, max(calendar.working_days_between(start, due), 0)


def _small_number(text: str) -> int | None:
    """ "5" → 5, "五" → 5, "十五" → 15, "二十" → 20; None for anything else."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _CN_DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if (
        len(tens) > 1
        or len(ones) > 1
        or (tens and tens not in _CN_DIGITS)
        or (ones and ones not in _CN_DIGITS)
    ):
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


# --- writing the cases ---------------------------------------------------------------------------


class _Writer:
    def __init__(
        self, session: Session, community: Community, *, actor: str, today: dt.date, report: HotlineImportReport,
        file: str,
    ):  # fmt: skip
        self.session = session
        self.community = community
        self.actor = actor
        self.today = today
        self.report = report
        self.file = file

    def run(self, orders: list[_Order]) -> None:
        stored = self.stored_orders([o.order_no for o in orders])
        fresh: list[_Order] = []
        for order in orders:
            if order.order_no in stored:
                self.report.duplicates += 1
                reason = f"工单编号 {order.order_no} 已导入（办件 {stored[order.order_no]}），已跳过"
                self.report.duplicate_rows.append(RejectedRow(order.row, reason))
            else:
                fresh.append(order)
        if not fresh:
            return
        router = AddressRouter(self.session, self.community)
        routes = {o.order_no: router.route(o.address) for o in fresh}
        leaders = self.grid_leaders({r.grid_id for r in routes.values() if r.grid_id is not None})
        residents = self.residents_by_contact(fresh)
        for order in fresh:
            route = routes[order.order_no]
            owner = leaders.get(route.grid_id, self.actor) if route.grid_id is not None else self.actor
            case_no = None
            if not self.report.dry_run:
                case = self.create_case(order, route, owner, residents.get((order.name, order.phone)))
                case_no = case.case_no
            self.report.created += 1
            if route.grid_id is not None:
                self.report.routed += 1
            else:
                self.report.unrouted += 1
            grid = router.grid_label[route.grid_id] if route.grid_id is not None else ""
            self.report.orders.append(
                ImportedOrder(order.row, order.order_no, case_no, grid, owner, order.due_date, route.note)
            )

    def stored_orders(self, numbers: list[str]) -> dict[str, str]:
        """order number -> case number, for the orders already in the database."""
        found: dict[str, str] = {}
        for start in range(0, len(numbers), CHUNK):
            chunk = numbers[start : start + CHUNK]
            stmt = select(Case.hotline_order_no, Case.case_no).where(Case.hotline_order_no.in_(chunk))
            found.update({order_no: case_no for order_no, case_no in self.session.execute(stmt)})
        return found

    def grid_leaders(self, grid_ids: set[int]) -> dict[int, str]:
        if not grid_ids:
            return {}
        stmt = (
            select(GridStaff.grid_id, GridStaff.name)
            .where(GridStaff.role == GRID_LEADER, GridStaff.grid_id.in_(grid_ids))
            .order_by(GridStaff.sort_order, GridStaff.id)
        )
        leaders: dict[int, str] = {}
        for grid_id, name in self.session.execute(stmt):
            if name.strip():
                leaders.setdefault(grid_id, name.strip())
        return leaders

    def residents_by_contact(self, orders: list[_Order]) -> dict[tuple[str, str], int]:
        """(name, phone) -> resident id, where exactly one resident has that name and phone."""
        phones = sorted({o.phone for o in orders if o.name and o.phone})
        found: dict[tuple[str, str], list[int]] = {}
        for start in range(0, len(phones), CHUNK):
            chunk = phones[start : start + CHUNK]
            stmt = select(Resident.id, Resident.name, Resident.phone).where(Resident.phone.in_(chunk))
            for resident_id, name, phone in self.session.execute(stmt):
                found.setdefault((name, phone), []).append(resident_id)
        return {key: ids[0] for key, ids in found.items() if len(ids) == 1}

    def create_case(self, order: _Order, route: Route, owner: str, resident_id: int | None) -> Case:
        community = self.community
        now = utcnow()
        case = Case(
            origin_community=community.code,
            case_no=next_case_no(self.session, community.short_code, self.today),
            community_id=community.id,
            channel=CHANNEL,
            status="accepted",
            item_id=None,
            item_code="",
            item_name=f"{ITEM_NAME}（{order.category}）" if order.category else ITEM_NAME,
            promised_days=order.promised_days,
            resident_id=resident_id,
            applicant_name=order.name,
            applicant_id_number="",
            applicant_phone=order.phone,
            grid_id=route.grid_id,
            first_responder=self.actor,
            owner=owner,
            content=order.content,
            address=order.address,
            received_at=order.called_at.astimezone(dt.UTC).replace(tzinfo=None),
            accepted_at=now,
            due_date=order.due_date,
            hotline_order_no=order.order_no,
            materials_received=[],
            materials_missing=[],
            events=[],
        )
        self.session.add(case)
        note = f"12345工单 {order.order_no}" + (f"，承办单位：{order.unit}" if order.unit else "")
        workflow.record_event(
            case,
            actor=self.actor,
            action=EVENT_ACTION,
            note=note,
            data={
                "order_no": order.order_no,
                "file": self.file,
                "row": order.row,
                "category": order.category,
                "handling_unit": order.unit,
                "due_date": order.due_date.isoformat(),
                "routing": route.note,
            },
        )
        # Flushed one by one: a clash with an order stored meanwhile by another desk surfaces here,
        # not inside the savepoint next_case_no opens for the next number.
        self.session.flush()
        return case
