"""``yichuang kiosk [--screenshot PNG] [--page NAME] [--font-scale F]``: the self-service kiosk."""

from __future__ import annotations

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
        help="render one page at 1920x1080 to PNG and exit (nothing is saved but the audit entry for the picture)",
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


def run(args, ctx) -> int:
    if args.page != "home" and args.screenshot is None:
        raise CommandError("--page 只用于截图，须与 --screenshot 一起使用")
    if not 0.5 <= args.font_scale <= 3:
        raise CommandError("--font-scale 须在 0.5 到 3 之间")
    db = ctx.db()  # opened (and upgraded) before Qt starts, so a bad database is one clear sentence
    try:
        from app.views.desk_app import DeskStartError
        from app.views.kiosk.launch import run_kiosk
    except ImportError as exc:
        raise CommandError(f"无法加载图形界面（Qt）：{exc}") from None
    try:
        code = run_kiosk(db, args.screenshot, page=args.page, font_scale=args.font_scale)
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
