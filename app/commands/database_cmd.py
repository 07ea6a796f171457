"""``yichuang init``, ``backup`` and ``restore``: create, upgrade, fill, copy and put back the
database."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app.commands.context import CommandError, record_written_copy
from app.config import sqlite_path
from app.db import DatabaseError, backup_sqlite, current_revision, restore_sqlite
from app.services.admin.auth import find_user
from app.services.common import audit
from app.services.common.os_errors import os_reason
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

    restore = subparsers.add_parser(
        "restore", help="从备份恢复 / put a backup back in place of the database (audited)"
    )
    restore.add_argument("--from", dest="source", required=True, type=Path, metavar="FILE")
    restore.add_argument("--user", help="staff user the restore is recorded for (default: the OS account)")
    restore.set_defaults(handler=run_restore)


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError(text)
    return value


def run_init(args, ctx) -> int:
    started = time.perf_counter()
    db = ctx.db(create=True)

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
    if ctx.loaded is not None:  # opening the new database loaded them already: count those
        result.tags_added += ctx.loaded.tags_added
        result.items_added += ctx.loaded.items_added
        result.templates_added += ctx.loaded.templates_added
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
        raise CommandError(f"无法写入备份文件 {target}：{os_reason(exc)}") from None
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


def run_restore(args, ctx) -> int:
    """The copy takes the database's place; the file it replaces is kept beside it. Until the
    first complete sync round the desk hands out no number (app.services.admin.restored)."""
    from app.services.admin.restored import copy_made_at, street_configured

    target = sqlite_path(ctx.url)
    if target is None:
        raise CommandError("restore 仅用于 SQLite 数据库；PostgreSQL 请使用 pg_restore")
    source = args.source.expanduser().resolve()
    if not source.is_file():
        raise CommandError(f"找不到备份文件“{args.source}”")
    try:
        kept = restore_sqlite(source, target)
    except DatabaseError as exc:
        raise CommandError(str(exc)) from None
    db = ctx.db()  # a copy from an older version is upgraded here
    with db.sessions.begin() as session:
        audit.record(
            session,
            actor=audit.cli_actor(args.user),
            action="restore",
            subject="整个数据库",
            purpose="从备份恢复数据库",
            detail=str(source),
        )
        made, waits = copy_made_at(session), street_configured(session)
    ctx.emit(
        {
            "restored_from": str(source),
            "copy_made_at": made,
            "previous_file_kept_as": str(kept) if kept else None,
            "schema": current_revision(db.engine),
            "next": "先运行 yichuang sync（或在前台点“立即同步”）取回备份之后的办件和证明，完成前不能编号"
            if waits
            else "未设置街道服务器：备份之后的办件和证明无法取回",
        }
    )
    return 0
