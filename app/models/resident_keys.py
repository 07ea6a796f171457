"""The search keys of a resident, derived from name and phone in one place.

``search_keys`` is the only function that computes them. A mapper listener (installed with the
models, like the outbox's) calls it on every ORM insert and on every update that touches the name
or the phone, so the importer, the desk's registration and any later editing screen keep them
current without knowing they exist; writers that bypass the ORM's unit of work (the demo street's
bulk inserts) call it themselves. app.services.population.search explains how the keys are used.
"""

from __future__ import annotations

import re

from sqlalchemy import event

from app.models.population import Resident

_NOT_DIGIT = re.compile(r"\D+")
_LATIN = re.compile(r"[0-9a-z]+")

# Surnames whose reading differs from the character's everyday one (pypinyin reads 单 as dan);
# applied to the first character of a name only.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "乐": "yue",
    "曾": "zeng",
    "缪": "miao",
    "覃": "qin",
    "尉": "yu",
    "盖": "ge",
    "繁": "po",
    "员": "yun",
    "种": "chong",
    "召": "shao",
    "秘": "bi",
    "长": "chang",
    "重": "chong",
    "翟": "zhai",
    "冼": "xian",
    "藏": "zang",
}


def name_syllables(name: str) -> list[str]:
    """The name's pinyin syllables, lower case, no tones (ü as v); Latin letters and digits kept."""
    from pypinyin import lazy_pinyin  # its dictionaries take half a second: loaded on first use

    text = name.strip()
    if not text:
        return []
    first = SURNAME_READINGS.get(text[0])
    syllables = lazy_pinyin(text, errors=lambda chars: list(chars))
    if first is not None and syllables:
        syllables[0] = first
    return [piece for s in syllables for piece in _LATIN.findall(s.lower())]


def phone_digits(phone: str) -> str:
    """The digits of a phone number as typed (138 1234 5678, 0919-3112345 → digits only)."""
    return _NOT_DIGIT.sub("", phone or "")


def search_keys(name: str, phone: str) -> dict[str, str]:
    """The derived columns of a resident with this name and phone: full pinyin (zhangwei),
    initials (zw) and the phone's digits."""
    syllables = name_syllables(name or "")
    return {
        "name_pinyin": "".join(syllables)[:200],
        "name_initials": "".join(s[0] for s in syllables)[:50],
        "phone_digits": phone_digits(phone)[:30],
    }


def _fill(_mapper, _connection, resident: Resident) -> None:
    keys = search_keys(resident.name or "", resident.phone or "")
    for column, value in keys.items():
        if getattr(resident, column, None) != value:
            setattr(resident, column, value)


def install() -> None:
    """Listen on Resident inserts and updates (once per process)."""
    if not event.contains(Resident, "before_insert", _fill):
        event.listen(Resident, "before_insert", _fill)
        event.listen(Resident, "before_update", _fill)
