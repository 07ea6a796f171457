"""``yichuang export``: a register (台账) as an Excel workbook and, with ``--pdf``, an A4 landscape PDF.

``yichuang export cases|certificates|residents|appointments|requests --xlsx F [--pdf F]
[--from D] [--to D] [--grid CODE] [--tag CODE] [--state S] [--status S] [--user U] [--full-id]``

``--user`` names the account the register is taken for: a grid worker's register holds their
grids only. ID numbers (and phone numbers) are masked; ``--full-id`` shows them in full and is
refused unless ``--user`` names an account whose role sees full numbers at the desk. Every export
is written to the audit log with its count and filters; the line printed names the files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.commands.context import CommandError, writable_target

KINDS = ("cases", "certificates", "residents", "appointments", "requests")


def register(subparsers) -> None:
    parser = subparsers.add_parser("export", help="导出台账 / a register as .xlsx and PDF")
    parser.add_argument("kind", choices=KINDS, help="办件, 证明, 居民, 预约, 自助终端诉求")
    parser.add_argument("--xlsx", type=Path, metavar="F", help="the Excel workbook to write")
    parser.add_argument("--pdf", type=Path, metavar="F", help="also (or only) an A4 landscape PDF")
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day (inclusive)")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day (inclusive)")
    parser.add_argument("--grid", default="", metavar="CODE", help="one grid's rows")
    parser.add_argument("--tag", default="", metavar="CODE", help="residents with this tag")
    parser.add_argument("--state", default="", metavar="S", help="residents: living, moved, dead")
    parser.add_argument("--status", default="", metavar="S", help="cases, certificates, appointments")
    parser.add_argument("--user", default="", metavar="U", help="the account the register is for")
    parser.add_argument("--full-id", action="store_true", help="full ID numbers (roles that see them)")
    parser.set_defaults(handler=run)


def run(args, ctx) -> int:
    from app.printing.documents.ledger import render_ledger
    from app.services.admin import auth
    from app.services.admin.permissions import NotPermitted
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.exports.filters import ExportError, LedgerFilter
    from app.services.exports.ledgers import centre_heading, export_ledger, read_ledger

    if args.xlsx is None and args.pdf is None:
        raise CommandError("请用 --xlsx 或 --pdf 指明要写入的文件")
    if args.full_id and not args.user:
        raise CommandError("导出完整身份证号须用 --user 指明有权查看完整号码的账号")
    if args.state and args.kind != "residents":
        raise CommandError("--state 只用于居民台账（residents）；办件、证明、预约请用 --status")
    if args.tag and args.kind != "residents":
        raise CommandError("--tag 只用于居民台账（residents）")
    flt = LedgerFilter(
        date_from=_date(args.date_from, "--from"),
        date_to=_date(args.date_to, "--to"),
        grid_code=args.grid,
        tag_code=args.tag,
        state=args.state,
        status=args.status,
    )
    xlsx = writable_target(args.xlsx) if args.xlsx else None
    pdf = writable_target(args.pdf) if args.pdf else None
    with ctx.db().sessions.begin() as session:
        if args.user and auth.find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")
        centre = centre_heading(session)
        try:
            ledger = read_ledger(
                session,
                args.kind,
                flt,
                scope=scope_for(session, args.user),
                actor=audit.cli_actor(args.user),
                full_id=args.full_id,
            )
            done = export_ledger(
                session, ledger, xlsx=xlsx, pdf=pdf, render_pdf=lambda led: render_ledger(led, centre)
            )
        except (ExportError, NotPermitted) as exc:
            raise CommandError(str(exc)) from None
    ctx.emit(
        {
            "ledger": done.title,
            "rows": done.rows,
            "xlsx": str(done.xlsx) if done.xlsx else None,
            "pdf": str(done.pdf) if done.pdf else None,
            "filters": ledger.filters,
            "full_id": ledger.full_id,
        }
    )
    return 0


def _date(text: str | None, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} 的日期须写成 YYYY-MM-DD，如 2026-11-23") from None
