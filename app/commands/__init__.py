"""Subcommands of ``yichuang``; each module has ``register(subparsers)``.

The command line imports only the module of the command it runs. Importing every module pulls in
openpyxl, reportlab, httpx and the rest, which the desk and the kiosk would wait for at every
start; ``yichuang --help`` and a mistyped command still see them all.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# Each command, in the order `yichuang --help` lists them, and the module that registers it
# (tests/unit/test_cli.py checks this against what every module registers).
COMMANDS: dict[str, str] = {
    "desk": "desk_cmd",
    "init": "database_cmd",
    "backup": "database_cmd",
    "restore": "database_cmd",
    "id": "id_cmd",
    "lookup": "lookup_cmd",
    "resident": "resident_cmd",
    "residents": "residents_cmd",
    "print": "print_cmd",
    "catalogue": "catalogue_cmd",
    "user": "user_cmd",
    "centre": "centre_cmd",
    "street": "area_cmd",
    "community": "area_cmd",
    "import": "import_cmd",
    "case": "case_cmd",
    "cases": "case_cmd",
    "escalation-targets": "escalation_cmd",
    "hotline": "hotline_cmd",
    "calendar": "calendar_cmd",
    "templates": "certificate_cmd",
    "certificate": "certificate_cmd",
    "boards": "boards_cmd",
    "kiosk-pin": "kiosk_cmd",
    "appointments": "kiosk_cmd",
    "kiosk": "kiosk_window_cmd",
    "sync": "sync_cmd",
    "sync-config": "sync_cmd",
    "street-server": "street_cmd",
    "street-admin": "street_cmd",
    "tags": "tags_cmd",
    "party": "party_cmd",
    "audit": "audit_cmd",
    "wish": "wish_cmd",
    "wishes": "wish_cmd",
    "visit": "visit_cmd",
    "export": "export_cmd",
    "report": "report_cmd",
    "unit": "unit_cmd",
    "meeting": "meeting_cmd",
    "volunteer": "volunteer_cmd",
}


def command_modules(command: str | None = None) -> list[ModuleType]:
    """The module that registers ``command``; every module when it is None or unknown."""
    names = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    return [importlib.import_module(f"app.commands.{name}") for name in names]
