"""The operation helper: work off the GUI thread, results and failures back on it, progress and
cancel built in, and a runner passed in (no global switch)."""

from __future__ import annotations

import threading
import time

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.views.ops import ImmediateRunner, Op, ThreadRunner, failure_text


def test_immediate_runner_delivers_the_result_in_the_same_call(qtbot):
    seen = []
    Op(None, lambda: 41 + 1, runner=ImmediateRunner()).success(seen.append).run()
    assert seen == [42]


def test_thread_runner_works_off_the_gui_thread_and_answers_on_it(qtbot):
    gui = threading.get_ident()
    where, answered_on = [], []

    def work():
        where.append(threading.get_ident())
        return "ok"

    op = Op(None, work, runner=ThreadRunner()).success(
        lambda r: answered_on.append((r, threading.get_ident()))
    )
    op.run()
    qtbot.waitUntil(lambda: bool(answered_on), timeout=5000)
    assert where[0] != gui
    assert answered_on == [("ok", gui)]


def test_a_failure_goes_to_the_failure_callback(qtbot):
    errors = []

    def work():
        raise ValueError("身份证号码校验位不对")

    Op(None, work, runner=ImmediateRunner()).success(lambda _r: errors.append("no")).failure(
        errors.append
    ).run()
    assert [str(e) for e in errors] == ["身份证号码校验位不对"]


def test_without_a_failure_callback_the_person_reads_a_chinese_message(qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    parent = QWidget()
    qtbot.addWidget(parent)

    def work():
        raise KeyError("resident 11010519491231002X")

    Op(parent, work, runner=ImmediateRunner()).run()
    assert len(shown) == 1
    title, text = shown[0]
    assert title == "操作未完成"
    assert "11010519491231002X" not in text and "KeyError" not in text
    assert "内部错误" in text


def test_failure_text_keeps_a_service_sentence_and_hides_internals():
    assert failure_text(RuntimeError("打印机无法开始打印")) == "打印机无法开始打印"
    assert "打印机" in failure_text(OSError(5, "Input/output error"))
    assert "Traceback" not in failure_text(ZeroDivisionError("division by zero"))


def test_progress_is_reported_and_cancel_stops_the_work(qtbot):
    steps, results = [], []
    started = threading.Event()

    def work(progress):
        done = 0
        for done in range(1, 1000):
            if progress.cancelled():
                return ("cancelled", done)
            progress.report(done, 1000)
            started.set()
            time.sleep(0.002)
        return ("finished", done)

    parent = QWidget()
    qtbot.addWidget(parent)
    op = Op(parent, work, runner=ThreadRunner()).with_progress("正在开具…", cancellable=True)
    op.on_progress(lambda d, t: steps.append((d, t))).success(results.append).run()
    assert started.wait(5)
    qtbot.waitUntil(lambda: bool(steps), timeout=5000)
    op.cancel()
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results[0][0] == "cancelled"
    assert steps[0][1] == 1000
    assert op.finished


def test_the_window_repaints_while_slow_work_runs(qtbot):
    """The GUI thread keeps handling events while the work sleeps on a worker."""
    release = threading.Event()
    results = []
    Op(None, lambda: release.wait(5) and "printed", runner=ThreadRunner()).success(results.append).run()
    ticks = []
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    for _ in range(5):
        widget.update()
        QApplication.processEvents()
        ticks.append(time.monotonic())
    assert not results  # still working, and the loop above ran
    release.set()
    qtbot.waitUntil(lambda: results == ["printed"], timeout=5000)
