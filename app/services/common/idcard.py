"""Resident ID numbers (居民身份证号码, GB 11643-1999): normalise, validate, mask.

Front-desk staff type or paste numbers in every shape (full-width digits, spaces,
lower-case x, old 15-digit cards), so everything goes through ``normalise`` first.
The arithmetic and the region table come from python-stdnum (``stdnum.cn.ric``);
this module adds the checks in a fixed order, plain Chinese error messages that
never repeat the whole number, and masking helpers for screens and logs.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass

from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

KINDS = ("empty", "characters", "length", "birth_date", "check_digit", "region")
EARLIEST_BIRTH = datetime.date(1880, 1, 1)
_DIGITS = frozenset("0123456789")
# Whitespace (\s covers U+3000 and NBSP), hyphens/dashes typed by Chinese IMEs, and
# zero-width characters that ride along when numbers are copied from web pages or Excel.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u200b-\u200d\u2060\ufeff]+")
# An 18-character (17 digits + digit/X) or 15-digit run that is not part of a longer
# digit run.  \d also matches full-width digits, so unnormalised copies are caught too.
_ID_RUN = re.compile(r"(?<!\d)(?:\d{17}[\dXxＸｘ]|\d{15})(?!\d)")
_PERIOD_PREFIX = re.compile(r"^\[[^\]]*\]")


class IdNumberError(ValueError):
    """An ID number was rejected; ``kind`` says which check failed so callers can
    react without parsing text, and ``str(err)`` is a message for front-desk staff.
    Messages quote at most the offending part, never the whole number, so they are
    safe to show, log or put in exception chains."""

    def __init__(self, kind: str, message: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown IdNumberError kind: {kind!r}")
        super().__init__(message)
        self.kind = kind

    def __reduce__(self):  # keep ``kind`` when pickled (e.g. across processes)
        return (type(self), (self.kind, str(self)))


@dataclass(frozen=True, repr=False)
class IdInfo:
    """What a valid number tells us.  ``repr`` masks the number so that logging an
    IdInfo by accident does not leak it."""

    number: str
    birth_date: datetime.date
    sex: str
    region_code: str
    province: str | None
    county: str | None
    converted_from_15: bool

    def __repr__(self) -> str:
        return f"IdInfo(number={mask(self.number)!r}, converted_from_15={self.converted_from_15})"


def normalise(text: str) -> str:
    """Bring typed or pasted input to compact ASCII form without validating it:
    NFKC turns full-width digits/Ｘ into ASCII, separators are dropped, x becomes X."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).replace("x", "X")


def _show(ch: str) -> str:
    """Quote a character so that invisible ones are still identifiable on screen."""
    return ch if ch.isprintable() else f"U+{ord(ch):04X}"


def _require_digits(text: str, length: int) -> None:
    """Shared guard for the helpers that take an already-clean digit string."""
    for pos, ch in enumerate(text):
        if ch not in _DIGITS:
            raise IdNumberError("characters", f"身份证号只能包含数字（第{pos + 1}位发现“{_show(ch)}”）")
    if len(text) != length:
        raise IdNumberError("length", f"应为{length}位数字，现为{len(text)}位")


def check_digit(first17: str) -> str:
    """Check character for the first 17 digits (weights 2^k mod 11, "10X98765432").
    stdnum's calc_check_digit expects the full 18 characters and ignores the last,
    hence the placeholder."""
    _require_digits(first17, 17)
    return ric.calc_check_digit(first17 + "0")


def upgrade_15(number15: str) -> str:
    """Convert a legacy 15-digit number (YYMMDD, no check digit) to 18 digits, the
    form every other part of the application stores and compares."""
    number15 = normalise(number15)
    _require_digits(number15, 15)
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_digit(first17)


def stored_form(text: str) -> str | None:
    """The 18-character form ``text`` would be stored under, when it has the shape and the check
    digit of one; else None. Enough to look a number up: every number on the population base
    passed :func:`parse` when it was registered, so a number found there is valid, and only one
    that is not found needs :func:`parse`'s full checks to say what is wrong with it. (The full
    checks, the region table above all, cost more than the lookup's own query.)"""
    number = normalise(text)
    if len(number) == 15 and number.isdigit() and number.isascii():
        number = upgrade_15(number)
    if len(number) != 18 or not number[:17].isdigit() or not number[:17].isascii():
        return None
    return number if number[17] == check_digit(number[:17]) else None


def _region_names(number: str) -> tuple[str | None, str | None] | None:
    # Only the region code and the birth year matter to the answer: cache on those, since
    # imports and lookups parse thousands of numbers from a handful of regions.
    return _region_names_for(number[:6], number[6:10])


