"""``yichuang volunteer``: 志愿服务 teams, volunteers, activities, signing in and out, a
volunteer's hours and the hours certificate. Every result is one JSON object a line; lists name
people by masked ID number only. ``--user`` acts as that account (its scope and rights)."""

from __future__ import annotations

import datetime as dt

from app.commands import volunteer_hours_cmd
from app.commands.context import CommandError

USER_HELP = "staff user (scope, rights and audit log)"
KINDS = ("patrol", "elderly", "environment", "civility", "other")


def register(subparsers) -> None:
    parser = subparsers.add_parser("volunteer", help="志愿服务 / volunteer teams, activities and hours")
    actions = parser.add_subparsers(dest="volunteer_action", metavar="ACTION", required=True)
    team = actions.add_parser("team", help="服务队 / volunteer teams")
    team_actions = team.add_subparsers(dest="team_action", metavar="ACTION", required=True)
    team_add = team_actions.add_parser("add", help="a team for one grid or a whole community")
    team_add.add_argument("name")
    team_add.add_argument(
        "--kind", choices=KINDS, required=True, help="巡防队 助老队 环境整治队 文明劝导队 其他"
    )
    where = team_add.add_mutually_exclusive_group(required=True)
    where.add_argument("--grid", default="", help="网格编码：服务该网格")
    where.add_argument("--community", default="", help="社区代码：服务全社区")
    team_add.add_argument("--leader", default="")
    team_add.add_argument("--leader-phone", default="")
    team_add.set_defaults(handler=run_team_add)
    team_list = team_actions.add_parser("list", help="the teams the user may see")
    team_list.set_defaults(handler=run_team_list)
    add = actions.add_parser("add", help="register a volunteer in a team by ID number")
    add.add_argument("id_number", metavar="ID")
    add.add_argument("--team", type=int, required=True)
    add.add_argument("--name", default="", help="姓名：人口库中没有的辖区外志愿者必填")
    add.add_argument("--phone", default="")
    add.add_argument("--skills", default="", help="特长，如 医护、维修、书法")
    add.set_defaults(handler=run_add)
    listing = actions.add_parser("list", help="the volunteers of the user's teams (masked ID numbers)")
    listing.add_argument("--team", type=int)
    listing.set_defaults(handler=run_list)
    for p in (team_add, team_list, add, listing):
        p.add_argument("--user", help=USER_HELP)
    volunteer_hours_cmd.add_actions(actions)


def run_team_add(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.volunteers.teams import VolunteerError, add_team

    with ctx.db().sessions.begin() as session:
        try:
            row = add_team(
                session,
                name=args.name,
                kind=args.kind,
                grid_code=args.grid,
                community_code=args.community,
                leader=args.leader,
                leader_phone=args.leader_phone,
                scope=scope_for(session, args.user),
                actor=audit.cli_actor(args.user),
            )
        except VolunteerError as exc:
            raise CommandError(str(exc)) from None
    ctx.emit(_team(row))
    return 0


def run_team_list(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.volunteers.teams import team_rows

    with ctx.db().sessions() as session:
        rows = team_rows(session, scope=scope_for(session, args.user))
    ctx.emit_lines(_team(row) for row in rows)
    return 0


def _team(row) -> dict:
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "community": row.community,
        "area": row.area,
        "leader": row.leader,
        "members": row.members,
    }


def run_add(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.population.lookup import LookupFailed, keeping_refusals
    from app.services.volunteers.people import add_volunteer
    from app.services.volunteers.teams import VolunteerError

    def work(session):
        return add_volunteer(
            session,
            args.id_number,
            args.team,
            scope=scope_for(session, args.user),
            actor=audit.cli_actor(args.user),
            today=dt.date.today(),
            name=args.name,
            phone=args.phone,
            skills=args.skills,
        )

    try:
        row = keeping_refusals(ctx.db().sessions, work)
    except (VolunteerError, LookupFailed) as exc:
        raise CommandError(str(exc)) from None
    ctx.emit(_volunteer(row))
    return 0


def run_list(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.volunteers.people import list_volunteers

    with ctx.db().sessions.begin() as session:
        rows = list_volunteers(
            session, scope=scope_for(session, args.user), actor=audit.cli_actor(args.user), team_id=args.team
        )
    ctx.emit_lines(_volunteer(row) for row in rows)
    return 0


def _volunteer(row) -> dict:
    return {
        "id": row.id,
        "name": row.name,
        "id_number": row.id_masked,
        "resident": row.resident,
        "teams": row.teams,
        "skills": row.skills,
    }
