"""The ``yichuang`` command: a thin face over the services, like the desk is another.

Results go to stdout as JSON (one object per line for lists); errors go to stderr as one clear
sentence with a non-zero exit code, never a traceback. Each subcommand lives in
``app/commands/<name>.py`` and registers itself here.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence

from app import __version__
from app.commands import COMMAND_MODULES
from app.commands.context import CommandError, Context

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="yichuang",
        description="党群服务中心一窗受理系统 — front desk of a community party-service centre",
    )
    parser.add_argument("--version", action="version", version=f"yichuang {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="database file or SQLAlchemy URL (default: $YICHUANG_DB, else the user data folder)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def _short_reason(exc: BaseException) -> str:
    """The first line of the underlying error, masked. Database errors carry the SQL statement
    and its parameters (names, addresses) in ``str()``: only the driver's own message is kept."""
    from app.services.common.idcard import redact

    inner = getattr(exc, "orig", None) or exc
    lines = str(inner).strip().splitlines()
    return redact(lines[0]) if lines else type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    from app.logging_setup import configure_logging

    configure_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*(argv or sys.argv[1:]), "desk"])
    ctx = Context(db_option=args.db)
    try:
        return int(args.handler(args, ctx) or 0)
    except CommandError as exc:
        print(f"yichuang: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("yichuang: 已中断", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 — the contract is one sentence, never a traceback
        # Frames only: the exception's own text may hold SQL parameters (personal data).
        log.error(
            "command %s failed: %s: %s\n%s",
            args.command,
            type(exc).__name__,
            _short_reason(exc),
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        print(f"yichuang: 出现意外错误（详情已写入日志）：{_short_reason(exc)}", file=sys.stderr)
        return 2
    finally:
        ctx.close()
