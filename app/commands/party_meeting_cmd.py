"""``yichuang party meeting``: 三会一课 and 主题党日 records, check-in by ID number, and the
branches that held no meeting last month. Registered by party_cmd under ``party``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.commands.acting import scope_and_actor
from app.commands.context import CommandError


def add_group(groups) -> None:
    group = groups.add_parser("meeting", help="组织生活 / branch meetings")
    actions = group.add_subparsers(dest="meeting_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="record a held meeting (--planned: a planned one)")
    add.add_argument("branch", type=int, help="网格党支部编号（party org list）")
    add.add_argument(
        "--kind", required=True, choices=["general", "committee", "group", "lecture", "theme_day"]
    )
    add.add_argument("--date", type=dt.date.fromisoformat, required=True)
    add.add_argument("--topic", required=True)
    add.add_argument("--place", default="")
    add.add_argument("--minutes", default="")
    add.add_argument("--decisions", default="")
    add.add_argument("--host", default="", help="主持人")
    add.add_argument("--recorder", default="", help="记录人")
    add.add_argument("--planned", action="store_true")
    add.set_defaults(handler=run_add)
    check = actions.add_parser("check-in", help="a member checks in by ID number")
    check.add_argument("meeting", type=int)
    check.add_argument("id_number", metavar="ID")
    check.set_defaults(handler=run_check_in)
    absent = actions.add_parser("absent", help="a member is absent, with the reason")
    absent.add_argument("meeting", type=int)
    absent.add_argument("member", type=int)
    absent.add_argument("--reason", required=True)
    absent.set_defaults(handler=run_absent)
    missing = actions.add_parser(
        "missing", help="branches that held no meeting in a month (default: last month)"
    )
    missing.add_argument("--month", help="YYYY-MM")
    missing.set_defaults(handler=run_missing)
    minutes = actions.add_parser("minutes", help="a meeting's 会议记录 as an A4 PDF")
    minutes.add_argument("meeting", type=int)
    minutes.add_argument("--out", required=True)
    minutes.set_defaults(handler=run_minutes)
    export = actions.add_parser("export", help="a branch's meetings of a year as an .xlsx")
    export.add_argument("branch", type=int, help="网格党支部编号（party org list）")
    export.add_argument("--year", type=int, default=dt.date.today().year)
    export.add_argument("--xlsx", required=True)
    export.set_defaults(handler=run_export)
    for parser in (add, check, absent, missing, minutes, export):
        parser.add_argument("--user", help="staff user (scope and audit log)")


def _run(ctx, work):
    from app.services.party.members import MemberError
    from app.services.population.lookup import LookupFailed, keeping_refusals

    try:
        return keeping_refusals(ctx.db().sessions, work)
    except (MemberError, LookupFailed) as exc:
        raise CommandError(str(exc)) from None


def run_add(args, ctx) -> int:
    from app.services.party.meetings import record_meeting

    def work(session):
        scope, actor = scope_and_actor(session, args.user)
        return record_meeting(
            session,
            args.branch,
            kind=args.kind,
            held_on=args.date,
            topic=args.topic,
            place=args.place,
            held=not args.planned,
            minutes=args.minutes,
            decisions=args.decisions,
            host=args.host,
            recorder=args.recorder,
            scope=scope,
            actor=actor,
        )

    row = _run(ctx, work)
    ctx.emit(
        {
            "id": row.id,
            "branch": row.branch,
            "kind": row.kind,
            "date": row.held_on.isoformat(),
            "topic": row.topic,
            "held": row.held,
        }
    )
    return 0


def run_check_in(args, ctx) -> int:
    from app.services.party.meetings import check_in

    def work(session):
        scope, actor = scope_and_actor(session, args.user)
        return check_in(session, args.meeting, args.id_number, scope=scope, actor=actor)

    ctx.emit({"meeting": args.meeting, "checked_in": _run(ctx, work)})
    return 0


def run_absent(args, ctx) -> int:
    from app.services.party.meetings import mark_absent

    def work(session):
        scope, actor = scope_and_actor(session, args.user)
        mark_absent(session, args.meeting, args.member, args.reason, scope=scope, actor=actor)

    _run(ctx, work)
    ctx.emit({"meeting": args.meeting, "member": args.member, "absent": args.reason})
    return 0


def run_missing(args, ctx) -> int:
    from app.services.party.meetings import branches_without_meeting, last_month

    try:
        month = dt.date.fromisoformat(args.month + "-01") if args.month else last_month(dt.date.today())
    except ValueError:
        raise CommandError("月份格式应为 YYYY-MM") from None
    with ctx.db().sessions() as session:
        scope, _ = scope_and_actor(session, args.user)
        rows = branches_without_meeting(session, month, scope=scope)
    for row in rows:
        ctx.emit(
            {"branch_id": row.branch_id, "branch": row.branch, "grid": row.grid_code, "month": row.month}
        )
    return 0


def run_minutes(args, ctx) -> int:
    from app.printing.documents.meeting_minutes import render_minutes
    from app.services.admin.centre import CentreNotConfigured, centre_name, current_community
    from app.services.party.meeting_photos import photo_files
    from app.services.party.meeting_records import meeting_record

    def work(session):
        scope, actor = scope_and_actor(session, args.user)
        record = meeting_record(session, args.meeting, scope=scope, actor=actor)
        try:
            centre = centre_name(current_community(session))
        except CentreNotConfigured:  # a street-wide demo database has no centre chosen
            centre = "党群服务中心"
        return record, photo_files(session, record.id), centre

    record, photos, centre = _run(ctx, work)
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_minutes(record, photos, centre_name=centre))
    ctx.emit(
        {
            "meeting": record.id,
            "branch": record.branch,
            "present": len(record.present),
            "absent": len(record.absent),
            "photos": len(photos),
            "out": str(path),
        }
    )
    return 0


def run_export(args, ctx) -> int:
    from app.services.party.meeting_export import export_meetings

    path = Path(args.xlsx)
    path.parent.mkdir(parents=True, exist_ok=True)

    def work(session):
        scope, actor = scope_and_actor(session, args.user)
        return export_meetings(session, args.branch, args.year, path, scope=scope, actor=actor)

    ctx.emit({"branch": args.branch, "year": args.year, "meetings": _run(ctx, work), "out": str(path)})
    return 0
