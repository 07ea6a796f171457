"""What a typed search means: each word of it is an ID number, digits (a phone or a room), an
address (3号楼2单元502), Latin letters (full pinyin or initials) or a name in hanzi.

Pure functions, no database: app.services.population.search turns the terms into queries.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.services.common.idcard import IdNumberError, parse

MIN_PHONE_DIGITS = 4  # "any part of at least 4 digits, or the last 4"
MAX_ROOM_DIGITS = 5  # 502, 1801, 10203: longer runs of digits are only ever phone numbers

_ADDRESS = re.compile(
    r"^(?P<building>\S*?(?:号楼|号院|栋|幢|座|楼))?"
    r"(?:(?P<unit>\d{1,2})单元)?"
    r"(?:(?P<room>[0-9]{1,5}[a-z]?)(?:室|号)?)?$"
)
_LATIN = re.compile(r"^[a-z]+$")
_HANZI = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]")
_SEPARATORS = re.compile(r"[\s,，、;；]+")


@dataclass(frozen=True, slots=True)
class Address:
    building: str | None  # a building name or its ending (3号楼)
    unit: int | None
    room: str | None


@dataclass(frozen=True, slots=True)
class Term:
    """One word of the search. ``kind`` is id, digits, address, latin or name; a name that also
    reads as an address (高楼) carries both."""

    kind: str
    text: str
    address: Address | None = None

    @property
    def selectivity(self) -> int:
        """Lower is narrower: the narrowest word drives the query, the others filter its rows."""
        if self.kind == "id":
            return 0
        if self.kind == "address" and self.address and self.address.room and self.address.building:
            return 1
        if self.kind == "digits" and len(self.text) >= 6:
            return 2
        if self.kind == "name" and len(self.text) >= 2:
            return 3
        if self.kind in ("address", "digits"):
            return 4
        if self.kind == "latin" and len(self.text) >= 3:
            return 5
        return 6


def normalise(text: str) -> str:
    """Full-width letters and digits to ASCII, lower case, outer spaces dropped."""
    return unicodedata.normalize("NFKC", text or "").strip().lower()


def terms_of(text: str) -> list[Term]:
    """The words of a typed search, each classified; empty for nothing typed."""
    return [_term(word) for word in _SEPARATORS.split(normalise(text)) if word]


def _term(word: str) -> Term:
    if len(word) in (15, 18) and word[:-1].isdigit():
        try:
            return Term("id", parse(word).number)
        except IdNumberError:
            pass
    if word.isdigit():
        return Term("digits", word)
    if _LATIN.match(word):
        return Term("latin", word)
    address = address_of(word)
    if address is not None:
        return Term("address", word, address)
    return Term("name", word)


def address_of(word: str) -> Address | None:
    """3号楼2单元502 / 3号楼502室 / 2单元502 / 502室 / 3号楼, or None when the word is not one."""
    word = word.replace("-", "")
    match = _ADDRESS.match(word)
    if match is None or not (match["unit"] or match["room"] or match["building"]):
        return None
    if not match["building"] and not match["unit"] and not word.endswith(("室", "号")):
        return None  # bare digits are handled as digits
    unit = int(match["unit"]) if match["unit"] else None
    return Address(match["building"] or None, unit, match["room"] or None)


def has_hanzi(text: str) -> bool:
    return bool(_HANZI.search(text))


def upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``: a prefix becomes
    an index range (``col >= prefix AND col < upper_bound(prefix)``) for any collation-free column."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def phone_match(digits: str) -> str:
    """An FTS5 trigram query for a run of digits anywhere in the phone."""
    return f'"{digits}"'
