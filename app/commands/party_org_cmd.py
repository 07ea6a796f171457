"""``yichuang party org``: the four-level party organisation, listed and edited. Registered by
party_cmd under ``party``."""

from __future__ import annotations

from app.commands.acting import scope_and_actor
from app.commands.context import CommandError


def add_group(groups) -> None:
    group = groups.add_parser("org", help="党组织 / the party organisation")
    actions = group.add_subparsers(dest="org_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every node the user may see, with its leader")
    listing.set_defaults(handler=run_list)
    leader = actions.add_parser("leader", help="set a node's secretary or leader")
    leader.add_argument("org", type=int)
    who = leader.add_mutually_exclusive_group(required=True)
    who.add_argument("--id", dest="id_number", help="a resident's ID number")
    who.add_argument("--name", help="a person who is not a resident")
    leader.add_argument("--phone", default="")
    leader.set_defaults(handler=run_leader)
    rename = actions.add_parser("rename", help="rename a node")
    rename.add_argument("org", type=int)
    rename.add_argument("name")
    rename.set_defaults(handler=run_rename)
    add = actions.add_parser("add", help="add a node one level below PARENT")
    add.add_argument("parent", type=int)
    add.add_argument("name")
    add.add_argument("--leader-id", default="", help="the leader's ID number (党员中心户: required)")
    add.set_defaults(handler=run_add)
    for parser in (listing, leader, rename, add):
        parser.add_argument("--user", help="staff user (scope and audit log)")


def _emit(ctx, row) -> None:
    ctx.emit(
        {
            "id": row.id,
            "level": row.level,
            "level_name": row.level_name,
            "name": row.name,
            "parent": row.parent_id,
            "grid": row.grid_code,
            "leader": row.leader_name,
            "leader_phone": row.leader_phone,
            "members": row.members,
        }
    )


def _change(args, ctx, change) -> int:
    from app.services.party.members import MemberError
    from app.services.population.lookup import LookupFailed, keeping_refusals

    def work(session):
        scope, actor = scope_and_actor(session, args.user)
        return change(session, scope, actor)

    try:
        row = keeping_refusals(ctx.db().sessions, work)
    except (MemberError, LookupFailed) as exc:
        raise CommandError(str(exc)) from None
    _emit(ctx, row)
    return 0


def run_list(args, ctx) -> int:
    from app.services.party.organisation import organisation_rows

    with ctx.db().sessions() as session:
        scope, _ = scope_and_actor(session, args.user)
        rows = organisation_rows(session, scope=scope)
    for row in rows:
        _emit(ctx, row)
    return 0


def run_leader(args, ctx) -> int:
    from app.services.party.organisation import set_leader

    return _change(
        args,
        ctx,
        lambda s, scope, actor: set_leader(
            s,
            args.org,
            scope=scope,
            actor=actor,
            id_text=args.id_number or "",
            name=args.name or "",
            phone=args.phone,
        ),
    )


def run_rename(args, ctx) -> int:
    from app.services.party.organisation import rename

    return _change(
        args, ctx, lambda s, scope, actor: rename(s, args.org, args.name, scope=scope, actor=actor)
    )


def run_add(args, ctx) -> int:
    from app.services.party.organisation import add_child

    return _change(
        args,
        ctx,
        lambda s, scope, actor: add_child(
            s, args.parent, args.name, scope=scope, actor=actor, leader_id_text=args.leader_id
        ),
    )