@functools.lru_cache(maxsize=4096)
def _region_names_for(region: str, year: str) -> tuple[str | None, str | None] | None:
    """Province and county names for the first 6 digits, or None if stdnum's table
    does not know the code at all.

    stdnum is year-aware but compares a code's validity period with the *birth*
    year, while codes are assigned when the card is issued: someone born in 1970
    whose card was issued in Shenzhen Nanshan (440305, code from 1990) is rejected
    by ``ric.validate``.  We therefore accept any code the table knows, and use the
    most recent name when stdnum's year-aware lookup finds none."""
    number = f"{region}{year}0101001"
    try:
        place = ric.get_birth_place(number)
        return place.get("province"), place.get("county")
    except (InvalidComponent, KeyError):  # KeyError: stdnum bug for province-only matches
        pass
    props: dict[str, str] = {}
    for _part, part_props in numdb.get("cn/loc").info(number[:6]):
        props.update(part_props)
    if "county" not in props:
        return None
    latest = props["county"].split(",")[-1]
    return props.get("province"), _PERIOD_PREFIX.sub("", latest)


def parse(text: str, *, today: datetime.date | None = None) -> IdInfo:
    """Validate ``text`` and describe the person; raises IdNumberError.  Checks run
    in the order a person at the desk would fix them: empty, characters, length,
    birth date, check digit, region.  ``today`` exists so tests are reproducible."""
    today = today or datetime.date.today()
    number = normalise(text)
    if not number:
        raise IdNumberError("empty", "未填写身份证号")
    for pos, ch in enumerate(number):
        if ch not in _DIGITS and not (ch == "X" and pos == 17):
            raise IdNumberError(
                "characters", f"身份证号只能包含数字，最后一位可以是X（第{pos + 1}位发现“{_show(ch)}”）"
            )
    converted = len(number) == 15
    if converted:
        number = upgrade_15(number)
    elif len(number) != 18:
        raise IdNumberError("length", f"身份证号应为18位（旧证15位），现为{len(number)}位")

    digits8 = number[6:14]
    try:
        birth = ric.get_birth_date(number)
    except InvalidComponent:
        raise IdNumberError("birth_date", f"出生日期“{digits8}”不是有效日期") from None
    if birth > today:
        raise IdNumberError("birth_date", "出生日期晚于今天")
    if birth < EARLIEST_BIRTH:
        raise IdNumberError("birth_date", f"出生日期“{digits8}”早于1880年，请核对")

    expected = check_digit(number[:17])
    if number[17] != expected:
        raise IdNumberError(
            "check_digit", f"校验码不符：最后一位应为“{expected}”，实际为“{number[17]}”，请核对号码"
        )

    names = _region_names(number)
    if names is None:
        raise IdNumberError("region", f"地区码“{number[:6]}”不存在")
    return IdInfo(
        number=number,
        birth_date=birth,
        sex="male" if int(number[16]) % 2 else "female",
        region_code=number[:6],
        province=names[0],
        county=names[1],
        converted_from_15=converted,
    )


def is_valid(text: str) -> bool:
    """True when ``parse`` accepts the text (for quick form feedback)."""
    try:
        parse(text)
    except IdNumberError:
        return False
    return True


def mask(number: str) -> str:
    """Hide the middle for display: "6102**********1234", same length.  Only the two
    real ID lengths (15, 18) keep their first and last 4 characters; anything else
    is masked entirely, because 8 visible characters of a short string is most of it."""
    if len(number) in (15, 18):
        return number[:4] + "*" * (len(number) - 8) + number[-4:]
    return "*" * len(number)


def redact(text: str) -> str:
    """Mask every ID-number-like run inside free text (log records, exception
    messages).  Numbers split by spaces or hyphens are not recognised.

    Every 18-character run is masked (a mistyped number is still somebody's); a
    15-digit run only when its digits 7–12 are a real YYMMDD date, so that grid and
    community codes (also long digit runs) stay readable in logs."""
    return _ID_RUN.sub(_mask_if_id_like, text)


def _mask_if_id_like(match: re.Match[str]) -> str:
    run = match.group()
    if len(run) == 15:
        digits = unicodedata.normalize("NFKC", run)
        try:
            datetime.date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
        except ValueError:
            return run
    return mask(run)


def check_report(text: str, *, today: datetime.date | None = None) -> dict:
    """The JSON object printed by ``yichuang id check``; same keys whether valid or not,
    so scripts can rely on them."""
    try:
        info = parse(text, today=today)
    except IdNumberError as err:
        report: dict = dict.fromkeys(
            ("birth_date", "sex", "region_code", "province", "county", "converted_from_15")
        )
        return {"id": normalise(text), "valid": False, "error": str(err), **report}
    return {
        "id": info.number,
        "valid": True,
        "error": None,
        "birth_date": info.birth_date.isoformat(),
        "sex": info.sex,
        "region_code": info.region_code,
        "province": info.province,
        "county": info.county,
        "converted_from_15": info.converted_from_15,
    }
