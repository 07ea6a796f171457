"""One pass over the cases of a span: each case's group keys and 0/1 flags (closed, overdue,
on time …) and its working days to close, written into a temporary table of the session. Every
breakdown of every period inside the span is then a GROUP BY over small integer columns, so the
full report reads the cases table once instead of once per breakdown.

Definitions: docs/REPORTS.md. The flags are exactly the conditions written there.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.orm import Session

from app.models import Case, CaseEvent, Grid, ServiceCategory, ServiceItem, User
from app.services.admin.scope import Scope
from app.services.cases.workflow import RUNNING_STATUSES
from app.services.common.workdays import WorkCalendar
from app.services.reports.periods import Period, utc_offset_minutes
from app.services.reports.workday_index import WorkdayIndex

CLOSED_STATUSES = ("completed", "called_back", "evaluated")  # 办结, and what follows it
HOTLINE = "hotline"
FLAGS = (
    "received",
    "closed",
    "in_progress",
    "overdue",
    "awaiting_materials",
    "supplement_requested",
    "refused",
    "withdrawn",
    "closed_on_time",
)

_metadata = MetaData()
FACTS = Table(
    "report_case_facts",
    _metadata,
    Column("case_id", Integer),  # the case behind the row: a figure can list its cases
    Column("day", String(10)),  # local day received
    Column("month", String(7)),
    Column("item_key", String(90)),
    Column("item_name", String(60)),
    Column("category_code", String(10)),
    Column("category_name", String(30)),
    Column("grid_code", String(20)),
    Column("grid_name", String(50)),
    Column("channel", String(20)),
    Column("staff", String(40)),
    Column("staff_name", String(50)),
    *[Column(flag, Integer) for flag in FLAGS],
    Column("days_to_close", Float),  # working days from acceptance to closing; NULL unless closed
    Column("hotline", Integer),
    Column("hotline_closed", Integer),
    prefixes=["TEMPORARY"],
)


def _flag(condition):
    return case((condition, 1), else_=0)


def load_case_facts(
    session: Session, span: Period, *, scope: Scope, as_of: dt.date, calendar: WorkCalendar
) -> Table:
    """Fill the session's facts table with the cases received in ``span`` within ``scope``."""
    offset = utc_offset_minutes()
    shift = f"{offset:+d} minutes"
    # Acceptance is on or after the span's first day, closing no later than now.
    last = max(as_of, span.end, dt.date.today()) + dt.timedelta(days=1)
    counts = WorkdayIndex(calendar, span.start - dt.timedelta(days=1), last).load_into(session)
    accepted_count, closed_count = counts.alias("accepted_count"), counts.alias("closed_count")
    running = Case.status.in_(RUNNING_STATUSES)
    closed = and_(Case.status.in_(CLOSED_STATUSES), Case.completed_at.is_not(None))
    hotline = Case.channel == HOTLINE
    taken = closed_count.c.n - accepted_count.c.n  # working days in (accepted, closed]
    # Correlated, so each case looks at its own few events through the case_id index.
    notice = exists().where(CaseEvent.case_id == Case.id, CaseEvent.action == "request_materials")
    start, end = span.utc_bounds
    columns = {
        "case_id": Case.id,
        "day": func.date(Case.received_at, shift),
        "month": func.strftime("%Y-%m", Case.received_at, shift),
        "item_key": Case.item_code + "|" + Case.item_name,
        "item_name": Case.item_name,
        "category_code": ServiceCategory.code,
        "category_name": ServiceCategory.name,
        "grid_code": Grid.code,
        "grid_name": Grid.name,
        "channel": Case.channel,
        "staff": Case.first_responder,
        "staff_name": User.display_name,
        "received": literal(1),
        "closed": _flag(closed),
        "in_progress": _flag(running),
        "overdue": _flag(and_(running, Case.due_date < as_of)),
        "awaiting_materials": _flag(Case.status == "awaiting_materials"),
        "supplement_requested": _flag(notice),
        "refused": _flag(Case.status == "refused"),
        "withdrawn": _flag(Case.status == "withdrawn"),
        "closed_on_time": _flag(and_(closed, taken <= Case.promised_days)),
        "days_to_close": case((closed, taken), else_=None),
        "hotline": _flag(hotline),
        "hotline_closed": _flag(and_(hotline, closed)),
    }
    source = (
        select(*[column.label(name) for name, column in columns.items()])
        .select_from(Case)
        .outerjoin(
            accepted_count,
            accepted_count.c.day == func.date(func.coalesce(Case.accepted_at, Case.received_at), shift),
        )
        .outerjoin(closed_count, closed_count.c.day == func.date(Case.completed_at, shift))
        .outerjoin(ServiceItem, ServiceItem.id == Case.item_id)
        .outerjoin(ServiceCategory, ServiceCategory.code == ServiceItem.category_code)
        .outerjoin(Grid, Grid.id == Case.grid_id)
        .outerjoin(User, User.username == Case.first_responder)
        .where(Case.received_at >= start, Case.received_at < end, scope.grid_filter(Case.grid_id))
    )
    connection = session.connection()
    FACTS.create(connection, checkfirst=True)
    connection.execute(delete(FACTS))
    connection.execute(insert(FACTS).from_select(list(columns), source))
    return FACTS
