"""``yichuang desk [--screenshot PNG] [--user NAME] [--lookup ID]``: the front-desk window."""

from __future__ import annotations

from pathlib import Path

from app.commands.context import CommandError


def register(subparsers) -> None:
    parser = subparsers.add_parser("desk", help="前台受理窗口 / the front-desk window (default)")
    parser.add_argument(
        "--screenshot", type=Path, metavar="PNG", help="render the first screen to PNG and exit"
    )
    parser.add_argument("--user", help="with --screenshot: render the main window signed in as this user")
    parser.add_argument(
        "--lookup", metavar="ID", help="with --screenshot and --user: look this resident up (audited)"
    )
    parser.set_defaults(handler=run)


def run(args, ctx) -> int:
    if (args.user or args.lookup) and args.screenshot is None:
        raise CommandError("--user 和 --lookup 只用于截图和脚本检查，须与 --screenshot 一起使用")
    if args.lookup and not args.user:
        raise CommandError("--lookup 须与 --user 一起使用（查询要记入审计日志）")
    db = ctx.db()  # opened (and upgraded) before Qt starts, so a bad database is one clear sentence
    try:
        from app.views.desk_app import DeskStartError, run_desk
    except ImportError as exc:
        raise CommandError(f"无法加载图形界面（Qt）：{exc}") from None
    try:
        return run_desk(db, args.screenshot, user=args.user, lookup=args.lookup)
    except (OSError, DeskStartError) as exc:
        raise CommandError(str(exc)) from None
