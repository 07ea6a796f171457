"""``yichuang case measure|responsible|result|mode|evaluate|escalate|assign|sheet``: 四单三办三评,
escalation and dispatch to grid staff from a script, with the same rules as the desk.

Each step is one transaction and prints one JSON line (the case number, the event written and
the case's status) after the commit. With ``--user`` the account's role and grids apply: a grid
worker reaches only the cases of their grids.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from app.commands.context import CommandError, writable_target


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def add_actions(actions) -> None:
    """Add the handling steps to ``yichuang case``'s subcommands."""

    def step(name: str, helptext: str, handler) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=helptext)
        parser.add_argument("case_no", metavar="CASE", help="case number")
        parser.add_argument("--user", help="staff account taking the step (default: the OS account)")
        parser.set_defaults(handler=handler)
        return parser

    measure = step("measure", "措施单 / add a measure, or --done N to mark one done", run_measure)
    measure.add_argument("--text", default="", help="the measure")
    measure.add_argument("--owner", default="", help="who carries it out")
    measure.add_argument("--planned", type=_date, metavar="DATE", help="planned completion date")
    measure.add_argument("--done", type=int, metavar="N", help="mark measure N (1, 2, …) done")
    measure.add_argument("--date", type=_date, metavar="DATE", help="the day it was done (default today)")
    responsible = step("responsible", "责任单 / add a responsible unit and person", run_responsible)
    responsible.add_argument("--unit", required=True)
    responsible.add_argument("--person", required=True)
    responsible.add_argument("--phone", default="")
    result = step("result", "结果单 / record the result", run_result)
    result.add_argument("--text", required=True)
    mode = step("mode", "办理方式 / 自办, 联办 or 督办", run_mode)
    mode.add_argument("mode", choices=["自办", "联办", "督办", "self", "joint", "supervised"])
    mode.add_argument("--note", default="")
    evaluate = step("evaluate", "评价 / the community's or the street's evaluation", run_evaluate)
    evaluate.add_argument("--by", required=True, choices=["community", "street"])
    evaluate.add_argument("--evaluation", required=True, help="优秀、良好、一般 or 较差")
    evaluate.add_argument("--note", default="")
    escalate = step("escalate", "吹哨上报 / escalate to a target (see escalation-targets)", run_escalate)
    escalate.add_argument("--target", required=True, help="an escalation target's name")
    escalate.add_argument("--reason", required=True)
    escalate.add_argument("--requested", type=_date, metavar="DATE", help="answer requested by")
    assign = step("assign", "指派 / assign to a grid worker of the case's grid", run_assign)
    assign.add_argument("--to", required=True, metavar="USER", help="the grid worker's account")
    assign.add_argument("--note", default="")
    sheet = step("sheet", "办理单 / the case's 四单三办三评 (and --out PDF to print it)", run_sheet)
    sheet.add_argument("--out", type=Path, metavar="PDF", help="write the 办理单 to this file")


def _run(args, ctx, step, *, permission: str = "") -> int:
    """Load the case within the account's scope, take ``step(session, case, actor)``, commit, print."""
    from app.services.admin import auth
    from app.services.admin.permissions import NotPermitted, require
    from app.services.admin.scope import scope_for
    from app.services.cases.search import get_case
    from app.services.cases.workflow import WorkflowError, status_name
    from app.services.common import audit

    db = ctx.db()
    actor = audit.cli_actor(args.user)
    try:
        with db.sessions.begin() as session:
            if args.user and auth.find_user(session, args.user) is None:
                raise CommandError(f"用户“{args.user}”不存在")
            require(session, actor, "case.view")
            if permission:
                require(session, actor, permission)
            case = get_case(session, args.case_no, scope_for(session, args.user))
            if case is None:
                raise CommandError(f"找不到办件 {args.case_no}")
            event = step(session, case, actor)
            line = {
                "case_no": case.case_no,
                "action": event.action,
                "status": case.status,
                "status_name": status_name(case.status),
                "data": event.data,
            }
    except (WorkflowError, NotPermitted) as exc:
        raise CommandError(str(exc)) from None
    ctx.emit(line)
    return 0


def run_measure(args, ctx) -> int:
    from app.services.cases import handling

    if args.done is not None:
        day = args.date or dt.date.today()
        return _run(
            args, ctx, lambda s, case, actor: handling.finish_measure(case, args.done, done=day, actor=actor)
        )
    return _run(
        args,
        ctx,
        lambda s, case, actor: handling.add_measure(
            case, args.text, owner=args.owner, planned=args.planned, actor=actor, today=dt.date.today()
        ),
    )


def run_responsible(args, ctx) -> int:
    from app.services.cases import handling

    return _run(
        args,
        ctx,
        lambda s, case, actor: handling.add_responsible(
            case, unit=args.unit, person=args.person, phone=args.phone, actor=actor
        ),
    )


def run_result(args, ctx) -> int:
    from app.services.cases import handling

    return _run(args, ctx, lambda s, case, actor: handling.record_result(case, args.text, actor=actor))


def run_mode(args, ctx) -> int:
    from app.services.cases import handling

    return _run(
        args, ctx, lambda s, case, actor: handling.set_mode(case, args.mode, actor=actor, note=args.note)
    )


def run_evaluate(args, ctx) -> int:
    from app.services.cases import handling

    return _run(
        args,
        ctx,
        lambda s, case, actor: handling.evaluate_unit(
            case, args.by, args.evaluation, actor=actor, note=args.note
        ),
        permission="case.evaluate_unit",
    )


def run_escalate(args, ctx) -> int:
    from app.services.cases import escalation

    return _run(
        args,
        ctx,
        lambda s, case, actor: escalation.escalate(
            s,
            case,
            args.target,
            reason=args.reason,
            requested=args.requested,
            actor=actor,
            today=dt.date.today(),
        ),
    )


def run_assign(args, ctx) -> int:
    from app.services.cases import escalation

    return _run(
        args,
        ctx,
        lambda s, case, actor: escalation.assign(s, case, args.to, actor=actor, note=args.note),
        permission="case.assign",
    )


def run_sheet(args, ctx) -> int:
    from app.services.admin import auth
    from app.services.admin.scope import scope_for
    from app.services.cases.handling import handling_sheet, sheet_json
    from app.services.common import audit

    if args.out:
        writable_target(args.out)
    actor = audit.cli_actor(args.user)
    with ctx.db().sessions.begin() as session:
        if args.user and auth.find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")
        sheet = handling_sheet(session, args.case_no, scope_for(session, args.user))
        if sheet is None:
            raise CommandError(f"找不到办件 {args.case_no}")
        line = sheet_json(sheet)
        if args.out:
            from app.printing.documents.handling_sheet import write_handling_sheet

            try:
                line["pdf"] = str(write_handling_sheet(session, args.case_no, args.out, actor=actor))
            except OSError as exc:
                raise CommandError(
                    f"办理单未能写入 {args.out}：{exc.strerror or type(exc).__name__}"
                ) from None
        else:
            audit.record(session, actor=actor, action="lookup", subject=args.case_no, purpose="查看办理单")
    ctx.emit(line)
    return 0
