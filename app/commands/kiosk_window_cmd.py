"""``yichuang kiosk [--screenshot PNG] [--page NAME] [--size WxH] [--font-scale F]``: the
self-service kiosk."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.commands.context import CommandError, record_written_copy
from app.services.common import audit
from app.views.kiosk import SCREENSHOT_PAGES as PAGES

# Pages drawn without any resident: the welcome page, the keypad (a few digits typed) and the
# page for a made-up number that is not in the database.
_SHOWS_NOBODY = frozenset({"home", "keypad", "norecord"})


def register(subparsers) -> None:
    parser = subparsers.add_parser("kiosk", help="自助服务终端（全屏）/ the self-service kiosk, full screen")
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="PNG",
        help="render one page to PNG and exit (nothing is saved but the audit entry for the picture)",
    )
    parser.add_argument(
        "--size",
        type=screen_size,
        default=None,
        metavar="WxH",
        help="with --screenshot: the screen to lay out for, e.g. 1366x768 or 1080x1920 (default 1920x1080)",
    )
    parser.add_argument(
        "--page",
        choices=PAGES,
        default="home",
        help="with --screenshot: which page, shown for a demo resident (default: home)",
    )
    parser.add_argument(
        "--font-scale",
        type=float,
        default=1.0,
        metavar="F",
        help="type size factor, e.g. 1.5 to check large type (default 1.0)",
    )
    parser.set_defaults(handler=run)


def screen_size(text: str) -> tuple[int, int]:
    """``1366x768`` (or ``1366×768``) as (1366, 768)."""
    try:
        width, height = (int(part) for part in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"屏幕尺寸写作 宽x高，例如 1366x768：{text}") from None
    if not (320 <= width <= 8000 and 320 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"屏幕尺寸不合理：{text}")
    return width, height


def run(args, ctx) -> int:
    if args.page != "home" and args.screenshot is None:
        raise CommandError("--page 只用于截图，须与 --screenshot 一起使用")
    if args.size is not None and args.screenshot is None:
        raise CommandError("--size 只用于截图（全屏时按所在屏幕排版），须与 --screenshot 一起使用")
    if not 0.5 <= args.font_scale <= 3:
        raise CommandError("--font-scale 须在 0.5 到 3 之间")
    db = ctx.db()  # opened (and upgraded) before Qt starts, so a bad database is one clear sentence
    try:
        from app.views.desk_app import DeskStartError
        from app.views.kiosk.launch import run_kiosk
    except ImportError as exc:
        raise CommandError(f"无法加载图形界面（Qt）：{exc}") from None
    try:
        code = run_kiosk(
            db, args.screenshot, page=args.page, font_scale=args.font_scale, size=args.size or (1920, 1080)
        )
    except (OSError, DeskStartError) as exc:
        raise CommandError(str(exc)) from None
    if args.screenshot is not None and args.page not in _SHOWS_NOBODY:
        # The picture is taken for the database's first registered resident: real data in a
        # real centre, though every change of the screenshot itself is rolled back.
        record_written_copy(
            db,
            args.screenshot,
            actor=audit.cli_actor(None),
            subject="本库第一位登记居民",
            purpose=f"自助终端截图（{args.page}页）",
        )
    return code
