"""The rows of the 办件台账 and of the 自助终端诉求台账 (cases that came in at the kiosk).

Columns are read, not whole cases, so 100,000 rows stay a few dozen megabytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from app.models import Case, Grid
from app.models.base import as_local, local_midnight_utc
from app.services.cases.workflow import OPEN_STATUSES, STATUSES
from app.services.exports.filters import Resolved, check_choice

OPEN = "open"  # every case not yet closed, as the case list's 全部在办
CASE_STATUSES = {**STATUSES, OPEN: "全部在办"}
CHANNEL_NAMES = {"window": "窗口", "hotline": "12345热线", "kiosk": "自助终端", "grid": "网格上报"}


@dataclass(frozen=True, slots=True)
class CaseLedgerRow:
    case_no: str
    channel: str  # 窗口, 12345热线, 自助终端
    item_name: str
    applicant_name: str
    applicant_id: str  # masked unless the reader may see it in full
    phone: str
    grid_name: str
    status: str  # in words
    first_responder: str
    owner: str
    received_at: dt.datetime  # local time
    due_date: dt.date | None
    completed_at: dt.datetime | None
    evaluation: str
    content: str  # the request in the applicant's words (the requests register shows it)


def local(moment: dt.datetime | None) -> dt.datetime | None:
    return as_local(moment).replace(tzinfo=None) if moment is not None else None


def case_rows(session: Session, resolved: Resolved, *, channel: str = "") -> list[CaseLedgerRow]:
    """Cases received in the period (local dates, inclusive), oldest first, within the reader's
    scope; ``channel`` "kiosk" gives the kiosk's requests."""
    flt = resolved.flt
    check_choice(flt.status, CASE_STATUSES, "办件状态")
    stmt = (
        select(
            Case.case_no,
            Case.channel,
            Case.item_name,
            Case.applicant_name,
            Case.applicant_id_number,
            Case.applicant_phone,
            Grid.name,
            Case.status,
            Case.first_responder,
            Case.owner,
            Case.received_at,
            Case.due_date,
            Case.completed_at,
            Case.evaluation,
            # The request's own words are a column of the requests register only; the 办件台账
            # does not read them (a year of long requests would be most of its memory).
            Case.content if channel else literal(""),
        )
        .outerjoin(Grid, Case.grid_id == Grid.id)
        .where(resolved.scope.grid_filter(Case.grid_id))
    )
    if channel:
        stmt = stmt.where(Case.channel == channel)
    if resolved.grid_id is not None:
        stmt = stmt.where(Case.grid_id == resolved.grid_id)
    if flt.status == OPEN:
        stmt = stmt.where(Case.status.in_(sorted(OPEN_STATUSES)))
    elif flt.status:
        stmt = stmt.where(Case.status == flt.status)
    if flt.date_from:
        stmt = stmt.where(Case.received_at >= local_midnight_utc(flt.date_from))
    if flt.date_to:
        stmt = stmt.where(Case.received_at < local_midnight_utc(flt.date_to + dt.timedelta(days=1)))
    stmt = stmt.order_by(Case.received_at, Case.id)
    return [
        CaseLedgerRow(
            case_no=r[0],
            channel=CHANNEL_NAMES.get(r[1], r[1]),
            item_name=r[2],
            applicant_name=r[3],
            applicant_id=resolved.id_text(r[4]),
            phone=resolved.phone_text(r[5]),
            grid_name=r[6] or "",
            status=STATUSES.get(r[7], r[7]),
            first_responder=r[8],
            owner=r[9],
            received_at=local(r[10]),
            due_date=r[11],
            completed_at=local(r[12]),
            evaluation=r[13],
            content=r[14],
        )
        for r in session.execute(stmt)
    ]
