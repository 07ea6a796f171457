"""``yichuang centre``: which community this centre serves.

A street's population file names every community of the street, so one database may hold several;
the centre's community decides the heading and seal of its certificates, its case numbers, and
the records it syncs as its own. With one community in the database nothing needs setting.
"""

from __future__ import annotations

from app.commands.context import CommandError


def register(subparsers) -> None:
    centre = subparsers.add_parser("centre", help="本中心所属社区 / which community this centre serves")
    centre.add_argument("--community", metavar="CODE", help="set it (a community code from the database)")
    centre.set_defaults(handler=run_centre)


def run_centre(args, ctx) -> int:
    from app.services.admin.centre import (
        CentreNotConfigured,
        centre_name,
        communities,
        current_community,
        set_current_community,
    )
    from app.services.common import audit

    with ctx.db().sessions.begin() as session:
        choices = [{"code": c.code, "name": c.name} for c in communities(session)]
        try:
            if args.community:
                before = _current_code(session)
                community = set_current_community(session, args.community.strip())
                audit.record(
                    session,
                    actor=audit.cli_actor(None),
                    action="centre_community",
                    subject=community.code,
                    purpose="设置本中心所属社区",
                    detail=f"{before or '未设置'} → {community.code}",
                )
            else:
                community = current_community(session)
        except CentreNotConfigured as exc:
            codes = "、".join(f"{c['code']} {c['name']}" for c in choices) or "无"
            raise CommandError(f"{exc}。可选：{codes}") from None
        ctx.emit(
            {
                "community_code": community.code,
                "community_name": community.name,
                "centre_name": centre_name(community),
                "communities": choices,
            }
        )
    return 0


def _current_code(session) -> str | None:
    from app.services.admin.centre import CentreNotConfigured, current_community

    try:
        return current_community(session).code
    except CentreNotConfigured:
        return None
