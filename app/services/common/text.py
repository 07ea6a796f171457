"""Text that comes in from outside (a spreadsheet's cells) made safe to keep and show, and text
made safe to hand out to a spreadsheet.

A name or address with a right-to-left override (U+202E) or an isolate shows on screen, on a
certificate and in the register in another order than it is stored, and control characters
break printing and syncing; none belongs in a name or an address, so imports take them out and
say which rows they corrected. The other way round, a cell that begins with ``=``, ``+``,
``-`` or ``@`` is run as a formula by Excel and WPS when a file is opened; every export writes
its cells through :func:`spreadsheet_cell`.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# Invisible characters that change how text around them is shown or read: controls (Cc),
# format characters (Cf: the bidi embeddings, overrides and isolates U+202A–202E and
# U+2066–2069, the marks U+200E/U+200F/U+061C, zero-width joiners, the byte-order mark, soft
# hyphens, tag characters), line and paragraph separators (Zl, Zp) and lone surrogates (Cs).
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# Breaks inside a one-line value (a cell typed with Alt+Enter) become a space, not nothing, so
# the words on either side stay apart.
_BREAKS = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029")
FORMULA_LEADS = frozenset("=+-@\t\r\n")


def _replacement(ch: str, multiline: bool) -> str | None:
    """What ``ch`` becomes: None to keep it as it is, else its replacement ("" or a space)."""
    if multiline and ch == "\n":
        return None
    if ch in _BREAKS:
        return " "
    if unicodedata.category(ch) in _HIDDEN_CATEGORIES:
        return ""
    return None


def clean_text(text: str, *, multiline: bool = False) -> str:
    """``text`` without control, bidi and other invisible format characters; line breaks and tabs
    become a space (with ``multiline``, line breaks stay, a CR LF as one LF). Everything else,
    including the variation selectors some rare characters in names need, is kept."""
    if multiline:
        text = text.replace("\r\n", "\n")
    out = []
    for ch in text:
        replacement = _replacement(ch, multiline)
        out.append(ch if replacement is None else replacement)
    return "".join(out)


def removed_characters(text: str, *, multiline: bool = False) -> list[str]:
    """The characters :func:`clean_text` takes out or replaces, as ``U+202E``, each once in the
    order they first appear: what an import reports for a corrected cell (never the text)."""
    if multiline:
        text = text.replace("\r\n", "\n")
    found = (ch for ch in text if _replacement(ch, multiline) is not None)
    return list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in found))


def spreadsheet_cell(value: Any) -> Any:
    """``value`` as it may be written to a spreadsheet or CSV cell. Text that a spreadsheet would
    take for a formula (first character, after any spaces, one of ``= + - @`` or a tab or line
    break) gets a leading apostrophe, which Excel and WPS show as text and do not print. Numbers,
    dates and None pass unchanged: write numbers as numbers, or "-5" comes out as "'-5"."""
    if isinstance(value, str) and value.lstrip(" ")[:1] in FORMULA_LEADS:
        return "'" + value
    return value
