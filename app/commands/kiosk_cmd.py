"""``yichuang kiosk-pin`` (the administrator PIN that leaves kiosk mode) and
``yichuang appointments`` (a day's window appointments as JSON lines, for the desk and scripts).

The kiosk window itself is the ``yichuang kiosk`` subcommand, registered by its own module.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sys

from app.commands.context import CommandError

PIN_ENV = "YICHUANG_KIOSK_PIN"


def register(subparsers) -> None:
    pin = subparsers.add_parser(
        "kiosk-pin",
        help="设置自助终端管理员密码 / set the PIN that leaves kiosk mode (4–8 digits)",
        description=f"Reads the PIN from ${PIN_ENV}, else from standard input (a prompt on a terminal).",
    )
    pin.set_defaults(handler=run_pin)
    day = subparsers.add_parser(
        "appointments", help="某日窗口预约 / a day's window appointments as JSON lines"
    )
    day.add_argument("--day", type=_day, default=None, metavar="YYYY-MM-DD", help="default: today")
    day.add_argument("--user", help="who is asking (for the audit log)")
    day.set_defaults(handler=run_appointments)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError(f"日期“{text}”应写成 YYYY-MM-DD") from None


def _read_pin() -> str:
    if os.environ.get(PIN_ENV):
        return os.environ[PIN_ENV].strip()
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    first = getpass.getpass("自助终端管理员密码（4–8位数字）: ")
    if first != getpass.getpass("再输一次: "):
        raise CommandError("两次输入的密码不一致")
    return first.strip()


def run_pin(args, ctx) -> int:
    from app.services.common import audit
    from app.services.kiosk.service import KioskError, set_admin_pin

    pin = _read_pin()
    with ctx.db().sessions.begin() as session:
        try:
            set_admin_pin(session, pin)
        except KioskError as exc:
            raise CommandError(str(exc)) from None
        audit.record(
            session, actor=audit.cli_actor(None), action="kiosk_pin", purpose="设置自助终端管理员密码"
        )
    ctx.emit({"kiosk_pin": "set"})
    return 0


def run_appointments(args, ctx) -> int:
    from app.services.admin.centre import CentreNotConfigured
    from app.services.common import audit
    from app.services.kiosk.service import day_appointments

    day = args.day or dt.date.today()
    with ctx.db().sessions.begin() as session:
        try:
            rows = day_appointments(session, day)
        except CentreNotConfigured as exc:
            raise CommandError(str(exc)) from None
        audit.record(
            session,
            actor=audit.cli_actor(args.user),
            action="export",
            subject=str(len(rows)),
            purpose=f"{day.isoformat()} 窗口预约名单",
        )
    ctx.emit_lines(row.as_json() for row in rows)
    return 0
