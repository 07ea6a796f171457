"""``yichuang boards (--all | --grid CODE ...) --out PDF``: grid notice boards, one page per grid.

The boards are marked printed (their printed version becomes the current one, one audit entry)
only after the PDF is completely written.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from app.commands.context import CommandError, writable_target
from app.services.common.os_errors import os_reason


def register(subparsers) -> None:
    parser = subparsers.add_parser("boards", help="网格公示牌 / grid notice boards as one PDF")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="every grid of the street")
    which.add_argument("--grid", nargs="+", metavar="CODE", help="these grids, by code")
    parser.add_argument(
        "--outdated",
        action="store_true",
        help="only grids whose board on the wall is out of date (alone: all such grids)",
    )
    parser.add_argument("--out", required=True, type=Path, metavar="PDF")
    parser.add_argument("--paper", choices=["A4", "A3"], default="A4", type=str.upper)
    parser.add_argument("--landscape", action="store_true", help="landscape pages (default portrait)")
    parser.add_argument("--user", help="staff user the print is recorded for (default: the OS account)")
    parser.set_defaults(handler=run)


def run(args, ctx) -> int:
    from app.printing.boards.pdf import render_boards
    from app.services.admin import auth
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.grids.boards import BoardError, boards_data, mark_printed, outdated_grid_codes

    if not (args.all or args.grid or args.outdated):
        raise CommandError("请用 --all、--grid CODE 或 --outdated 选择要打印的网格")
    writable_target(args.out)  # before the boards are marked printed
    started = time.perf_counter()
    today = dt.date.today()
    with ctx.db().sessions() as session:
        if args.user and auth.find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")
        scope = scope_for(session, args.user)
        try:
            if args.grid:
                boards = boards_data(session, args.grid, today, scope)  # names any unknown code
                if args.outdated:
                    outdated = set(outdated_grid_codes(session, scope))
                    boards = [b for b in boards if b.grid.code in outdated]
            else:
                codes = outdated_grid_codes(session, scope) if args.outdated else None
                boards = boards_data(session, codes, today, scope)
        except BoardError as exc:
            raise CommandError(str(exc)) from None
    if not boards:
        ctx.emit({"pages": 0, "out": None, "grids": [], "seconds": round(time.perf_counter() - started, 2)})
        return 0
    try:
        pdf = render_boards(
            boards, paper=args.paper, orientation="landscape" if args.landscape else "portrait"
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    _write(args.out, pdf)
    grids = [b.grid.code for b in boards]
    with ctx.db().sessions.begin() as session:
        versions = {b.grid.code: b.board_version for b in boards}  # what the file shows
        mark_printed(session, grids, audit.cli_actor(args.user), versions=versions)
    ctx.emit(
        {
            "pages": len(boards),
            "out": str(args.out.resolve()),
            "grids": grids,
            "seconds": round(time.perf_counter() - started, 2),
        }
    )
    return 0


def _write(path: Path, data: bytes) -> None:
    """Write beside the target and rename: a crash never leaves half a PDF under the name."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise CommandError(f"无法写入 {path}：{os_reason(exc)}") from None
