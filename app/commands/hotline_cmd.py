"""``yichuang hotline replies --from D --to D --xlsx F``: the 12345 回单 of the work orders completed
in a period, in the layout the hotline import reads."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from app.commands.context import CommandError, writable_target


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def register(subparsers) -> None:
    parser = subparsers.add_parser("hotline", help="12345热线 / the hotline's work orders")
    actions = parser.add_subparsers(dest="hotline_action", metavar="ACTION", required=True)
    replies = actions.add_parser("replies", help="导出回单 / replies to the orders completed in a period")
    replies.add_argument("--from", dest="start", type=_date, required=True, metavar="DATE")
    replies.add_argument("--to", dest="end", type=_date, required=True, metavar="DATE")
    replies.add_argument("--xlsx", type=Path, required=True, metavar="FILE")
    replies.add_argument("--user", help="staff account exporting (default: the OS account)")
    replies.set_defaults(handler=run_replies)


def run_replies(args, ctx) -> int:
    from app.services.admin import auth
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.common.os_errors import os_reason
    from app.services.imports.hotline_replies import export_hotline_replies

    if args.end < args.start:
        raise CommandError("结束日期不能早于开始日期")
    writable_target(args.xlsx)
    try:
        with ctx.db().sessions.begin() as session:
            if args.user and auth.find_user(session, args.user) is None:
                raise CommandError(f"用户“{args.user}”不存在")
            count = export_hotline_replies(
                session,
                args.start,
                args.end,
                args.xlsx,
                actor=audit.cli_actor(args.user),
                scope=scope_for(session, args.user),
            )
    except OSError as exc:
        raise CommandError(f"回单未能写入 {args.xlsx}：{os_reason(exc)}") from None
    ctx.emit({"replies": count, "xlsx": str(args.xlsx)})
    return 0
