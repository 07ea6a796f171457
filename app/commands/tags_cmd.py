"""``yichuang tags``: the resident tags (一老一小一特 …) are data: list, add, and assign them."""

from __future__ import annotations

from app.commands.context import CommandError


def register(subparsers) -> None:
    parser = subparsers.add_parser("tags", help="居民标签 / resident tags")
    actions = parser.add_subparsers(dest="tags_action", metavar="ACTION", required=True)
    actions.add_parser("list", help="every tag, with its age rule if it has one").set_defaults(
        handler=run_list
    )
    add = actions.add_parser("add", help="a new tag the centre uses (or change the name of one)")
    add.add_argument("code")
    add.add_argument("name")
    add.add_argument("--min-age", type=int, help="applies itself from this age (inclusive)")
    add.add_argument("--max-age", type=int, help="applies itself below this age")
    add.add_argument("--color", default="#5b6b7a")
    add.add_argument("--description", default="")
    add.set_defaults(handler=run_add)
    for name, helptext in (("assign", "give a resident a tag"), ("unassign", "take a tag from a resident")):
        action = actions.add_parser(name, help=helptext)
        action.add_argument("code")
        action.add_argument("id_number", metavar="ID")
        action.add_argument("--user", help="staff user (audit log)")
        action.set_defaults(handler=run_assign, assign=name == "assign")


def run_list(args, ctx) -> int:
    from sqlalchemy import select

    from app.models import Tag

    with ctx.db().sessions() as session:
        for tag in session.scalars(select(Tag).order_by(Tag.sort_order, Tag.id)):
            ctx.emit(
                {
                    "code": tag.code,
                    "name": tag.name,
                    "min_age": tag.min_age,
                    "max_age": tag.max_age,
                    "color": tag.color,
                    "description": tag.description,
                }
            )
    return 0


def run_add(args, ctx) -> int:
    from sqlalchemy import func, select

    from app.models import Tag

    if not args.code.strip() or not args.name.strip():
        raise CommandError("标签代码和名称都不能为空")
    if args.min_age is not None and args.max_age is not None and args.min_age >= args.max_age:
        raise CommandError("--min-age 应小于 --max-age")
    with ctx.db().sessions.begin() as session:
        tag = session.scalar(select(Tag).where(Tag.code == args.code))
        if tag is None:
            order = (session.scalar(select(func.max(Tag.sort_order))) or 0) + 1
            tag = Tag(code=args.code, sort_order=order)
            session.add(tag)
        tag.name, tag.color, tag.description = args.name, args.color, args.description
        tag.min_age, tag.max_age = args.min_age, args.max_age
        ctx.emit({"code": tag.code, "name": tag.name, "min_age": tag.min_age, "max_age": tag.max_age})
    return 0


def run_assign(args, ctx) -> int:
    from sqlalchemy import select

    from app.models import Tag
    from app.services.admin import auth
    from app.services.common import audit
    from app.services.population.lookup import LookupFailed, find_resident

    with ctx.db().sessions.begin() as session:
        if args.user and auth.find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")
        tag = session.scalar(select(Tag).where(Tag.code == args.code))
        if tag is None:
            raise CommandError(f"标签“{args.code}”不存在（yichuang tags list）")
        if tag.is_age_rule:
            raise CommandError(f"“{tag.name}”按年龄自动生效，不能手工设置")
        try:
            resident = find_resident(session, args.id_number)
        except LookupFailed as exc:
            raise CommandError(str(exc)) from None
        has = tag in resident.tags
        if args.assign and not has:
            resident.tags.append(tag)
        elif not args.assign and has:
            resident.tags.remove(tag)
        audit.record(
            session,
            actor=audit.cli_actor(args.user),
            action="edit",
            resident=resident,
            purpose=("设置标签" if args.assign else "取消标签") + tag.name,
        )
        ctx.emit({"tag": tag.code, "resident": resident.name, "assigned": args.assign})
    return 0
