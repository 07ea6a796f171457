"""Readable case numbers, unique per community and day: ``TY-20261123-0007``.

The counter lives in the database and moves in the same transaction that stores the case. A
crash before the commit takes both back, so the number was never shown to anyone; after the
commit it is burnt for good. Nothing is kept in memory, so two desks (or two processes) never
hand out the same number.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.models import CaseSequence
from app.services.admin.restored import require_caught_up
from app.services.common.counters import CounterBusy, take_next


def format_case_no(community_short_code: str, day: dt.date, sequence: int) -> str:
    return f"{community_short_code}-{day:%Y%m%d}-{sequence:04d}"


def next_case_no(session: Session, community_short_code: str, day: dt.date) -> str:
    """Take the next number of this community and day, in the caller's transaction. Refused
    (RestoredCopyError) on a copy put back and not yet caught up with the street."""
    require_caught_up(session)
    try:
        sequence = take_next(session, CaseSequence, community_code=community_short_code, day=day)
    except CounterBusy:
        raise RuntimeError("无法生成办件编号，请重试") from None
    return format_case_no(community_short_code, day, sequence)
