"""The answer to one pushed record, in the shape it travels and is stored in (docs/SYNC.md), and
the refusal of a record the database cannot keep: shared by the push's judges (app.street.receive
for cases, events and certificates, app.street.life for the up-only records)."""

from __future__ import annotations

from typing import Any

from app.street.incoming import Incoming


def result(rec: Incoming, status: str, server_version: int | None, reason: str = "") -> dict:
    return {
        "uuid": rec.uuid,
        "type": rec.type,
        "status": status,
        "server_version": server_version,
        "reason": reason,
    }


def unstorable(rec: Incoming, server_version: int | None) -> dict | None:
    """The refusal of a record PostgreSQL cannot keep (NUL in text; UTF-8 has no lone
    surrogates). Checked only before a write: a record that changes nothing is never stored."""
    if keepable(rec):
        return None
    return result(rec, "rejected", server_version, "记录含有无法保存的字符（空字符或孤立代理项）")


def keepable(value: Any) -> bool:
    """Whether every text in ``value`` can be stored: no NUL, no lone surrogate."""
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(keepable(k) and keepable(v) for k, v in value.items())
    if isinstance(value, list | tuple):  # tuple: a whole record
        return all(keepable(v) for v in value)
    return True
