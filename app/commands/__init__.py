"""Subcommands of ``yichuang``; each module has ``register(subparsers)``."""

from app.commands import (
    boards_cmd,
    calendar_cmd,
    case_cmd,
    catalogue_cmd,
    certificate_cmd,
    database_cmd,
    desk_cmd,
    id_cmd,
    import_cmd,
    kiosk_cmd,
    kiosk_window_cmd,
    lookup_cmd,
    street_cmd,
    sync_cmd,
    tags_cmd,
    user_cmd,
)

COMMAND_MODULES = [desk_cmd, database_cmd, id_cmd, lookup_cmd, catalogue_cmd, user_cmd, import_cmd, case_cmd, calendar_cmd, certificate_cmd, boards_cmd, kiosk_cmd, kiosk_window_cmd, sync_cmd, street_cmd, tags_cmd]
