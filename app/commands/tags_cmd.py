"""``yichuang tags``: the resident tags (一老一小一特 …) are data: list, add, and assign them."""

from __future__ import annotations

from app.commands.context import CommandError


def register(subparsers) -> None:
    parser = subparsers.add_parser("tags", help="居民标签 / resident tags")
    actions = parser.add_subparsers(dest="tags_action", metavar="ACTION", required=True)
    actions.add_parser("list", help="every tag, with its age rule if it has one").set_defaults(
        handler=run_list
    )
    add = actions.add_parser("add", help="a new tag the centre uses (--update: change an existing one)")
    add.add_argument("code")
    add.add_argument("name")
    add.add_argument("--min-age", type=int, help="applies itself from this age (inclusive)")
    add.add_argument("--max-age", type=int, help="applies itself below this age")
    add.add_argument("--color", default="#5b6b7a")
    add.add_argument("--description", default="")
    add.add_argument(
        "--update", action="store_true", help="change the tag with this code (name, ages, colour)"
    )
    add.set_defaults(handler=run_add)
    for name, helptext in (("assign", "give a resident a tag"), ("unassign", "take a tag from a resident")):
        action = actions.add_parser(name, help=helptext)
        action.add_argument("code")
        action.add_argument("id_number", metavar="ID")
        action.add_argument("--user", help="staff user (audit log)")
        action.set_defaults(handler=run_assign, assign=name == "assign")


def run_list(args, ctx) -> int:
    from app.services.population.tags import all_tags

    with ctx.db().sessions() as session:
        tags = all_tags(session)
    for tag in tags:
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
    from app.services.population.tags import TagError, TagInfo, save_tag

    values = TagInfo(args.code, args.name, args.min_age, args.max_age, args.color, args.description)
    with ctx.db().sessions.begin() as session:
        try:
            tag = save_tag(session, values, update=args.update)
        except TagError as exc:
            raise CommandError(str(exc)) from None
    ctx.emit({"code": tag.code, "name": tag.name, "min_age": tag.min_age, "max_age": tag.max_age})
    return 0


def run_assign(args, ctx) -> int:
    from app.services.admin import auth
    from app.services.common import audit
    from app.services.population.lookup import LookupFailed
    from app.services.population.tags import TagError, set_tag

    with ctx.db().sessions.begin() as session:
        if args.user and auth.find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")
        try:
            change = set_tag(
                session, args.code, args.id_number, assigned=args.assign, actor=audit.cli_actor(args.user)
            )
        except (TagError, LookupFailed) as exc:
            raise CommandError(str(exc)) from None
    ctx.emit({"tag": change.tag_code, "resident": change.resident_name, "assigned": change.assigned})
    return 0
