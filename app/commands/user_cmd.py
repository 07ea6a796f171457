"""``yichuang user add|list|edit|disable|enable|password|role|grids|unlock``: staff accounts.

Run as the machine's own account (which holds the database file), or ``--user NAME`` of an
administrator: every change is audited under that name."""

from __future__ import annotations

import getpass
import os
import sys

from app.commands.context import CommandError
from app.models import ROLES
from app.services.admin import accounts, auth
from app.services.admin.centre import community_id_of
from app.services.common import audit

PASSWORD_ENV = "YICHUANG_PASSWORD"


def register(subparsers) -> None:
    parser = subparsers.add_parser("user", help="工作人员账号 / staff accounts")
    actions = parser.add_subparsers(dest="user_action", metavar="ACTION", required=True)

    def action(name: str, help_text: str, handler, *, account: bool = True):
        sub = actions.add_parser(name, help=help_text)
        if account:
            sub.add_argument("username")
        sub.add_argument("--user", dest="acting_user", help="administrator making the change (audit log)")
        sub.set_defaults(handler=handler)
        return sub

    add = action("add", "add a staff account", run_add)
    add.add_argument("--role", required=True, choices=sorted(ROLES))
    add.add_argument("--name", dest="display_name", help="name shown on receipts (default: the username)")
    add.add_argument("--community", metavar="CODE", help="community code the account works for")
    add.add_argument("--grids", metavar="CODE[,CODE…]", help="grids a grid worker serves")
    _password_option(add)
    action("list", "list staff accounts as JSON lines", run_list, account=False)
    edit = action("edit", "change the display name", run_edit)
    edit.add_argument("--name", dest="display_name", required=True)
    action("disable", "disable an account (it can no longer sign in)", run_disable)
    action("enable", "enable a disabled account", run_enable)
    _password_option(action("password", "set a new password (also unlocks)", run_password))
    role = action("role", "change the role", run_role)
    role.add_argument("role", choices=sorted(ROLES))
    grids = action("grids", "set the grids a grid worker serves (none: no codes)", run_grids)
    grids.add_argument("codes", nargs="*", metavar="CODE")
    action("unlock", "unlock an account locked after failed sign-ins", run_unlock)


def _password_option(parser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help=f"read the password from standard input (else ${PASSWORD_ENV}, else a prompt)",
    )


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


def _change(args, ctx, change, *, keys: tuple[str, ...] | None = None) -> int:
    actor = audit.cli_actor(args.acting_user)
    with ctx.db().sessions.begin() as session:
        if args.acting_user and auth.find_user(session, args.acting_user) is None:
            raise CommandError(f"用户“{args.acting_user}”不存在")
        try:
            row = change(session, actor)
        except accounts.AccountError as exc:
            raise CommandError(str(exc)) from None
        data = row.as_json()
        ctx.emit({k: data[k] for k in keys} if keys else data)
    return 0


def run_add(args, ctx) -> int:
    password = _read_password(args)

    def change(session, actor):
        community_id = None
        if args.community:
            community_id = community_id_of(session, args.community)
            if community_id is None:
                raise CommandError(f"社区代码“{args.community}”不存在")
        codes = [c for c in (args.grids or "").split(",") if c.strip()]
        return accounts.add_account(
            session,
            args.username,
            password,
            args.role,
            actor=actor,
            display_name=args.display_name,
            community_id=community_id,
            grids=codes,
        )

    return _change(args, ctx, change, keys=("username", "role", "display_name"))


def run_list(args, ctx) -> int:
    with ctx.db().sessions() as session:
        for row in accounts.accounts(session):
            ctx.emit(row.as_json())
    return 0


def run_edit(args, ctx) -> int:
    return _change(
        args,
        ctx,
        lambda s, actor: accounts.edit_display_name(s, args.username, args.display_name, actor=actor),
    )


def run_disable(args, ctx) -> int:
    return _change(args, ctx, lambda s, actor: accounts.set_active(s, args.username, False, actor=actor))


def run_enable(args, ctx) -> int:
    return _change(args, ctx, lambda s, actor: accounts.set_active(s, args.username, True, actor=actor))


def run_password(args, ctx) -> int:
    password = _read_password(args)
    return _change(
        args, ctx, lambda s, actor: accounts.reset_password(s, args.username, password, actor=actor)
    )


def run_role(args, ctx) -> int:
    return _change(args, ctx, lambda s, actor: accounts.change_role(s, args.username, args.role, actor=actor))


def run_grids(args, ctx) -> int:
    return _change(
        args, ctx, lambda s, actor: accounts.assign_grids(s, args.username, args.codes, actor=actor)
    )


def run_unlock(args, ctx) -> int:
    return _change(args, ctx, lambda s, actor: accounts.unlock(s, args.username, actor=actor))
