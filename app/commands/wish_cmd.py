"""``yichuang wish add|review|claim|fulfil|end|list`` and ``yichuang wishes notice|counts``: the
micro-wishes (微心愿) from a script. With ``--user`` a grid worker sees and acts on their grids only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.commands.context import CommandError, writable_target


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”无效，请写成 2026-12-31") from None


def _photo(path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        raise CommandError(f"照片文件 {path} 无法读取") from None


def register(subparsers) -> None:
    wish = subparsers.add_parser("wish", help="微心愿 / one micro-wish")
    actions = wish.add_subparsers(dest="wish_action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="登记心愿 / post a wish for a resident (待审核)")
    add.add_argument("--id", required=True, dest="id_number", metavar="ID", help="the wisher's ID number")
    add.add_argument("--text", required=True, help="the wish, in the resident's words")
    add.add_argument("--kind", default="物品", help="物品, 服务 or 其他")
    add.add_argument("--budget", type=int, default=0, metavar="YUAN")
    add.add_argument("--deadline", type=_day, metavar="DATE", help="hoped-for date, YYYY-MM-DD")
    add.add_argument("--photo", type=Path, metavar="FILE")
    add.set_defaults(handler=run_add)

    review = actions.add_parser("review", help="审核 / publish a wish, or refuse it with --reject REASON")
    review.add_argument("wish_no")
    review.add_argument("--reject", metavar="REASON", help="refuse to publish, with the reason")
    review.set_defaults(handler=run_review)

    claim = actions.add_parser("claim", help="认领 / a party member, volunteer or partner unit takes it on")
    claim.add_argument("wish_no")
    claim.add_argument("--kind", required=True, choices=["党员", "志愿者", "共建单位"])
    claim.add_argument("--name", required=True, help="the claimer's or unit's name")
    claim.add_argument("--phone", default="")
    claim.set_defaults(handler=run_claim)

    fulfil = actions.add_parser("fulfil", help="销单 / the wish came true")
    fulfil.add_argument("wish_no")
    fulfil.add_argument("--note", required=True, help="what was done")
    fulfil.add_argument("--photo", type=Path, metavar="FILE")
    fulfil.add_argument("--confirmed", action="store_true", help="the wisher confirmed it")
    fulfil.add_argument("--rating", type=int, default=0, choices=range(0, 6), help="the wisher's stars, 1–5")
    fulfil.set_defaults(handler=run_fulfil)

    end = actions.add_parser("end", help="撤回 / 未能实现: end a wish with the reason")
    end.add_argument("wish_no")
    end.add_argument("--withdrawn", action="store_true", help="the wisher withdrew it (default: 未能实现)")
    end.add_argument("--reason", required=True)
    end.set_defaults(handler=run_end)

    listing = actions.add_parser("list", help="心愿列表 / wishes as JSON lines (names masked)")
    listing.add_argument("--status", action="append", help="pending, published, claimed, fulfilled, …")
    listing.add_argument("--year", type=int)
    listing.add_argument("--search", default="", help="number, wisher's name or words of the wish")
    listing.set_defaults(handler=run_list)

    for parser in (add, review, claim, fulfil, end, listing):
        parser.add_argument("--user", help="staff account acting (default: the OS account)")

    wishes = subparsers.add_parser("wishes", help="微心愿公示与统计 / the wish notice and counts")
    what = wishes.add_subparsers(dest="wishes_action", metavar="ACTION", required=True)
    notice = what.add_parser("notice", help="公示 / the public wish list as a PDF (names masked)")
    notice.add_argument("--out", required=True, type=Path, metavar="PDF")
    notice.add_argument("--paper", choices=["A4", "A3"], default="A4")
    notice.add_argument("--year", type=int, help="only wishes posted in this year")
    notice.add_argument("--user", help="staff account printing it")
    notice.set_defaults(handler=run_notice)
    counts = what.add_parser("counts", help="每年统计 / wishes per year and state")
    counts.add_argument("--user", help="staff account (a grid worker counts their grids)")
    counts.set_defaults(handler=run_counts)


def _open(args, ctx):
    """(database, actor, scope reader): refuses an unknown --user."""
    from app.services.admin import auth
    from app.services.common import audit

    db = ctx.db()
    if args.user:
        with db.sessions() as session:
            if auth.find_user(session, args.user) is None:
                raise CommandError(f"用户“{args.user}”不存在")
    return db, audit.cli_actor(args.user)


def _change(args, ctx, act) -> int:
    """Run ``act(session, actor, scope)`` in one transaction and print the wish it returns."""
    from app.services.admin.permissions import NotPermitted
    from app.services.admin.scope import scope_for
    from app.services.engage.wish_reads import list_wishes
    from app.services.engage.wishes import WishError

    db, actor = _open(args, ctx)
    try:
        with db.sessions.begin() as session:
            scope = scope_for(session, args.user)
            wish = act(session, actor, scope)
            session.flush()
            row = list_wishes(session, text=wish.wish_no, limit=1)[0]
    except (WishError, NotPermitted) as exc:
        raise CommandError(str(exc)) from None
    ctx.emit(row.as_json())
    return 0


def run_add(args, ctx) -> int:
    from app.services.admin.permissions import role_of
    from app.services.engage.wishes import NewWish, post_wish, resident_for

    photo = _photo(args.photo)

    def act(session, actor, scope):
        resident = resident_for(session, args.id_number, scope)
        channel = "grid" if role_of(session, actor) == "grid_worker" else "desk"
        wish = NewWish(args.text, args.kind, args.budget, args.deadline, photo, channel)
        return post_wish(session, resident, wish, actor=actor, today=dt.date.today(), scope=scope)

    return _change(args, ctx, act)


def run_review(args, ctx) -> int:
    from app.services.engage.wishes import find_wish, review_wish

    def act(session, actor, scope):
        wish = find_wish(session, args.wish_no, scope)
        return review_wish(session, wish, approve=args.reject is None, reason=args.reject or "", actor=actor)

    return _change(args, ctx, act)


def run_claim(args, ctx) -> int:
    from app.services.engage.wishes import claim_wish, find_wish

    def act(session, actor, scope):
        wish = find_wish(session, args.wish_no, scope)
        return claim_wish(
            session,
            wish,
            kind=args.kind,
            name=args.name,
            phone=args.phone,
            actor=actor,
            today=dt.date.today(),
        )

    return _change(args, ctx, act)


def run_fulfil(args, ctx) -> int:
    from app.services.engage.wishes import find_wish, fulfil_wish

    photo = _photo(args.photo)

    def act(session, actor, scope):
        wish = find_wish(session, args.wish_no, scope)
        return fulfil_wish(
            session,
            wish,
            note=args.note,
            photo=photo,
            confirmed=args.confirmed,
            rating=args.rating,
            actor=actor,
            today=dt.date.today(),
        )

    return _change(args, ctx, act)


def run_end(args, ctx) -> int:
    from app.services.engage.wishes import end_wish, find_wish

    def act(session, actor, scope):
        wish = find_wish(session, args.wish_no, scope)
        return end_wish(session, wish, withdrawn=args.withdrawn, reason=args.reason, actor=actor)

    return _change(args, ctx, act)


def run_list(args, ctx) -> int:
    from app.models import WISH_STATUSES
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.engage.wish_reads import list_wishes

    unknown = [s for s in args.status or [] if s not in WISH_STATUSES]
    if unknown:
        raise CommandError(f"状态“{unknown[0]}”不存在，可用：{'、'.join(WISH_STATUSES)}")
    db, actor = _open(args, ctx)
    with db.sessions.begin() as session:
        rows = list_wishes(
            session,
            scope=scope_for(session, args.user),
            statuses=tuple(args.status or ()),
            year=args.year,
            text=args.search,
        )
        audit.record_list(
            session, actor=actor, action="export", shown=len(rows), what="导出微心愿列表", search=args.search
        )
    ctx.emit_lines(row.as_json() for row in rows)
    return 0


def run_notice(args, ctx) -> int:
    from app.printing.documents.wish_notice import render_wish_notice
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.common.os_errors import os_reason
    from app.services.engage.wish_reads import notice_data

    writable_target(args.out)
    db, actor = _open(args, ctx)
    with db.sessions.begin() as session:
        notice = notice_data(
            session, day=dt.date.today(), scope=scope_for(session, args.user), year=args.year
        )
        audit.record_list(
            session, actor=actor, action="print", shown=len(notice.wishes), what="打印微心愿公示"
        )
    try:
        render_wish_notice(notice, paper=args.paper, path=args.out)
    except OSError as exc:
        raise CommandError(f"公示未能写入 {args.out}：{os_reason(exc)}") from None
    ctx.emit({"out": str(args.out), "wishes": len(notice.wishes), "paper": args.paper})
    return 0


def run_counts(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.engage.wish_reads import counts_by_year

    db, _actor = _open(args, ctx)
    with db.sessions() as session:
        rows = counts_by_year(session, scope_for(session, args.user))
    ctx.emit_lines(row.as_json() for row in rows)
    return 0
