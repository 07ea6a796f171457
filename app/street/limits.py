"""The street server's limits, in one place (docs/SYNC.md, "Limits").

Each limit is checked where it is cheapest and before anything is stored: the body's size and its
JSON nesting at the door (app.street.middleware, before any parser runs), text, numbers and
versions by the wire schemas (app.street.schemas). What the server stores therefore always fits
in its answers and in every later pull; ``unservable`` is the last guard, for rows written
before these limits existed.
"""

from __future__ import annotations

import math
import re
from itertools import accumulate
from typing import Any

MAX_BODY_BYTES = 5 * 1024 * 1024  # every request body, with or without Content-Length
MAX_DEPTH = 32  # JSON nesting of a whole body: {"records": [{"data": {...}}]} is 4 already
DATA_DEPTH = MAX_DEPTH - 3  # what that leaves a record's data, pushed or pulled
MAX_TEXT = 65_536  # characters in one text (or key) inside a record's data
MAX_RECORDS = 1000  # records in one push, and in one pull page
MAX_KEYS = 5000  # records asked about in one "known" request
# JavaScript and most JSON readers hold integers exactly only up to 2**53 - 1. The server adds to
# versions itself (a merge stores the pushed version + 1, each street answer + 1), so what a
# community may send stops far below that: no sequence of the server's own steps crosses it.
MAX_SAFE_INTEGER = 2**53 - 1
MAX_VERSION = 2**31

# A JSON text's strings, escapes included; one that never ends runs to the end of the body, so
# every quote starts a match and the scan stays linear whatever the body holds.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")  # +1 and -1 as signed bytes


def nesting(body: bytes) -> int:
    """The deepest bracket nesting of ``body`` outside its strings, counted without parsing it:
    a parser that recurses (Python's json, pydantic's serialiser) must never see a body deeper
    than MAX_DEPTH. Linear, and done at C speed: about 0.3 s for 5 MB of the worst brackets."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKET).translate(_STEP)
    return max(accumulate(memoryview(brackets).cast("b")), default=0)


def breach(value: Any, *, depth: int = DATA_DEPTH, text: int | None = MAX_TEXT) -> str | None:
    """The first limit ``value`` (decoded JSON) breaks, said for the sender, or None. Iterative:
    it must not itself recurse on what it is there to refuse. ``text=None`` checks instead that
    every text can be written as UTF-8 (what a reply needs), whatever its length."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        kind = type(item)  # exact types: what a JSON reader makes; the commonest first
        if kind is str:
            if text is not None and len(item) > text:
                return f"文本超过 {text} 个字符"
            if text is None and not _encodable(item):
                return "文本含有孤立代理项"
        elif kind is dict or kind is list:
            if level > depth:
                return f"嵌套超过 {depth} 层"
            children = item.items() if kind is dict else enumerate(item)
            for key, child in children:
                if type(key) is str:
                    stack.append((key, level))
                stack.append((child, level + 1))
        elif kind is int:
            if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                return f"整数超出 ±{MAX_SAFE_INTEGER}"
        elif kind is float and not math.isfinite(item):
            return "数值须为有限数（不能是 NaN 或 Infinity）"
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def key_text(value: str) -> str | None:
    """Why ``value`` cannot be a record's key (its uuid, an event's case_uuid), or None. Keys are
    looked up in the database before anything else is judged, so one that PostgreSQL cannot
    even compare (NUL) or encode (a lone surrogate) is refused with the whole request."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return "不得含有控制字符（包括空字符）"
    if not _encodable(value):
        return "不得含有孤立代理项"
    return None


def unservable(record: dict) -> str | None:
    """Why a stored record cannot travel in an answer, or None: its version is outside what
    JSON readers hold exactly, or its data is nested too deep, holds an unsafe number or text
    that is not UTF-8. Only rows stored before the limits existed can be so."""
    version = record.get("version")
    if not isinstance(version, int) or not 1 <= version <= MAX_SAFE_INTEGER:
        return "版本超出范围"
    return breach(record.get("data"), text=None)
