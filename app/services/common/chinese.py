"""Numbers and dates the way Chinese documents write them: 二〇二六年十一月二十三日.

Services need them (a template's computed issue date) as much as the printed page does, so they
live here and printing imports them.
"""

from __future__ import annotations

import datetime as dt

_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 the way dates write them: 十, 十一, 二十, 二十三, 三十一."""
    if not 0 < n < 100:
        raise ValueError(f"only 1..99: {n}")
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[units] if units else "")


def chinese_date(d: dt.date) -> str:
    """2026-11-23 -> 二〇二六年十一月二十三日."""
    year = "".join(_DIGITS[int(c)] for c in f"{d.year:04d}")
    return f"{year}年{chinese_number(d.month)}月{chinese_number(d.day)}日"


def parse_chinese_number(text: str) -> int | None:
    """The other way, for what people type into spreadsheets: 零 → 0, 五 → 5, 十 → 10, 十五 → 15,
    二十 → 20, 二十三 → 23 (also 一十五). None for anything else, Arabic digits included: the
    callers read those themselves and decide which range they accept."""
    if text in ("零", "〇"):
        return 0
    tens, ten, units = text.partition("十")
    if not ten:
        return _digit(text)
    tens_value = _digit(tens) if tens else 1
    units_value = _digit(units) if units else 0
    if tens_value is None or units_value is None:
        return None
    return tens_value * 10 + units_value


def _digit(text: str) -> int | None:
    """一..九 as 1..9."""
    index = _DIGITS.find(text) if len(text) == 1 else -1
    return index if index > 0 else None
