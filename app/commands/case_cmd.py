"""``yichuang case accept`` and ``yichuang cases``: intake and the case list from a script."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.commands import case_handling_cmd
from app.commands.context import CommandError, writable_target
from app.services.cases.workflow import STATUSES
from app.services.common.os_errors import os_reason


def register(subparsers) -> None:
    case = subparsers.add_parser("case", help="办件 / one case")
    actions = case.add_subparsers(dest="case_action", metavar="ACTION", required=True)
    accept = actions.add_parser("accept", help="受理 / accept a case at the window (same rules as the desk)")
    accept.add_argument(
        "--item", required=True, metavar="CODE", help="service item code (see yichuang catalogue)"
    )
    accept.add_argument(
        "--id", required=True, dest="id_number", metavar="ID", help="the applicant's ID number"
    )
    accept.add_argument("--user", help="staff user who takes the case (first responder)")
    accept.add_argument(
        "--agent-id", metavar="ID", help="ID number of an agent applying on the resident's behalf"
    )
    accept.add_argument("--agent-name", metavar="NAME", help="the agent's name (required with --agent-id)")
    accept.add_argument("--agent-phone", metavar="PHONE", default="")
    accept.add_argument(
        "--material",
        action="append",
        metavar="TEXT",
        help="a material received (repeat); default: every material the item requires",
    )
    accept.add_argument("--phone", default="", help="contact phone, if not the one on record")
    accept.add_argument("--note", default="")
    accept.add_argument(
        "--receipt", type=Path, metavar="PDF", help="also write the receipt (受理回执) to this file"
    )
    accept.set_defaults(handler=run_accept)
    case_handling_cmd.add_actions(actions)

    report = actions.add_parser(
        "report", help="网格上报 / a problem found in a grid, a case with no applicant"
    )
    report.add_argument("--grid", required=True, metavar="CODE", help="the grid's code")
    report.add_argument("--text", required=True, help="the problem found")
    report.add_argument("--address", default="", help="where, if not the whole grid")
    report.add_argument("--user", help="staff user who reports it (default: the OS account)")
    report.set_defaults(handler=run_report)

    listing = subparsers.add_parser("cases", help="办件列表 / cases as JSON lines")
    listing.add_argument("--status", action="append", choices=sorted(STATUSES), help="repeatable")
    listing.add_argument("--overdue", action="store_true", help="only cases past their promised date")
    listing.add_argument("--supervised", action="store_true", help="only cases under supervision (督办)")
    listing.add_argument("--mine", action="store_true", help="only cases assigned to --user (指派给我)")
    listing.add_argument("--search", default="", help="case number, applicant name or hotline order number")
    listing.add_argument("--limit", type=int, default=5000)
    listing.add_argument("--user", help="staff user the listing is recorded for (default: the OS account)")
    listing.set_defaults(handler=run_list)


def run_accept(args, ctx) -> int:
    from app.services.admin import auth
    from app.services.cases.accept import INTAKE_ERRORS, IntakeRequest, record_intake
    from app.services.cases.intake import Agent
    from app.services.common import audit

    if bool(args.agent_id) != bool(args.agent_name):
        raise CommandError("代办须同时提供 --agent-id 和 --agent-name")
    if args.receipt:
        writable_target(args.receipt)
    db = ctx.db()
    if args.user:
        with db.sessions() as session:
            if auth.find_user(session, args.user) is None:
                raise CommandError(f"用户“{args.user}”不存在")
    actor = audit.cli_actor(args.user)
    request = IntakeRequest(
        id_number=args.id_number,
        item_code=args.item,
        actor=actor,
        materials_received=args.material,
        agent=Agent(args.agent_name, args.agent_id, args.agent_phone) if args.agent_id else None,
        phone=args.phone,
        note=args.note,
        audit_lookup=True,
    )
    try:
        case = record_intake(db.sessions, request)
    except INTAKE_ERRORS as exc:
        raise CommandError(str(exc)) from None
    # The transaction is committed (synchronous=FULL): only now is the number given out.
    result = {"case_no": case.case_no, "status": case.status}
    if args.material is None:  # the desk asks; a script that says nothing is taken at its word
        result["materials"] = "未给出 --material：按所需材料全部收齐受理"
    if args.receipt:
        from app.printing.documents.cases import write_case_document

        try:
            with db.sessions.begin() as session:
                path = write_case_document(session, case.case_no, args.receipt, actor=actor)
        except OSError as exc:  # stored all the same: say so, with its number, and a code of its own
            result["receipt_error"] = f"受理回执未能写入 {args.receipt}：{os_reason(exc)}"
            ctx.emit(result)
            return 3
        result["receipt"] = str(path)
    ctx.emit(result)
    return 0


def run_list(args, ctx) -> int:
    from app.services.admin import auth
    from app.services.admin.scope import scope_for
    from app.services.cases.search import CaseFilter, find_cases
    from app.services.common import audit

    if args.mine and not args.user:
        raise CommandError("--mine 须与 --user 一起使用")
    flt = CaseFilter(
        assigned_to=args.user if args.mine else "",
        statuses=args.status or [],
        overdue_only=args.overdue,
        supervised_only=args.supervised,
        text=args.search,
        limit=args.limit,
    )
    with ctx.db().sessions.begin() as session:
        if args.user and auth.find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")
        rows = find_cases(session, flt, today=dt.date.today(), scope=scope_for(session, args.user))
        # The lines name applicants and leave the program: written to the log with the read.
        audit.record_list(
            session,
            actor=audit.cli_actor(args.user),
            action="export",
            shown=len(rows),
            what="导出办件列表",
            search=args.search,
        )
    ctx.emit_lines(row.as_json() for row in rows)
    return 0


def run_report(args, ctx) -> int:
    from app.services.admin import auth
    from app.services.admin.permissions import NotPermitted
    from app.services.admin.scope import scope_for
    from app.services.cases.grid_report import GridReportError, find_grid, report_grid_case
    from app.services.common import audit

    db = ctx.db()
    try:
        with db.sessions.begin() as session:
            if args.user and auth.find_user(session, args.user) is None:
                raise CommandError(f"用户“{args.user}”不存在")
            scope = scope_for(session, args.user)
            grid = find_grid(session, args.grid, scope)
            case = report_grid_case(
                session,
                grid,
                text=args.text,
                address=args.address,
                actor=audit.cli_actor(args.user),
                scope=scope,
            )
            result = {
                "case_no": case.case_no,
                "status": case.status,
                "grid": grid.code,
                "due_date": case.due_date,
            }
    except (GridReportError, NotPermitted) as exc:
        raise CommandError(str(exc)) from None
    ctx.emit(result)
    return 0
