"""``yichuang escalation-targets list|add|edit|disable``: the departments a case can be escalated to
(吹哨报到), with their level (网格, 社区, 街道, 区, 市) and contact, kept by the administrator."""

from __future__ import annotations

from app.commands.administrator import administrator_actor
from app.commands.context import CommandError

LEVELS = ["grid", "community", "street", "district", "city", "网格", "社区", "街道", "区", "市"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("escalation-targets", help="上报对象 / where cases are escalated to")
    actions = parser.add_subparsers(dest="target_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the targets from the grid up (--all: disabled too)")
    listing.add_argument("--all", action="store_true")
    listing.set_defaults(handler=run_list)
    add = actions.add_parser("add", help="新增上报对象 (administrator)")
    add.add_argument("name")
    add.add_argument("--level", required=True, choices=LEVELS)
    add.add_argument("--contact", default="", help="contact person and phone")
    add.add_argument("--user", help="the administrator making the change (audit log)")
    add.set_defaults(handler=run_add)
    edit = actions.add_parser("edit", help="修改上报对象 (administrator)")
    edit.add_argument("name")
    edit.add_argument("--rename", metavar="NAME")
    edit.add_argument("--level", choices=LEVELS)
    edit.add_argument("--contact")
    edit.add_argument("--enable", action="store_true", help="offer a disabled target again")
    edit.add_argument("--user", help="the administrator making the change (audit log)")
    edit.set_defaults(handler=run_edit)
    disable = actions.add_parser("disable", help="停用上报对象 (administrator; earlier escalations keep it)")
    disable.add_argument("name")
    disable.add_argument("--user", help="the administrator making the change (audit log)")
    disable.set_defaults(handler=run_disable)


def run_list(args, ctx) -> int:
    from app.services.cases.escalation import escalation_targets

    with ctx.db().sessions() as session:
        targets = escalation_targets(session, include_disabled=args.all)
    ctx.emit_lines(t.as_json() for t in targets)
    return 0


def _change(args, ctx, change) -> int:
    from app.services.cases.escalation import TargetError

    try:
        with ctx.db().sessions.begin() as session:
            target = change(session, administrator_actor(session, args.user))
    except TargetError as exc:
        raise CommandError(str(exc)) from None
    ctx.emit(target.as_json())
    return 0


def run_add(args, ctx) -> int:
    from app.services.cases.escalation import add_target

    return _change(
        args, ctx, lambda s, actor: add_target(s, args.name, args.level, args.contact, actor=actor)
    )


def run_edit(args, ctx) -> int:
    from app.services.cases.escalation import edit_target

    return _change(
        args,
        ctx,
        lambda s, actor: edit_target(
            s,
            args.name,
            actor=actor,
            new_name=args.rename,
            level=args.level,
            contact=args.contact,
            active=True if args.enable else None,
        ),
    )


def run_disable(args, ctx) -> int:
    from app.services.cases.escalation import edit_target

    return _change(args, ctx, lambda s, actor: edit_target(s, args.name, actor=actor, active=False))
