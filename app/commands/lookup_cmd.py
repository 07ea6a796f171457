"""``yichuang lookup ID [--user NAME]``: one resident with household, building and grid (audited)."""

from __future__ import annotations

from app.commands.context import CommandError
from app.services.admin import auth
from app.services.admin.scope import scope_for
from app.services.common import audit
from app.services.population.lookup import LookupFailed, keeping_refusals, lookup


def register(subparsers) -> None:
    parser = subparsers.add_parser("lookup", help="按身份证号查询居民 / look up a resident (audited)")
    parser.add_argument("id_number", metavar="ID")
    parser.add_argument("--user", help="staff user the lookup is recorded for (default: the OS account)")
    parser.add_argument("--purpose", default="命令行查询", help="why the record is looked at (audit log)")
    parser.set_defaults(handler=run)


def run(args, ctx) -> int:
    sessions = ctx.db().sessions
    with sessions() as session:
        if args.user and auth.find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")

    def read(session):
        scope = scope_for(session, args.user)
        return lookup(
            session, args.id_number, actor=audit.cli_actor(args.user), purpose=args.purpose, scope=scope
        )

    try:
        record = keeping_refusals(sessions, read)
    except LookupFailed as exc:
        raise CommandError(str(exc)) from None
    ctx.emit(record)
    return 0
