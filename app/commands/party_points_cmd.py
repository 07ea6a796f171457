"""``yichuang party points``: 党员积分. A member's points with every line, points given by hand
(reason and approver) and withdrawn when given in error, a branch's ranking with the proposed grades, the branch's decision, the
year's 评定表 as PDF or .xlsx, and the centre's rules. Registered by party_cmd under ``party``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.commands.acting import scope_and_actor
from app.commands.context import CommandError


def add_group(groups) -> None:
    group = groups.add_parser("points", help="党员积分 / member points and the year-end grades")
    actions = group.add_subparsers(dest="points_action", metavar="ACTION", required=True)
    this_year = dt.date.today().year
    show = actions.add_parser("show", help="a member's points for a year, line by line")
    show.add_argument("member", type=int, help="党员编号（party member list）")
    show.add_argument("--year", type=int, default=this_year)
    show.set_defaults(handler=run_show)
    add = actions.add_parser("add", help="give or take points by hand, with the reason and the approver")
    add.add_argument("member", type=int)
    add.add_argument("--points", type=float, required=True, help="正数加分，负数减分")
    add.add_argument("--reason", required=True)
    add.add_argument("--approver", required=True, help="审批人账号（须有审批党员积分的权限）")
    add.add_argument("--date", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD, default today")
    add.set_defaults(handler=run_add)
    withdraw = actions.add_parser(
        "withdraw", help="withdraw points given by hand in error (kept on record, no longer counted)"
    )
    withdraw.add_argument("entry", type=int, help="手工加减分记录编号（points show: entry）")
    withdraw.add_argument("--reason", required=True, help="撤销事由")
    withdraw.add_argument("--approver", required=True, help="审批人账号（须有审批党员积分的权限）")
    withdraw.set_defaults(handler=run_withdraw)
    rank = actions.add_parser("rank", help="a branch's members by points, with the proposed grades")
    rank.add_argument("branch", type=int, help="网格党支部编号（party org list）")
    rank.add_argument("--year", type=int, default=this_year)
    rank.set_defaults(handler=run_rank)
    grade = actions.add_parser("grade", help="record the grade the branch decided for a member")
    grade.add_argument("member", type=int)
    grade.add_argument(
        "grade", help="优秀、合格、基本合格、不合格 (or excellent, qualified, basic, unqualified)"
    )
    grade.add_argument("--year", type=int, default=this_year)
    grade.add_argument("--note", default="", help="评议意见（基本合格、不合格时必填）")
    grade.set_defaults(handler=run_grade)
    sheet = actions.add_parser("sheet", help="the branch's 党员评定表 as PDF (.pdf) or workbook (.xlsx)")
    sheet.add_argument("branch", type=int)
    sheet.add_argument("--year", type=int, default=this_year)
    sheet.add_argument("--out", required=True, help="文件名，以 .pdf 或 .xlsx 结尾")
    sheet.set_defaults(handler=run_sheet)
    rules = actions.add_parser("rules", help="the centre's point rules and grading rule")
    rules.set_defaults(handler=run_rules)
    rule = actions.add_parser("rule", help="change one rule's figures, or switch it on or off")
    rule.add_argument("code")
    rule.add_argument("--points", type=float)
    rule.add_argument("--per", type=float)
    rule.add_argument("--cap", type=float)
    rule.add_argument("--no-cap", action="store_true")
    switch = rule.add_mutually_exclusive_group()
    switch.add_argument("--enable", dest="enabled", action="store_const", const=True)
    switch.add_argument("--disable", dest="enabled", action="store_const", const=False)
    rule.set_defaults(handler=run_rule)
    for parser in (show, add, withdraw, rank, grade, sheet, rules, rule):
        parser.add_argument("--user", help="staff user (scope, rights and audit log)")


def _run(ctx, work):
    """``work(session)`` in one transaction; the services' refusals become one sentence."""
    from app.services.admin.permissions import NotPermitted
    from app.services.party.members import MemberError

    try:
        with ctx.db().sessions.begin() as session:
            return work(session)
    except (MemberError, NotPermitted) as exc:
        raise CommandError(str(exc)) from None


def run_show(args, ctx) -> int:
    from app.services.party.points import member_points

    def work(session):
        scope, actor = scope_and_actor(session, args.user)
        return member_points(session, args.member, args.year, scope=scope, actor=actor)

    points = _run(ctx, work)
    for line in points.lines:
        shown = {"date": line.on.isoformat(), "rule": line.rule, "what": line.what, "points": line.points}
        ctx.emit(shown if line.entry_id is None else {**shown, "entry": line.entry_id})
    ctx.emit(
        {
            "member": points.member_id,
            "name": points.name,
            "id_number": points.id_masked,
            "branch": points.branch,
            "group": points.group,
            "year": points.year,
            "total": points.total,
            "unexcused_absences": points.unexcused,
            "by_rule": points.by_rule(),
        }
    )
    return 0


