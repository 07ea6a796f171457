"""``yichuang user add|list``: staff accounts."""

from __future__ import annotations

import getpass
import os
import sys

from app.commands.context import CommandError
from app.models import ROLES
from app.services.admin import auth
from app.services.admin.centre import community_id_of

PASSWORD_ENV = "YICHUANG_PASSWORD"


def register(subparsers) -> None:
    parser = subparsers.add_parser("user", help="工作人员账号 / staff accounts")
    actions = parser.add_subparsers(dest="user_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a staff account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=sorted(ROLES))
    add.add_argument("--name", dest="display_name", help="name shown on receipts (default: the username)")
    add.add_argument("--community", metavar="CODE", help="community code the account works for")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help=f"read the password from standard input (else ${PASSWORD_ENV}, else a prompt)",
    )
    add.set_defaults(handler=run_add)
    listing = actions.add_parser("list", help="list staff accounts as JSON lines")
    listing.set_defaults(handler=run_list)


def _read_password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        raise CommandError(f"请用 --password-stdin 或环境变量 {PASSWORD_ENV} 提供密码")
    first = getpass.getpass("密码: ")
    if first != getpass.getpass("再输一次: "):
        raise CommandError("两次输入的密码不一致")
    return first


def run_add(args, ctx) -> int:
    password = _read_password(args)
    with ctx.db().sessions.begin() as session:
        community_id = None
        if args.community:
            community_id = community_id_of(session, args.community)
            if community_id is None:
                raise CommandError(f"社区代码“{args.community}”不存在")
        try:
            user = auth.add_user(
                session,
                args.username,
                password,
                args.role,
                display_name=args.display_name,
                community_id=community_id,
            )
        except auth.AuthError as exc:
            raise CommandError(str(exc)) from None
        ctx.emit({"username": user.username, "role": user.role, "display_name": user.display_name})
    return 0


def run_list(args, ctx) -> int:
    with ctx.db().sessions() as session:
        for user in auth.staff_accounts(session):
            ctx.emit(
                {
                    "username": user.username,
                    "display_name": user.display_name,
                    "role": user.role,
                    "active": user.active,
                    "last_login_at": user.last_login_at,
                }
            )
    return 0
