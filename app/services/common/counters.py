"""Numbers that are handed out once and never again: case numbers, certificate serials.

A counter row per series moves in the caller's transaction. The UPDATE comes first so that
SQLite takes its write lock before anything is read and concurrent desks queue instead of
colliding; a crash before the commit takes the number back together with the record that
would have carried it, so no printed number is ever reused.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


class CounterBusy(RuntimeError):
    """Three attempts lost a race for a brand-new series; the caller asks the person to retry."""


def take_next(session: Session, model: Any, *, count: int = 1, **series: Any) -> int:
    """The next number of the series ``series`` (column=value pairs) of ``model``, a table with
    an integer ``last`` column; starts at 1. With ``count`` the next ``count`` numbers are taken
    at once (a batch), and the first of them returned."""
    where = [getattr(model, column) == value for column, value in series.items()]
    for _ in range(3):
        last = session.scalar(
            update(model).where(*where).values(last=model.last + count).returning(model.last)
        )
        if last is not None:
            return last - count + 1
        try:
            with session.begin_nested():
                session.execute(insert(model).values(**series, last=count))
        except IntegrityError:
            continue  # another desk started this series first: take the next number from it
        return 1
    raise CounterBusy("counter series could not be started")
