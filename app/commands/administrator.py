"""The administrator's commands (``catalogue add|edit|disable|enable``, ``audit``) run as the
machine's own account, or as a named staff account that must be an administrator."""

from __future__ import annotations

from app.commands.context import CommandError


def administrator_actor(session, username: str | None) -> str:
    """The actor to record: ``username`` if it names an active administrator, else the command
    line's own account when no name is given; any other account is refused."""
    from app.services.admin import auth
    from app.services.common import audit

    if username:
        user = auth.find_user(session, username)
        if user is None:
            raise CommandError(f"用户“{username}”不存在")
        if not user.active or user.role != "admin":
            raise CommandError(f"用户“{username}”不是系统管理员，不能使用此功能")
    return audit.cli_actor(username)
