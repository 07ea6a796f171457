"""``yichuang init`` and ``yichuang backup``: create, upgrade, fill and copy the database."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app.commands.context import CommandError, record_written_copy
from app.config import sqlite_path
from app.db import backup_sqlite, current_revision
from app.services.admin.auth import find_user
from app.services.common import audit
from app.services.setup import demo_street as demo
from app.services.setup.initialise import initialise


def register(subparsers) -> None:
    init = subparsers.add_parser("init", help="建库或升级 / create or upgrade the database")
    init.add_argument(
        "--demo", action="store_true", help="add the synthetic demo street (empty database only)"
    )
    init.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="demo random seed")
    init.add_argument(
        "--residents",
        type=_positive,
        default=demo.DEFAULT_RESIDENTS,
        help=f"demo residents (default {demo.DEFAULT_RESIDENTS})",
    )
    init.set_defaults(handler=run_init)

    backup = subparsers.add_parser("backup", help="备份数据库 / consistent copy while in use (audited)")
    backup.add_argument("--out", required=True, type=Path, metavar="FILE")
    backup.add_argument("--user", help="staff user the copy is recorded for (default: the OS account)")
    backup.set_defaults(handler=run_backup)


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError(text)
    return value


def run_init(args, ctx) -> int:
    started = time.perf_counter()
    db = ctx.db()

    def progress(done: int, total: int) -> None:
        print(f"演示居民 {done}/{total}", file=sys.stderr, flush=True)

    try:
        result = initialise(
            db,
            with_demo=args.demo,
            seed=args.seed,
            residents=args.residents,
            progress=progress if sys.stderr.isatty() else None,
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    out = {
        "database": db.url,
        "schema": current_revision(db.engine),
        **result.as_dict(),
        "seconds": round(time.perf_counter() - started, 2),
    }
    ctx.emit(out)
    return 0


def run_backup(args, ctx) -> int:
    db = ctx.db()
    if sqlite_path(db.url) is None:
        raise CommandError("backup 仅用于 SQLite 数据库；PostgreSQL 请使用 pg_dump")
    target = args.out.expanduser().resolve()
    if target == sqlite_path(db.url):
        raise CommandError("备份文件不能与数据库文件相同")
    if args.user:
        with db.sessions() as session:
            if find_user(session, args.user) is None:
                raise CommandError(f"用户“{args.user}”不存在")
    started = time.perf_counter()
    try:
        backup_sqlite(db.engine, target)
    except OSError as exc:
        raise CommandError(f"无法写入备份文件 {target}：{exc.strerror or exc}") from None
    record_written_copy(
        db,
        target,
        actor=audit.cli_actor(args.user),
        subject="整个数据库",
        purpose="备份数据库（全部居民、办件和证明）",
    )
    ctx.emit(
        {
            "backup": str(target),
            "bytes": target.stat().st_size,
            "seconds": round(time.perf_counter() - started, 2),
        }
    )
    return 0
