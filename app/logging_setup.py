"""A daily rotating log file in the platform's log folder, with ID numbers masked on the way out.

Personal data must never reach a log: the filter masks every ID-number-like run in the final
message, whatever code produced it, so one careless format string cannot leak a number.
"""

from __future__ import annotations

import logging
import logging.handlers

from app.config import log_dir
from app.services.common.idcard import redact

_configured = False


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            # Render the traceback now, redacted, so the handler never formats the raw one.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def configure_logging(level: int = logging.INFO) -> None:
    """Log to ``<log dir>/yichuang.log``, rotated at midnight, 30 days kept. Idempotent."""
    global _configured
    if _configured:
        return
    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.TimedRotatingFileHandler(
        folder / "yichuang.log", when="midnight", backupCount=30, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    _configured = True
