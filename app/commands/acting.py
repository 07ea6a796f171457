"""Who a command acts as: the machine's own account, or a staff account named with ``--user``.

Without ``--user`` a command runs as the machine's own account (``cli:<os user>`` in the audit
log), which holds the database file and may do everything. A name given with ``--user`` (or the
audit command's ``--as``, or ``user …``'s ``--user``) must be an account that could sign in: an
unknown name is refused, and so is a disabled one, before the command reads or writes anything.
Otherwise a mistyped or retired name would be taken for the machine's account and act with all of
its rights. The machine's account has no name to give: it is the one that acts when ``--user`` is
left out (a ``cli:…`` name as the audit log writes it is no account either, and is refused).

The check is made once for every command by ``app.cli.main``; a command whose ``--user`` is not
who acts (``audit --user U`` filters the log by U, an account that may be gone since) says so with
``set_defaults(user_is_filter=True)``.
"""

from __future__ import annotations

import argparse

from app.commands.context import CommandError, Context

# Where the commands keep the name of the account they act as.
ACTING_FIELDS = ("user", "acting_user", "operator")


def acting_names(args: argparse.Namespace) -> list[str]:
    """The account names this invocation acts as (usually none or one)."""
    names = []
    for field in ACTING_FIELDS:
        if field == "user" and getattr(args, "user_is_filter", False):
            continue
        value = getattr(args, field, None)
        if isinstance(value, str) and value.strip():
            names.append(value.strip())
    return names


def check_acting_user(args: argparse.Namespace, ctx: Context) -> None:
    """Refuse (CommandError) a ``--user`` that names no account, or a disabled one."""
    names = acting_names(args)
    if not names:
        return
    from app.services.admin.permissions import account_state

    with ctx.db().sessions() as session:
        for name in names:
            state = account_state(session, name)
            if state == "unknown":
                raise CommandError(
                    f"用户“{name}”不存在：请检查 --user 的拼写（不写 --user 时以本机系统账户运行）"
                )
            if state == "disabled":
                raise CommandError(f"用户“{name}”已停用，不能再以该账号操作；请管理员重新启用或换用其他账号")
    # Let go of the connection: a command such as `restore` needs the database file to itself, and
    # an idle connection in WAL mode still holds its share of the file.
    ctx.db().engine.dispose()


def scope_and_actor(session, username: str | None):
    """The grids a command may touch and the name its audit entries carry, for the account it acts
    as (``--user``, already checked by :func:`check_acting_user`; none: the machine's own)."""
    from app.services.admin.scope import scope_for
    from app.services.common import audit

    return scope_for(session, username), audit.cli_actor(username)
