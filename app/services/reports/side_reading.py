"""Reading a report's independent sections on a second connection, beside the first.

The full report's case figures and its population and community figures share no table and no
intermediate result, and each is mostly SQLite's own work, during which Python's sqlite3 module
lets other threads run. So while the caller's session counts the cases, a second connection in a
worker thread counts the rest: on a machine with two cores the report takes about as long as its
longer half instead of the sum of both.

A second connection sees only what is committed. It is used only when that is all the caller's
session could see too: a file database (an in-memory one is a different database on every
connection) and a session with nothing written and not yet committed. Otherwise the sections are
read on the caller's session, one after the other, with the same results.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

T = TypeVar("T")


def reads_beside(session: Session) -> bool:
    """Whether a second connection would see exactly what ``session`` sees."""
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "sqlite":
        return False  # a connection handed in, or a server whose open writes cannot be seen here
    database = bind.url.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:") or "mode=memory" in database:
        return False
    if session.new or session.dirty or session.deleted:
        return False
    # Python's sqlite3 begins a transaction only before a write: one open means a write waiting.
    return not session.connection().connection.driver_connection.in_transaction


def read_beside(session: Session, read: Callable[[Session], T]) -> Future[T]:
    """``read`` run with a session of its own in a worker thread when :func:`reads_beside`, else
    run now on ``session``; either way its result (or its error) comes from the future."""
    if not reads_beside(session):
        done: Future[T] = Future()
        try:
            done.set_result(read(session))
        except Exception as exc:  # noqa: BLE001 — handed to whoever asks for the result
            done.set_exception(exc)
        return done
    engine = session.get_bind()
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-side")

    def run() -> T:
        with Session(engine) as side:
            return read(side)

    future = worker.submit(run)
    worker.shutdown(wait=False)  # the thread ends with its one task
    return future
