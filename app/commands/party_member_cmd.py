"""``yichuang party member edit|leave|import``: changing a member's record, leaving the register,
and a branch's roster from .xlsx (checked row by row; ``--dry-run`` only reports). Registered by
party_cmd under ``party member``."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from app.commands.acting import scope_and_actor
from app.commands.context import CommandError

KEEP = object()  # an option not given: the field keeps its value


def _day(text: str):
    if text in ("", "-", "none"):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def add_actions(actions) -> None:
    edit = actions.add_parser("edit", help="change a member's status, kind, dates, phone or unit")
    edit.add_argument("member", type=int, help="党员编号（party member list）")
    edit.add_argument("--status", choices=["full", "probation"], default=KEEP)
    edit.add_argument("--kind", choices=["registered", "floating", "in_service"], default=KEEP)
    for option, what in (
        ("--joined", "入党日期"),
        ("--full-on", "转正日期"),
        ("--transferred-in", "组织关系转入日期"),
        ("--transferred-out", "组织关系转出日期"),
    ):
        edit.add_argument(option, default=KEEP, help=f"{what} YYYY-MM-DD（“-”清空）")
    edit.add_argument("--phone", default=KEEP)
    edit.add_argument("--unit", default=KEEP, help="报到单位")
    edit.set_defaults(handler=run_edit)
    leave = actions.add_parser("leave", help="a member leaves the register (the record stays)")
    leave.add_argument("member", type=int)
    leave.add_argument("--date", type=dt.date.fromisoformat, default=dt.date.today())
    leave.add_argument("--reason", required=True, help="如：组织关系转出、去世、出党")
    leave.set_defaults(handler=run_leave)
    imp = actions.add_parser("import", help="a branch's roster (.xlsx or .csv), checked row by row")
    imp.add_argument("file")
    imp.add_argument("--branch", default="", help="未填“所在支部”的行登记到此支部（网格编码、编号或名称）")
    imp.add_argument("--outside", action="store_true", help="非本街道居民作为街道外党员登记（否则拒绝）")
    imp.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    imp.set_defaults(handler=run_import)
    for parser in (edit, leave, imp):
        parser.add_argument("--user", help="staff user (scope and audit log)")


def _emit_row(ctx, row, **extra) -> None:
    ctx.emit(
        {
            "id": row.id,
            "name": row.name,
            "id_number": row.id_masked,
            "branch": row.branch,
            "status": row.status,
            "kind": row.kind,
            **extra,
        }
    )


def run_edit(args, ctx) -> int:
    from app.services.party.member_edit import edit_member, member_edit_of
    from app.services.party.members import MemberError

    options = {
        "status": args.status,
        "kind": args.kind,
        "joined_on": args.joined if args.joined is KEEP else _day(args.joined),
        "full_on": args.full_on if args.full_on is KEEP else _day(args.full_on),
        "transferred_in_on": args.transferred_in
        if args.transferred_in is KEEP
        else _day(args.transferred_in),
        "transferred_out_on": args.transferred_out
        if args.transferred_out is KEEP
        else _day(args.transferred_out),
        "phone": args.phone,
        "unit_name": args.unit,
    }
    with ctx.db().sessions.begin() as session:
        scope, actor = scope_and_actor(session, args.user)
        try:
            _, current = member_edit_of(session, args.member, scope=scope, actor=actor)
            change = replace(current, **{k: v for k, v in options.items() if v is not KEEP})
            row = edit_member(session, args.member, change, scope=scope, actor=actor)
        except MemberError as exc:
            raise CommandError(str(exc)) from None
        full_on = change.full_on.isoformat() if change.full_on else None
    _emit_row(ctx, row, full_on=full_on)
    return 0


def run_leave(args, ctx) -> int:
    from app.services.party.member_edit import leave_register
    from app.services.party.members import MemberError

    with ctx.db().sessions.begin() as session:
        scope, actor = scope_and_actor(session, args.user)
        try:
            row = leave_register(session, args.member, args.date, args.reason, scope=scope, actor=actor)
        except MemberError as exc:
            raise CommandError(str(exc)) from None
    _emit_row(ctx, row, left_on=args.date.isoformat(), reason=args.reason)
    return 0


def run_import(args, ctx) -> int:
    from app.services.imports.party_roster import import_roster
    from app.services.imports.spreadsheet import ImportFileError
    from app.services.party.members import MemberError

    with ctx.db().sessions.begin() as session:
        scope, actor = scope_and_actor(session, args.user)
        try:
            report = import_roster(
                session,
                args.file,
                scope=scope,
                actor=actor,
                branch=args.branch,
                allow_outside=args.outside,
                dry_run=args.dry_run,
            )
        except (ImportFileError, MemberError) as exc:
            raise CommandError(str(exc)) from None
    for row in report.accepted:
        ctx.emit(
            {
                "row": row.row,
                "name": row.name,
                "id_number": row.id_masked,
                "branch": row.branch,
                "verdict": row.verdict,
            }
        )
    for rejected in report.rejected:
        ctx.emit({"row": rejected.row, "rejected": rejected.reason})
    ctx.emit(
        {
            "file": report.file,
            "accepted": len(report.accepted),
            "rejected": len(report.rejected),
            "written": report.written,
        }
    )
    return 0
