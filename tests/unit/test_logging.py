"""No full ID number ever reaches the log file."""

from __future__ import annotations

import logging

from app.logging_setup import RedactingFilter

ID = "11010519491231002X"


def _filtered(message, args, exc=None) -> logging.LogRecord:
    logger = logging.getLogger("test.redaction")
    record = logger.makeRecord(logger.name, logging.ERROR, __file__, 1, message, args, exc)
    RedactingFilter().filter(record)
    return record


def test_message_arguments_and_exception_text_are_masked():
    record = _filtered("looked up %s for %s", (ID, "张三"))
    assert ID not in record.getMessage() and "1101**********002X" in record.getMessage()
    try:
        raise ValueError(f"no resident {ID}")
    except ValueError as exc:
        record = _filtered("failed", (), exc=(type(exc), exc, exc.__traceback__))
    assert record.exc_info is None and ID not in record.exc_text and "ValueError" in record.exc_text


def test_log_file_never_holds_the_number(tmp_path, monkeypatch):
    import app.logging_setup as setup

    monkeypatch.setattr(setup, "_configured", False)
    monkeypatch.setenv("YICHUANG_LOG_DIR", str(tmp_path))
    root = logging.getLogger()
    before = list(root.handlers)
    setup.configure_logging()
    try:
        logging.getLogger("x").warning("card read: %s", ID)
    finally:
        for handler in root.handlers[len(before) :]:
            handler.close()
            root.removeHandler(handler)
    text = (tmp_path / "yichuang.log").read_text(encoding="utf-8")
    assert "card read" in text and ID not in text
