"""Run slow work off the GUI thread and bring the result back to it.

The work function gets plain arguments (never a widget) and opens its own database session; the
success and failure callbacks run on the GUI thread. Tests switch to synchronous mode so that a
click and its result happen in one step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

_synchronous = False
_keep: set[_Relay] = set()


def set_synchronous(value: bool) -> None:
    """Run tasks at once on the calling thread (tests)."""
    global _synchronous
    _synchronous = value


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class _Job(QRunnable):
    def __init__(self, work: Callable[..., Any], relay: _Relay, with_progress: bool):
        super().__init__()
        self.work = work
        self.relay = relay
        self.with_progress = with_progress

    def run(self) -> None:
        try:
            if self.with_progress:
                result = self.work(lambda done, total: self.relay.progress.emit(done, total))
            else:
                result = self.work()
        except Exception as exc:  # noqa: BLE001 — every failure goes back to the GUI as a message
            log.warning("background task failed: %s", type(exc).__name__)
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


def run_in_background(
    work: Callable[..., Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> None:
    """Run ``work()`` (or ``work(progress)`` when ``on_progress`` is given) on the thread pool."""
    if _synchronous:
        try:
            result = work(on_progress) if on_progress else work()
        except Exception as exc:  # noqa: BLE001
            on_error(exc)
        else:
            on_done(result)
        return
    relay = _Relay()
    _keep.add(relay)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _keep.discard(relay)
        callback(value)

    relay.done.connect(lambda value: finish(on_done, value))
    relay.failed.connect(lambda exc: finish(on_error, exc))
    if on_progress:
        relay.progress.connect(on_progress)
    QThreadPool.globalInstance().start(_Job(work, relay, on_progress is not None))
