"""``yichuang party``: the party member register (党员名册)."""

from __future__ import annotations

import datetime as dt

from app.commands import (
    party_meeting_cmd,
    party_member_cmd,
    party_org_cmd,
    party_points_cmd,
    party_report_in_cmd,
)
from app.commands.acting import scope_and_actor
from app.commands.context import CommandError


def register(subparsers) -> None:
    parser = subparsers.add_parser("party", help="党建 / party register")
    groups = parser.add_subparsers(dest="party_group", metavar="GROUP", required=True)
    member = groups.add_parser("member", help="党员名册 / party members")
    actions = member.add_subparsers(dest="member_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="register a resident (by ID number) as a member of a branch")
    add.add_argument("id_number", metavar="ID")
    add.add_argument("--grid", required=True, help="网格编码：登记到该网格的党支部")
    add.add_argument("--status", choices=["full", "probation"], default="full")
    add.add_argument("--kind", choices=["registered", "floating", "in_service"], default="registered")
    add.add_argument("--joined", type=dt.date.fromisoformat, help="入党日期 YYYY-MM-DD")
    add.add_argument("--phone", default="")
    add.add_argument("--user", help="staff user (scope and audit log)")
    add.set_defaults(handler=run_add)
    listing = actions.add_parser("list", help="the members the user may see")
    listing.add_argument("--user", help="staff user (scope and audit log)")
    listing.set_defaults(handler=run_list)
    party_member_cmd.add_actions(actions)
    party_report_in_cmd.add_group(groups)
    party_org_cmd.add_group(groups)
    party_meeting_cmd.add_group(groups)
    party_points_cmd.add_group(groups)


def run_add(args, ctx) -> int:
    from app.services.party.members import MemberError, add_resident_member
    from app.services.population.lookup import LookupFailed, keeping_refusals

    def work(session):
        scope, actor = scope_and_actor(session, args.user)
        return add_resident_member(
            session,
            args.id_number,
            args.grid,
            scope=scope,
            actor=actor,
            status=args.status,
            kind=args.kind,
            joined_on=args.joined,
            phone=args.phone,
        )

    try:
        row = keeping_refusals(ctx.db().sessions, work)
    except (MemberError, LookupFailed) as exc:
        raise CommandError(str(exc)) from None
    ctx.emit(_json(row))
    return 0


def run_list(args, ctx) -> int:
    from app.services.party.members import list_members

    with ctx.db().sessions.begin() as session:
        scope, actor = scope_and_actor(session, args.user)
        rows = list_members(session, scope=scope, actor=actor)
    for row in rows:
        ctx.emit(_json(row))
    return 0


def _json(row) -> dict:
    return {
        "id": row.id,
        "name": row.name,
        "id_number": row.id_masked,
        "branch": row.branch,
        "status": row.status,
        "kind": row.kind,
        "joined_on": row.joined_on.isoformat() if row.joined_on else None,
        "unit": row.unit_name,
    }
