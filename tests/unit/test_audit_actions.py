"""Every audit action code written anywhere in app/ has a Chinese name for the audit log viewer.

The codes are read from the source: the ``action=`` of every call to an audit writer
(``audit.record``, ``record_list``, a module's own ``_audit`` helper) and the second argument of
the kiosk's ``record(session, "kiosk_…", …)``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from app.services.common.audit_actions import ACTION_NAMES, action_name

APP = Path(__file__).resolve().parents[2] / "app"
WRITERS = {"record", "record_list", "_audit"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def written_action_codes() -> dict[str, str]:
    """code -> the first file:line that writes it."""
    found: dict[str, str] = {}
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node.func) not in WRITERS:
                continue
            values = [k.value for k in node.keywords if k.arg == "action"]
            if len(node.args) >= 2:
                values.append(node.args[1])
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.setdefault(value.value, f"{path.relative_to(APP.parent)}:{node.lineno}")
    return found


def test_the_scan_finds_the_codes_it_should():
    codes = written_action_codes()
    assert {"lookup", "print", "export", "kiosk_identify", "catalogue_edit", "restore"} <= set(codes)
    assert "store_true" not in codes and "append" not in codes  # argparse's actions are not audit codes


def test_every_action_code_written_in_app_has_a_chinese_name():
    missing = {code: where for code, where in written_action_codes().items() if code not in ACTION_NAMES}
    assert missing == {}, "give these audit actions a Chinese name in app/services/common/audit_actions.py"


def test_names_are_chinese_and_an_unknown_code_is_shown_as_stored():
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in ACTION_NAMES.values())
    assert action_name("lookup") == "查询" and action_name("from_a_newer_desk") == "from_a_newer_desk"
