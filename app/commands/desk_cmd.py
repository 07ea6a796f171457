"""``yichuang desk [--screenshot PNG]``: the front-desk window (the default command)."""

from __future__ import annotations

from pathlib import Path

from app.commands.context import CommandError


def register(subparsers) -> None:
    parser = subparsers.add_parser("desk", help="前台受理窗口 / the front-desk window (default)")
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="render the first screen to PNG and exit")
    parser.set_defaults(handler=run)


def run(args, ctx) -> int:
    db = ctx.db()  # opened (and upgraded) before Qt starts, so a bad database is one clear sentence
    try:
        from app.views.desk_app import run_desk
    except ImportError as exc:
        raise CommandError(f"无法加载图形界面（Qt）：{exc}") from None
    try:
        return run_desk(db, args.screenshot)
    except OSError as exc:
        raise CommandError(str(exc)) from None
