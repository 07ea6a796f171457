"""``yichuang meeting``: 议事 records (联合议事厅, 居民议事会, 联席会, 长板凳议事, 四议两公开) — a meeting,
the 四议两公开 steps, the decision with its vote, the result, the cases and wishes it answers (a case
sent for joint handling, 共商共办, with --joint), the list as JSON lines and the public notice as a
PDF. The branches' own meetings (三会一课) are ``yichuang party meeting``."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from app.commands.context import CommandError, writable_target
from app.commands.unit_cmd import day


def _code(table: dict[str, str], what: str):
    """A choice given as its code (four_two) or its Chinese name (四议两公开)."""

    def parse(text: str) -> str:
        for code, name in table.items():
            if text in (code, name):
                return code
        raise argparse.ArgumentTypeError(f"{what}“{text}”不存在，可用：{'、'.join(table.values())}")

    return parse


def register(subparsers) -> None:
    from app.models import DELIBERATION_KINDS, FOUR_TWO_STEPS

    meeting = subparsers.add_parser("meeting", help="议事 / deliberation meetings and their public notice")
    actions = meeting.add_subparsers(dest="meeting_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="登记议事 / record a meeting")
    add.add_argument("--kind", required=True, type=_code(DELIBERATION_KINDS, "议事形式"),
                     help="joint_hall 联合议事厅, council 居民议事会, joint_meeting 联席会, bench 长板凳议事, four_two 四议两公开")  # fmt: skip
    add.add_argument("--topic", required=True)
    add.add_argument("--convenor", required=True, help="召集人")
    add.add_argument("--date", required=True, type=day, metavar="DATE")
    add.add_argument("--place", default="")
    add.add_argument("--attendee", action="append", default=[], metavar="TEXT",
                     help="one attendee, as 张建国（居民代表） or 区住建局（共建单位）; repeat")  # fmt: skip
    add.add_argument("--opinions", default="", help="各方意见")
    add.add_argument(
        "--grid", default="", metavar="CODE", help="the grid it concerns (default: the community)"
    )
    add.set_defaults(handler=run_add)
    step = actions.add_parser("step", help="四议两公开的下一步 / the next of the six steps, dated")
    step.add_argument("meeting_no")
    step.add_argument("step", type=_code(FOUR_TWO_STEPS, "步骤"), help="propose, discuss, review, resolve, "
                      "publish_decision, publish_result (or the Chinese name)")  # fmt: skip
    step.add_argument("--date", type=day, metavar="DATE", help="default: today")
    step.add_argument("--note", default="")
    _vote_options(step, required=False)
    step.add_argument("--result", default="", help="实施结果 (for publish_result)")
    step.set_defaults(handler=run_step)
    decide = actions.add_parser("decide", help="决议 / the decision and its vote")
    decide.add_argument("meeting_no")
    decide.add_argument("--date", type=day, metavar="DATE", help="default: today")
    _vote_options(decide, required=True)
    decide.set_defaults(handler=run_decide)
    result = actions.add_parser("result", help="实施结果 / what came of the decision")
    result.add_argument("meeting_no")
    result.add_argument("--result", required=True)
    result.add_argument("--date", type=day, metavar="DATE", help="default: today")
    result.set_defaults(handler=run_result)
    link = actions.add_parser("link", help="关联办件或心愿 / the case or wish the meeting answers")
    link.add_argument("meeting_no")
    target = link.add_mutually_exclusive_group(required=True)
    target.add_argument("--case", metavar="CASE_NO")
    target.add_argument("--wish", metavar="WISH_NO")
    link.add_argument(
        "--joint", action="store_true", help="共商共办: the case is sent here for joint handling (联办)"
    )
    link.set_defaults(handler=run_link)
    listing = actions.add_parser("list", help="议事记录 / meetings as JSON lines")
    listing.add_argument("--year", type=int)
    listing.add_argument("--kind", type=_code(DELIBERATION_KINDS, "议事形式"))
    listing.add_argument("--search", default="", help="number, topic or decision")
    listing.add_argument("--case", default="", metavar="CASE_NO", help="the meetings a case went to")
    listing.set_defaults(handler=run_list)
    notice = actions.add_parser("notice", help="公示 / the decision and result as an A4 notice")
    notice.add_argument("meeting_no")
    notice.add_argument("--out", required=True, type=Path, metavar="PDF")
    notice.set_defaults(handler=run_notice)
    for parser in (add, step, decide, result, link, listing, notice):
        parser.add_argument("--user", help="staff account acting (default: the OS account)")


def _vote_options(parser, *, required: bool) -> None:
    parser.add_argument("--decision", required=required, default="", help="决议内容")
    parser.add_argument("--for", dest="votes_for", type=int, default=None, metavar="N", help="同意票数")
    parser.add_argument("--against", type=int, default=0, metavar="N", help="反对票数")
    parser.add_argument("--abstain", type=int, default=0, metavar="N", help="弃权票数")


def _vote(args):
    from app.services.engage.deliberations import Vote

    if not args.decision:
        return None
    if args.votes_for is None:
        raise CommandError("请用 --for 给出同意票数")
    return Vote(args.decision, args.votes_for, args.against, args.abstain)


def _change(args, ctx, act):
    """``act(session, actor, scope)`` in one transaction; the meeting it returns as JSON."""
    from app.services.admin import auth
    from app.services.admin.permissions import NotPermitted
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.engage.deliberation_reads import meeting_row
    from app.services.engage.deliberations import DeliberationError

    try:
        with ctx.db().sessions.begin() as session:
            if args.user and auth.find_user(session, args.user) is None:
                raise CommandError(f"用户“{args.user}”不存在")
            result = act(session, audit.cli_actor(args.user), scope_for(session, args.user))
            if hasattr(result, "meeting_no"):
                session.flush()
                return meeting_row(session, result).as_json()
            return result
    except (DeliberationError, NotPermitted) as exc:
        raise CommandError(str(exc)) from None


def _meeting(session, args, scope):
    from app.services.engage.deliberations import find_meeting

    return find_meeting(session, args.meeting_no, scope)


def run_add(args, ctx) -> int:
    from app.services.engage.deliberations import NewMeeting, add_meeting

    new = NewMeeting(
        kind=args.kind,
        topic=args.topic,
        convenor=args.convenor,
        held_on=args.date,
        place=args.place,
        attendees="\n".join(args.attendee),
        opinions=args.opinions,
        grid_code=args.grid,
    )
    ctx.emit(
        _change(
            args, ctx, lambda s, a, scope: add_meeting(s, new, actor=a, scope=scope, today=dt.date.today())
        )
    )
    return 0


def run_step(args, ctx) -> int:
    from app.services.engage.deliberations import record_step

    today = dt.date.today()

    def act(session, actor, scope):
        meeting = _meeting(session, args, scope)
        record_step(
            session,
            meeting,
            args.step,
            done_on=args.date or today,
            note=args.note,
            vote=_vote(args),
            result=args.result,
            actor=actor,
            scope=scope,
            today=today,
        )
        return meeting

    ctx.emit(_change(args, ctx, act))
    return 0


def run_decide(args, ctx) -> int:
    from app.services.engage.deliberations import decide

    today = dt.date.today()

    def act(session, actor, scope):
        meeting = _meeting(session, args, scope)
        return decide(
            session,
            meeting,
            _vote(args),
            decided_on=args.date or today,
            actor=actor,
            scope=scope,
            today=today,
        )

    ctx.emit(_change(args, ctx, act))
    return 0


def run_result(args, ctx) -> int:
    from app.services.engage.deliberations import record_result

    today = dt.date.today()

    def act(session, actor, scope):
        meeting = _meeting(session, args, scope)
        return record_result(
            session, meeting, args.result, result_on=args.date or today, actor=actor, scope=scope, today=today
        )

    ctx.emit(_change(args, ctx, act))
    return 0


def run_link(args, ctx) -> int:
    from app.services.engage.deliberations import link

    def act(session, actor, scope):
        meeting = _meeting(session, args, scope)
        link(
            session,
            meeting,
            case_no=args.case or "",
            wish_no=args.wish or "",
            joint=args.joint,
            actor=actor,
            scope=scope,
        )
        return meeting

    ctx.emit(_change(args, ctx, act))
    return 0


def run_list(args, ctx) -> int:
    from app.services.common import audit
    from app.services.engage.deliberation_reads import list_meetings

    def act(session, actor, scope):
        rows = list_meetings(
            session, scope=scope, year=args.year, kind=args.kind or "", text=args.search, case_no=args.case
        )
        audit.record_list(
            session,
            actor=actor,
            action="deliberation_list",
            shown=len(rows),
            what="查看议事记录",
            search=args.search or args.case,
        )
        return [r.as_json() for r in rows]

    ctx.emit_lines(_change(args, ctx, act))
    return 0


def run_notice(args, ctx) -> int:
    from app.printing.documents.deliberation_notice import render_meeting_notice
    from app.services.common import audit
    from app.services.common.os_errors import os_reason
    from app.services.engage.deliberation_reads import notice_data

    writable_target(args.out)

    def act(session, actor, scope):
        notice = notice_data(session, _meeting(session, args, scope), day=dt.date.today())
        audit.record(
            session, actor=actor, action="print", subject=notice.meeting.meeting_no, purpose="打印议事公示"
        )
        return notice

    notice = _change(args, ctx, act)
    try:
        render_meeting_notice(notice, path=args.out)
    except OSError as exc:
        raise CommandError(f"公示未能写入 {args.out}：{os_reason(exc)}") from None
    ctx.emit({"out": str(args.out), "meeting_no": notice.meeting.meeting_no, "qr": notice.qr_text})
    return 0
