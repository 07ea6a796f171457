"""``yichuang audit``: the audit log (审计日志) as JSON lines, newest first, or as an Excel file.

Filters: ``--user`` (who acted), ``--id`` (whose record: the number is resolved to the resident
and never logged in full; the search is itself logged as a lookup), ``--action``, ``--from`` and
``--to`` (local dates, inclusive). ``--as NAME`` runs it as a named administrator.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.commands.administrator import administrator_actor
from app.commands.context import CommandError, writable_target


def register(subparsers) -> None:
    parser = subparsers.add_parser("audit", help="审计日志 / the audit log (administrator)")
    parser.add_argument("--user", default="", metavar="U", help="entries written by this account")
    parser.add_argument(
        "--id", dest="id_number", default="", metavar="ID", help="entries about this resident"
    )
    parser.add_argument("--action", default="", metavar="A", help="e.g. lookup, print, export")
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    parser.add_argument("--limit", type=int, default=200, metavar="N", help="newest N entries (default 200)")
    parser.add_argument("--xlsx", type=Path, metavar="PATH", help="write every matching entry to this file")
    parser.add_argument("--as", dest="operator", metavar="NAME", help="the administrator asking (audit log)")
    parser.set_defaults(handler=run, user_is_filter=True)  # --user names whose entries, not who asks


def run(args, ctx) -> int:
    from app.services.admin.audit_export import export_audit_xlsx
    from app.services.admin.audit_log import AuditLogError, AuditQuery, audit_page

    if args.limit < 1:
        raise CommandError("--limit 须为正整数")
    query = AuditQuery(
        actor=args.user,
        id_number=args.id_number,
        action=args.action,
        date_from=_date(args.date_from, "--from"),
        date_to=_date(args.date_to, "--to"),
    )
    target = writable_target(args.xlsx) if args.xlsx else None
    with ctx.db().sessions.begin() as session:
        actor = administrator_actor(session, args.operator)
        try:
            if target is not None:
                done = export_audit_xlsx(session, query, target, actor=actor)
            else:
                page = audit_page(session, query, actor=actor, page_size=args.limit)
        except AuditLogError as exc:
            raise CommandError(str(exc)) from None
    if target is not None:
        ctx.emit({"xlsx": str(done.path), "rows": done.rows})
    else:
        ctx.emit_lines(row.as_json() for row in page.rows)
    return 0


def _date(text: str | None, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} 的日期须写成 YYYY-MM-DD，如 2026-11-23") from None
