"""Reading the rows of a 12345 hotline export: the columns, the call time in the platform's many
spellings, and the deadline (办理时限) as a date or a number of working days.

Rows are checked on their own, before the database is asked anything; a refused row raises
:class:`RowRejected` with the reason, a second row for the same order is set aside with the row
it repeats.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from app.services.common.chinese import parse_chinese_number
from app.services.common.idcard import redact
from app.services.common.workdays import WorkCalendar
from app.services.imports.spreadsheet import (
    CellCleaner,
    CorrectedCell,
    HeaderMap,
    RejectedRow,
    RowRejected,
    cell_date,
    cell_text,
    in_scientific_notation,
    is_blank,
)

ITEM_NAME = "12345热线工单"
DEFAULT_WORKING_DAYS = 5

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
HEADER_MAP = HeaderMap(HEADERS, REQUIRED)

# the longest value each column holds (the case's column sizes; 承办单位 goes into the event)
MAX_LENGTH = {
    "order_no": 40,
    "name": 50,
    "phone": 30,
    "address": 200,
    "category": 60 - len(f"{ITEM_NAME}（）"),
    "unit": 100,
}

_TEXT_TIME = re.compile(
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[\sT]*(\d{1,2})[:时](\d{1,2})分?(?::?(\d{1,2})(?:\.\d+)?秒?)?)?"
)
_TIME_LIMIT = re.compile(r"([0-9]{1,3}|[一二三四五六七八九十]{1,3})(?:个)?(工作日|自然日|天|日|小时)?")


@dataclass(frozen=True, slots=True)
class Order:
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


class ParsedRows(NamedTuple):
    orders: list[Order]  # one per order number, in the file's order
    rejected: list[RejectedRow]
    repeated: list[RejectedRow]  # a second row for an order already read from this file
    corrected: list[CorrectedCell]  # cells whose control or bidi characters were taken out


def parse_rows(
    rows: list[tuple[int, list[Any]]], columns: dict[str, int], calendar: WorkCalendar
) -> ParsedRows:
    cleaner = CellCleaner(HEADERS, multiline=("content",))
    parsed = ParsedRows([], [], [], cleaner.corrected)
    seen: dict[str, int] = {}  # order number -> the row that will be imported
    for number, cells in rows:
        cells = cleaner.clean(number, cells, columns)
        values = {key: cells[index] if index < len(cells) else None for key, index in columns.items()}
        if all(is_blank(v) for v in values.values()):
            continue  # empty, or only columns we do not read (序号 …)
        try:
            order = parse_row(number, values, calendar)
        except RowRejected as exc:
            parsed.rejected.append(RejectedRow(number, str(exc)))
            continue
        first = seen.get(order.order_no)
        if first is not None:
            parsed.repeated.append(
                RejectedRow(number, f"工单编号 {order.order_no} 与第{first}行重复，已跳过")
            )
            continue
        seen[order.order_no] = number
        parsed.orders.append(order)
    return parsed


def parse_row(number: int, values: dict[str, Any], calendar: WorkCalendar) -> Order:
    raw_no = values.get("order_no")
    order_no = re.sub(r"\s+", "", cell_text(raw_no))
    if not order_no:
        raise RowRejected("缺少工单编号")
    if isinstance(raw_no, str) and in_scientific_notation(order_no):
        raise RowRejected(
            "工单编号被 Excel 存成了科学计数法，末尾几位已丢失：请把该列设置为“文本”格式后重新导出"
        )
    _check_length("order_no", "工单编号", order_no)

    raw_time = values.get("called_at")
    if is_blank(raw_time):
        raise RowRejected(f"工单 {order_no} 缺少来电时间")
    called_at = parse_call_time(raw_time)
    if called_at is None:
        raise RowRejected(
            f"工单 {order_no} 的来电时间“{redact(cell_text(raw_time))}”无法识别，"
            "请写成 2026-11-20 09:15 这样的日期和时间"
        )

    content = _text(values.get("content"), multiline=True)
    if not content:
        raise RowRejected(f"工单 {order_no} 缺少诉求内容")
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

    due_date, promised_days = deadline(values.get("time_limit"), called_at, calendar, order_no)
    return Order(number, order_no, called_at, name, phone, address, content, category, unit, due_date,
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
        raise RowRejected(f"{which}{label}过长（最多{limit}个字，现为{len(value)}个）")


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


def deadline(
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
        amount = _amount(m[1]) if m else None
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
        raise RowRejected(
            f"工单 {order_no} 的办理时限“{redact(cell_text(value))}”无法识别，"
            "请填写截止日期（如 2026-11-27）或工作日数（如“5个工作日”）"
        )
    if due < start:
        raise RowRejected(f"工单 {order_no} 的办理时限 {due.isoformat()} 早于来电日期 {start.isoformat()}")
    return due, max(calendar.working_days_between(start, due), 0)


def _amount(text: str) -> int | None:
    """ "5" → 5, "五" → 5, "十五" → 15; None for what is no number."""
    return int(text) if text.isdigit() else parse_chinese_number(text)