def run_add(args, ctx) -> int:
    from app.services.party.points import add_entry

    def work(session):
        scope, actor = scope_and_actor(session, args.user)
        return add_entry(
            session,
            args.member,
            points=args.points,
            reason=args.reason,
            approver=args.approver,
            on=args.date or dt.date.today(),
            scope=scope,
            actor=actor,
        )

    ctx.emit(_entry_json(_run(ctx, work)))
    return 0


def run_withdraw(args, ctx) -> int:
    from app.services.party.points import withdraw_entry

    def work(session):
        scope, actor = scope_and_actor(session, args.user)
        return withdraw_entry(
            session,
            args.entry,
            reason=args.reason,
            approver=args.approver,
            on=dt.date.today(),
            scope=scope,
            actor=actor,
        )

    ctx.emit({**_entry_json(_run(ctx, work)), "withdrawn": True})
    return 0


def _entry_json(row) -> dict:
    return {
        "entry": row.entry_id,
        "member": row.member_id,
        "name": row.name,
        "date": row.on.isoformat(),
        "points": row.points,
        "reason": row.reason,
        "approver": row.approved_by,
    }


def _row_json(row) -> dict:
    return {
        "member": row.member_id,
        "name": row.name,
        "id_number": row.id_masked,
        "group": row.group,
        "place": row.place,
        "of": row.of,
        "points": row.points,
        "unexcused_absences": row.unexcused,
        "proposed": row.proposed,
        "why": row.why,
        "decided": row.decided,
        "decided_by": row.decided_by,
        "note": row.note,
    }


def run_rank(args, ctx) -> int:
    from app.services.party.point_grades import branch_year

    def work(session):
        scope, actor = scope_and_actor(session, args.user)
        return branch_year(session, args.branch, args.year, scope=scope, actor=actor)

    for row in _run(ctx, work).rows:
        ctx.emit(_row_json(row))
    return 0


def run_grade(args, ctx) -> int:
    from app.services.party.point_grades import decide_grade

    def work(session):
        scope, actor = scope_and_actor(session, args.user)
        return decide_grade(
            session, args.member, args.year, args.grade, note=args.note, scope=scope, actor=actor
        )

    ctx.emit(_row_json(_run(ctx, work)))
    return 0


def run_sheet(args, ctx) -> int:
    from app.services.admin.centre import CentreNotConfigured, centre_name, current_community
    from app.services.party.point_grades import branch_year

    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".xlsx"):
        raise CommandError("评定表只能保存为 .pdf 或 .xlsx 文件")

    def work(session):
        scope, actor = scope_and_actor(session, args.user)
        record = branch_year(session, args.branch, args.year, scope=scope, actor=actor, purpose="党员评定表")
        try:
            centre = centre_name(current_community(session))
        except CentreNotConfigured:  # no centre chosen yet (a street-wide demo database)
            centre = "党群服务中心"
        return record, centre, actor

    record, centre, actor = _run(ctx, work)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".xlsx":
        from app.services.party.point_sheet import write_sheet_xlsx

        write_sheet_xlsx(out, record, made_by=actor)
    else:
        from app.printing.documents.party_grades import render_grade_sheet

        out.write_bytes(render_grade_sheet(record, centre_name=centre, made_by=actor))
    ctx.emit({"branch": record.branch, "year": record.year, "members": len(record.rows), "file": str(out)})
    return 0


def run_rules(args, ctx) -> int:
    from app.services.party.point_rules import grading, point_rules
    from app.services.party.point_sources import SOURCES

    def work(session):
        return point_rules(session), grading(session)

    rules, rule = _run(ctx, work)
    for r in rules:
        ctx.emit(
            {
                "code": r.code,
                "name": r.name,
                "source": r.source,
                "points": r.points,
                "per": r.per,
                "unit": r.unit,
                "cap": r.cap,
                "enabled": r.enabled,
                "source_available": r.source in SOURCES,
                "rule": r.wording,
            }
        )
    ctx.emit({"grading": rule.wording})
    return 0


def run_rule(args, ctx) -> int:
    from app.services.party.point_rules import change_rule

    def work(session):
        _, actor = scope_and_actor(session, args.user)
        return change_rule(
            session,
            args.code,
            actor=actor,
            points=args.points,
            per=args.per,
            cap=args.cap,
            no_cap=args.no_cap,
            enabled=args.enabled,
        )

    r = _run(ctx, work)
    ctx.emit({"code": r.code, "name": r.name, "enabled": r.enabled, "rule": r.wording})
    return 0
