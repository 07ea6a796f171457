"""The ``yichuang`` command: a thin face over the services, like the desk is another.

Results go to stdout as JSON (one object per line for lists); errors go to stderr as one clear
sentence with a non-zero exit code, never a traceback. Each subcommand lives in
``app/commands/<name>.py`` and registers itself here.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import traceback
from collections.abc import Sequence

from app import __version__
from app.commands import COMMANDS, command_modules
from app.commands.acting import check_acting_user
from app.commands.context import CommandError, Context

log = logging.getLogger(__name__)


# argparse's complaints, in the words of the rest of the command line (the pattern, then the
# sentence with the pattern's groups).
_ARGPARSE_ERRORS = [
    (re.compile(r"the following arguments are required: (.+)"), "缺少必需的参数：{0}"),
    (re.compile(r"unrecognized arguments: (.+)"), "无法识别的参数：{0}"),
    (
        re.compile(r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)"),
        "参数 {0} 的取值 {1} 无效，可选：{2}",
    ),
    (
        re.compile(r"argument (\S+): invalid (?:int|_positive|float) value: (.+)"),
        "参数 {0} 须为正确的数字，不能是 {1}",
    ),
    (re.compile(r"argument (\S+): invalid \w+ value: (.+)"), "参数 {0} 的取值 {1} 无效"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 后面缺少取值"),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)"), "参数 {0} 不能与 {1} 同时使用"),
    (re.compile(r"one of the arguments (.+) is required"), "须给出以下参数之一：{0}"),
    (re.compile(r"ambiguous option: (\S+) could match (.+)"), "参数 {0} 不明确，可能是：{1}"),
]


class ChineseArgumentParser(argparse.ArgumentParser):
    """Usage errors as one Chinese sentence, like every other error of the command line (the
    subcommands' parsers are made of this class too)."""

    def error(self, message: str):
        for pattern, sentence in _ARGPARSE_ERRORS:
            found = pattern.search(message)
            if found:
                message = sentence.format(*found.groups())
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 错误：{message}\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or, given the command about to run, of that one only (see
    :mod:`app.commands`)."""
    parser = ChineseArgumentParser(
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
    for module in command_modules(command):
        module.register(subparsers)
    return parser


def command_in(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names, if it names a known one before any help or version flag."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            next(words, None)
        elif word.startswith("-"):
            if word.split("=", 1)[0] != "--db":
                return None  # -h, --version, or a mistake: argparse needs every command to say so
        else:
            return word if word in COMMANDS else None
    return "desk"  # no command: the desk


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
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(command_in(argv))
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*argv, "desk"])
    ctx = Context(db_option=args.db)
    try:
        check_acting_user(args, ctx)  # an unknown or disabled --user acts as nobody
        return int(args.handler(args, ctx) or 0)
    except CommandError as exc:
        print(f"yichuang: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("yichuang: 已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `yichuang cases | head -2`: the reader has had enough, as in Unix tools
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to flush
        return 141
    except OSError as exc:  # a file the command reads or writes: the reason in Chinese
        from app.services.common.os_errors import os_reason

        where = f"{exc.filename}：" if exc.filename else ""
        print(f"yichuang: {where}{os_reason(exc)}", file=sys.stderr)
        return 1
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
