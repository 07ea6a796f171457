"""Run slow work off the GUI thread and bring its result back to it: one helper for every job that
touches the disk, the printer or the network.

    Op(parent, work, runner=ctx.runner).success(show).failure(explain).run()
    Op(parent, work, runner=ctx.runner).with_progress("正在开具…", cancellable=True).success(done).run()

The work function gets no widget: it opens its own database session, and when the op reports
progress it receives a :class:`Progress` to report to and to ask whether the person cancelled.
Success and failure callbacks run on the GUI thread. Without a failure callback the person sees
a message in Chinese, never a traceback; the log gets the exception's type only (messages may
carry personal data).

The runner is passed in, never global: the desk and the kiosk use :class:`ThreadRunner` (Qt's
thread pool); tests and the screenshot mode pass :class:`ImmediateRunner`, which runs the work at
once on the calling thread, so a click and its result happen in one step.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

log = logging.getLogger(__name__)

T = TypeVar("T")
_CJK = re.compile(r"[\u4e00-\u9fff]")
DEFAULT_TITLE = "操作未完成"


def failure_text(exc: BaseException) -> str:
    """What the person reads when a job fails: the service's own sentence when it wrote one in
    Chinese for them, otherwise a plain apology that names no internals."""
    text = str(exc).strip()
    if text and _CJK.search(text):
        return text
    if isinstance(exc, OSError):
        return "读写文件或连接设备时出错，请检查磁盘、打印机或网络后重试。"
    return "操作未能完成（程序内部错误），请重试；如再次出现请联系系统管理员。"


class Runner(Protocol):
    """Where an op's work runs."""

    def start(self, job: Callable[[], None]) -> None: ...


class ThreadRunner:
    """Runs jobs on a Qt thread pool (the application's global one unless another is given)."""

    def __init__(self, pool: QThreadPool | None = None):
        self.pool = pool or QThreadPool.globalInstance()

    def start(self, job: Callable[[], None]) -> None:
        self.pool.start(_Job(job))

    def wait(self, msecs: int = -1) -> bool:
        """Wait for every running job (used when a window closes)."""
        return self.pool.waitForDone(msecs)


class ImmediateRunner:
    """Runs each job at once on the calling thread: tests and one-shot screenshots."""

    def start(self, job: Callable[[], None]) -> None:
        job()

    def wait(self, msecs: int = -1) -> bool:
        return True


class _Job(QRunnable):
    def __init__(self, job: Callable[[], None]):
        super().__init__()
        self.job = job

    def run(self) -> None:
        self.job()


class Progress:
    """Handed to the work of an op with progress: report steps, ask whether to stop.

    ``report`` and ``cancelled`` have the shapes the services take
    (``progress=p.report, cancelled=p.cancelled``)."""

    def __init__(self, relay: _Relay):
        self._relay = relay
        self._cancel = threading.Event()

    def report(self, done: int, total: int) -> None:
        self._relay.progress.emit(done, total)

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class _Relay(QObject):
    """Lives on the GUI thread. Its signals are connected to its own slots, so a signal emitted on
    a worker arrives as a queued call on the GUI thread, and one emitted on the GUI thread (the
    immediate runner) is delivered at once."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)

    def __init__(self, op: Op):
        super().__init__()
        self.op = op
        self.done.connect(self.on_done)
        self.failed.connect(self.on_failed)
        self.progress.connect(self.on_progress)

    @Slot(object)
    def on_done(self, result: object) -> None:
        self.op._succeeded(result)

    @Slot(object)
    def on_failed(self, exc: object) -> None:
        self.op._failed(exc)

    @Slot(int, int)
    def on_progress(self, done: int, total: int) -> None:
        self.op._progressed(done, total)


_running: set[Op] = set()  # an op keeps itself alive until its callbacks have run


class Op(Generic[T]):
    """One background job with its callbacks; configure with the chained methods, then ``run``."""

    def __init__(self, parent: QWidget | None, work: Callable[..., T], *, runner: Runner):
        self.parent = parent
        self.work = work
        self.runner = runner
        self._on_success: Callable[[T], Any] | None = None
        self._on_failure: Callable[[Exception], Any] | None = None
        self._on_progress: Callable[[int, int], Any] | None = None
        self._label: str | None = None
        self._cancellable = False
        self._wants_progress = False
        self._dialog: QProgressDialog | None = None
        self._relay = _Relay(self)
        self.progress = Progress(self._relay)
        self.finished = False

    def success(self, callback: Callable[[T], Any]) -> Op[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[Exception], Any]) -> Op[T]:
        """Handle the failure yourself; without this the person sees :func:`failure_text`."""
        self._on_failure = callback
        return self

    def on_progress(self, callback: Callable[[int, int], Any]) -> Op[T]:
        """Follow progress in a widget of your own (a dialog's own progress bar); the work is
        called with a :class:`Progress`."""
        self._on_progress = callback
        self._wants_progress = True
        return self

    def with_progress(self, label: str, *, cancellable: bool = False) -> Op[T]:
        """Show a progress dialog (after half a second) while the work runs; the work is called
        with a :class:`Progress`. A cancellable op's dialog has a 取消 button."""
        self._label = label
        self._cancellable = cancellable
        self._wants_progress = True
        return self

    def cancel(self) -> None:
        """Ask the work to stop; it sees ``progress.cancelled()`` become true."""
        self.progress.cancel()

    def run(self) -> Op[T]:
        if self._label is not None:
            self._show_dialog()
        _running.add(self)
        self.runner.start(self._execute)
        return self

    # -- on the worker ---------------------------------------------------------------------------

    def _execute(self) -> None:
        try:
            result = self.work(self.progress) if self._wants_progress else self.work()
        except Exception as exc:  # noqa: BLE001 — every failure goes back to the GUI as a message
            log.warning("background job failed: %s", type(exc).__name__)
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(result)

    # -- on the GUI thread -----------------------------------------------------------------------

    def _show_dialog(self) -> None:
        dialog = QProgressDialog(self._label or "", "取消" if self._cancellable else "", 0, 0, self.parent)
        dialog.setWindowTitle("请稍候")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(500)
        dialog.setAutoReset(False)
        dialog.setAutoClose(False)
        if self._cancellable:
            dialog.canceled.connect(self.cancel)
        else:
            dialog.setCancelButton(None)
        self._dialog = dialog

    def _progressed(self, done: int, total: int) -> None:
        if self._dialog is not None:
            self._dialog.setMaximum(total)
            self._dialog.setValue(done)
        if self._on_progress is not None:
            self._on_progress(done, total)

    def _close(self) -> None:
        self.finished = True
        _running.discard(self)
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None

    def _succeeded(self, result: T) -> None:
        self._close()
        if self._on_success is not None:
            self._on_success(result)

    def _failed(self, exc: Exception) -> None:
        self._close()
        if self._on_failure is not None:
            self._on_failure(exc)
        else:
            QMessageBox.warning(self.parent, DEFAULT_TITLE, failure_text(exc))
