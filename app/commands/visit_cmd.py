"""``yichuang visit add|due|list|month``: home visits (走访) from a script. With ``--user`` a grid
worker records, lists and sees who is due in their own grids only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.commands.context import CommandError
from app.commands.wish_cmd import _day, _open, _photo


def _month(text: str) -> tuple[int, int]:
    try:
        day = dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise CommandError(f"月份“{text}”无效，请写成 2026-11") from None
    return day.year, day.month


def register(subparsers) -> None:
    visit = subparsers.add_parser("visit", help="走访 / home visits by grid workers")
    actions = visit.add_subparsers(dest="visit_action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="登记走访 / record a visit (a problem becomes a grid case)")
    add.add_argument("--id", required=True, dest="id_number", metavar="ID", help="the visited resident")
    add.add_argument("--household", action="store_true", help="the visit was to the whole household")
    add.add_argument("--date", type=_day, default=None, metavar="DATE", help="default: today")
    add.add_argument("--way", default="入户", choices=["入户", "电话", "微信"])
    add.add_argument("--found", default="", help="what was found")
    add.add_argument("--photo", type=Path, metavar="FILE")
    add.add_argument("--problem", default="", help="a problem to report as a grid case (网格上报)")
    add.set_defaults(handler=run_add)

    due = actions.add_parser("due", help="待访 / residents due or overdue a visit (JSON lines)")
    due.add_argument("--within", type=int, default=7, metavar="DAYS", help="due within this many days")
    due.add_argument("--overdue", action="store_true", help="only overdue and never visited")
    due.set_defaults(handler=run_due)

    listing = actions.add_parser("list", help="走访记录 / visits as JSON lines")
    listing.add_argument("--since", type=_day, metavar="DATE")
    listing.add_argument("--until", type=_day, metavar="DATE")
    listing.add_argument("--visitor", default="", help="only this grid worker's visits")
    listing.set_defaults(handler=run_list)

    month = actions.add_parser("month", help="应访/已访 / the month's visits due and made, per grid")
    month.add_argument("--month", type=_month, metavar="YYYY-MM", help="default: this month")
    month.set_defaults(handler=run_month)

    rules = actions.add_parser("rules", help="走访周期 / how often residents of each tag are visited")
    rules.add_argument(
        "--set", nargs=2, metavar=("TAG", "DAYS"), help="set a tag's interval (DAYS 0: remove)"
    )
    rules.set_defaults(handler=run_rules)

    for parser in (add, due, listing, month, rules):
        parser.add_argument("--user", help="staff account (a grid worker: their grids)")


def run_add(args, ctx) -> int:
    from app.services.admin.permissions import NotPermitted
    from app.services.admin.scope import scope_for
    from app.services.cases.grid_report import GridReportError
    from app.services.engage.visits import NewVisit, VisitError, record_visit
    from app.services.engage.wishes import WishError, resident_for

    photo = _photo(args.photo)
    today = dt.date.today()
    db, actor = _open(args, ctx)
    visit = NewVisit(args.date or today, args.way, args.found, photo, args.problem)
    try:
        with db.sessions.begin() as session:
            scope = scope_for(session, args.user)
            resident = resident_for(session, args.id_number, scope)
            recorded = record_visit(
                session,
                resident,
                visit,
                actor=actor,
                whole_household=args.household,
                scope=scope,
                today=today,
            )
    except (VisitError, WishError, GridReportError, NotPermitted) as exc:
        raise CommandError(str(exc)) from None
    ctx.emit(
        {
            "visit_id": recorded.visit_id,
            "visited_on": visit.visited_on.isoformat(),
            "case_no": recorded.case_no,
        }
    )
    return 0


def run_due(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.engage.visit_due import due_visits

    db, actor = _open(args, ctx)
    with db.sessions.begin() as session:
        rows = due_visits(
            session,
            today=dt.date.today(),
            scope=scope_for(session, args.user),
            within_days=max(0, args.within),
            overdue_only=args.overdue,
        )
        audit.record_list(session, actor=actor, action="export", shown=len(rows), what="导出待走访名单")
    ctx.emit_lines(row.as_json() for row in rows)
    return 0


def run_list(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.engage.visits import list_visits

    db, actor = _open(args, ctx)
    with db.sessions.begin() as session:
        rows = list_visits(
            session,
            scope=scope_for(session, args.user),
            since=args.since,
            until=args.until,
            visitor=args.visitor,
        )
        audit.record_list(session, actor=actor, action="export", shown=len(rows), what="导出走访记录")
    ctx.emit_lines(row.as_json() for row in rows)
    return 0


def run_month(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.engage.visit_due import month_table

    today = dt.date.today()
    year, month = args.month or (today.year, today.month)
    db, _actor = _open(args, ctx)
    with db.sessions() as session:
        rows = month_table(session, year, month, scope=scope_for(session, args.user))
    ctx.emit_lines({"month": f"{year}-{month:02d}", **row.as_json()} for row in rows)
    return 0


def run_rules(args, ctx) -> int:
    from app.services.admin.permissions import NotPermitted, require
    from app.services.common import audit
    from app.services.engage.visit_due import RuleError, set_visit_rule, visit_rules

    db, actor = _open(args, ctx)
    try:
        with db.sessions.begin() as session:
            if args.set:
                tag, days_text = args.set
                if not days_text.isdigit():
                    raise CommandError(f"天数“{days_text}”无效，请写整数")
                require(session, actor, "account.manage")  # a centre setting: administrators only
                days = int(days_text)
                set_visit_rule(session, tag, days or None)
                audit.record(
                    session,
                    actor=actor,
                    action="visit_rule",
                    subject=tag,
                    detail=f"{days}天" if days else "删除",
                )
            rows = visit_rules(session)
    except (RuleError, NotPermitted) as exc:
        raise CommandError(str(exc)) from None
    ctx.emit_lines({"tag": r.tag_code, "name": r.tag_name, "every_days": r.every_days} for r in rows)
    return 0
