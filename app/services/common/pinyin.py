"""Pinyin keys for search-as-you-type: staff type ``jzzm`` or ``juzhu`` as readily as 居住."""

from __future__ import annotations

from pypinyin import lazy_pinyin


def pinyin_keys(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of ``text``, lower case, without tones or separators.

    Characters that are not hanzi (digits, Latin letters) are kept as they are, so 12345工单
    is found by ``12345gd``.
    """
    syllables = lazy_pinyin(text, errors=lambda chars: list(chars))
    cleaned = [s.lower() for s in syllables if s.strip() and s.isalnum()]
    initials = "".join(s[0] for s in cleaned)
    full = "".join(cleaned)
    return initials, full
