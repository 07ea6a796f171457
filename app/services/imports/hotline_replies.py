"""12345 回单: the replies to the hotline's work orders, written back in the layout the hotline
import reads (the same 工单编号, 来电时间 and 诉求内容 headers, then the reply's columns), so the
centre can send them back to the hotline platform."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, CaseEvent
from app.models.base import as_local, local_midnight_utc
from app.services.admin.auth import staff_names
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.common import audit
from app.services.common.sheets import Column, SheetSpec
from app.services.common.xlsx import write_xlsx

HEADERS = ["工单编号", "来电时间", "诉求内容", "办理结果", "办结时间", "办理人", "满意度"]
WIDTHS = (22, 18, 40, 40, 18, 14, 10)


@dataclass(frozen=True)
class HotlineReply:
    order_no: str
    called_at: dt.datetime  # local time
    content: str
    result: str
    completed_at: dt.datetime  # local time
    handler: str  # the display name of who recorded the result
    satisfaction: str  # the resident's rating, "" when none yet

    def cells(self) -> list[str]:
        return [
            self.order_no,
            self.called_at.strftime("%Y-%m-%d %H:%M"),
            self.content,
            self.result,
            self.completed_at.strftime("%Y-%m-%d %H:%M"),
            self.handler,
            self.satisfaction,
        ]


def hotline_replies(
    session: Session, start: dt.date, end: dt.date, scope: Scope = WHOLE_STREET
) -> list[HotlineReply]:
    """Hotline work orders completed between ``start`` and ``end`` (local dates, both included)."""
    stmt = (
        select(Case)
        .where(
            Case.hotline_order_no.is_not(None),
            Case.completed_at.is_not(None),
            Case.completed_at >= local_midnight_utc(start),
            Case.completed_at < local_midnight_utc(end + dt.timedelta(days=1)),
            scope.grid_filter(Case.grid_id),
        )
        .order_by(Case.completed_at, Case.id)
    )
    names = staff_names(session)
    replies = []
    for case in session.scalars(stmt):
        completer = session.scalar(
            select(CaseEvent.actor)
            .where(CaseEvent.case_id == case.id, CaseEvent.action == "complete")
            .order_by(CaseEvent.id.desc())
            .limit(1)
        )
        handler = completer or case.owner
        replies.append(
            HotlineReply(
                case.hotline_order_no or "",
                as_local(case.received_at).replace(tzinfo=None),
                case.content,
                case.result,
                as_local(case.completed_at).replace(tzinfo=None),
                names.get(handler, handler),
                case.evaluation,
            )
        )
    return replies


def write_replies(replies: list[HotlineReply], path: Path) -> Path:
    """The shared export writer: a resident's words that begin with = + - @ stay text, never a
    formula, and a file that cannot be finished is not left behind."""
    spec = SheetSpec(
        "回单",
        [Column(title, width) for title, width in zip(HEADERS, WIDTHS, strict=True)],
        about=(("内容", "12345工单回单"),),
    )
    write_xlsx(Path(path), spec, (reply.cells() for reply in replies), total=len(replies))
    return Path(path)


def export_hotline_replies(
    session: Session, start: dt.date, end: dt.date, path: Path, *, actor: str, scope: Scope = WHOLE_STREET
) -> int:
    """Write the replies to ``path`` (.xlsx) and audit the export; the caller commits. Returns the
    number of replies written."""
    if end < start:
        raise ValueError("结束日期不能早于开始日期")
    replies = hotline_replies(session, start, end, scope)
    write_replies(replies, path)
    audit.record_list(
        session, actor=actor, action="export", shown=len(replies), what=f"导出12345回单 {start}至{end}"
    )
    return len(replies)
