"""Readable case numbers, unique per community and day: ``TY-20261123-0007``.

The counter lives in the database and moves in the same transaction that stores the case. A
crash before the commit takes both back, so the number was never shown to anyone; after the
commit it is burnt for good. Nothing is kept in memory, so two desks (or two processes) never
hand out the same number.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import CaseSequence


def format_case_no(community_short_code: str, day: dt.date, sequence: int) -> str:
    return f"{community_short_code}-{day:%Y%m%d}-{sequence:04d}"


def next_case_no(session: Session, community_short_code: str, day: dt.date) -> str:
    """Take the next number. The UPDATE comes first so that SQLite takes its write lock
    before anything is read, and concurrent desks queue instead of colliding."""
    for _ in range(3):
        sequence = session.scalar(
            update(CaseSequence)
            .where(CaseSequence.community_code == community_short_code, CaseSequence.day == day)
            .values(last=CaseSequence.last + 1)
            .returning(CaseSequence.last)
        )
        if sequence is not None:
            return format_case_no(community_short_code, day, sequence)
        try:
            with session.begin_nested():
                session.execute(insert(CaseSequence).values(community_code=community_short_code, day=day, last=1))
        except IntegrityError:
            continue  # another desk created today's counter first: take the next number from it
        return format_case_no(community_short_code, day, 1)
    raise RuntimeError("无法生成办件编号，请重试")
