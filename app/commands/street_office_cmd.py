"""``yichuang street-admin user ...`` and ``street-admin demo``: the street office's staff
accounts for its pages (docs/STREET.md), and a demo street on a server.

A password is never an argument (it would stay in the shell's history): it is asked for on a
terminal, or read as the first line of standard input (``echo ... | yichuang street-admin user add``).
"""

from __future__ import annotations

import getpass
import sys

from app.commands.context import CommandError


def register(actions, opener) -> None:
    """The subcommands under street-admin; ``opener(args, ctx)`` opens the server's database."""
    users = actions.add_parser("user", help="street office staff who sign in to the pages")
    user_actions = users.add_subparsers(dest="user_action", metavar="ACTION", required=True)
    add = user_actions.add_parser("add", help="add a staff account (password from the terminal or stdin)")
    add.add_argument("username", metavar="USERNAME")
    add.add_argument(
        "--street", required=True, metavar="STREET_CODE", help="the street office (a --role street code)"
    )
    add.add_argument(
        "--role", choices=["admin", "staff"], default="staff", help="admin 街道管理员 or staff 街道工作人员"
    )
    add.add_argument("--name", default="", help="the name shown on the pages")
    add.set_defaults(handler=run_user_add, street_sessions=opener)
    listing = user_actions.add_parser("list", help="staff accounts as JSON lines (no passwords)")
    listing.set_defaults(handler=run_user_list, street_sessions=opener)
    unlock = user_actions.add_parser("unlock", help="unlock an account locked after failed sign-ins")
    unlock.add_argument("username", metavar="USERNAME")
    unlock.set_defaults(handler=run_user_unlock, street_sessions=opener)
    demo = actions.add_parser(
        "demo", help="fill an empty server with a demo street (prints the demo accounts)"
    )
    demo.add_argument("--seed", type=int, default=7)
    demo.set_defaults(handler=run_demo, street_sessions=opener)


def _sessions(args, ctx):
    return args.street_sessions(args, ctx)


def _password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("密码：")
        if getpass.getpass("再输入一次：") != first:
            raise CommandError("两次输入的密码不一致")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def run_user_add(args, ctx) -> int:
    from app.street.office.accounts import SignInError, add_user

    sessions = _sessions(args, ctx)
    try:
        ctx.emit(
            add_user(sessions, args.username, _password(), street=args.street, role=args.role, name=args.name)
        )
    except SignInError as exc:
        raise CommandError(str(exc)) from None
    return 0


def run_user_list(args, ctx) -> int:
    from app.street.office.accounts import list_users

    ctx.emit_lines(list_users(_sessions(args, ctx)))
    return 0


def run_user_unlock(args, ctx) -> int:
    from app.street.office.accounts import SignInError, unlock

    try:
        ctx.emit(unlock(_sessions(args, ctx), args.username))
    except SignInError as exc:
        raise CommandError(str(exc)) from None
    return 0


def run_demo(args, ctx) -> int:
    from app.street.office.demo import DemoError, fill_demo

    try:
        ctx.emit(fill_demo(_sessions(args, ctx), seed=args.seed))
    except DemoError as exc:
        raise CommandError(str(exc)) from None
    return 0
