"""Keyboard-wedge ID-card readers: they "type" the ID number at the cursor and press Enter.

The desk's ID field cannot tell such a reader from a person by the text, only by the rhythm: a
wedge reader emits a key every ~5-20 ms (the USB HID poll interval plus the reader's own pacing),
a fast typist manages ~80-150 ms per key, and nobody types 15+ characters without one gap over
50 ms. ``KeystrokeBurst`` is that test as pure logic (no Qt): the line edit feeds it each typed
character with its timestamp (``QKeyEvent.timestamp() / 1000``) and asks at Enter.

The thresholds are constructor arguments so that the desk can take them from the machine's
settings: a slow serial-to-keyboard adapter or a busy remote desktop session may need a larger
``max_gap``; a reader configured to send only part of the number a smaller ``min_chars``.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.services.cardreaders.base import CardReadError
from app.services.common import idcard

DEFAULT_MIN_CHARS = 15  # an ID number has 18 (15 on the oldest cards)
DEFAULT_MAX_GAP = 0.05  # seconds between two keys; readers: ~0.005-0.02, people: >= ~0.08
DEFAULT_MAX_TOTAL = 1.0  # seconds for the whole burst, Enter included


@dataclass(frozen=True, repr=False)
class WedgeResult:
    """What was typed before Enter and whether it came from a reader (``repr`` masks the text)."""

    text: str
    from_reader: bool

    def __repr__(self) -> str:
        return f"WedgeResult(text={idcard.mask(self.text)!r}, from_reader={self.from_reader})"


class KeystrokeBurst:
    """Tells a wedge reader's burst of keystrokes from a person typing.

    ``feed(char, t)`` for every character as it arrives (``t`` in seconds, any monotonic clock),
    ``enter(t)`` when Enter arrives: it returns the text with ``from_reader`` True when at least
    ``min_chars`` characters came with every gap (Enter included) <= ``max_gap`` and the whole
    burst within ``max_total``; then it starts afresh. A single pause longer than ``max_gap``
    anywhere makes it typing. Editing keys are not modelled: the desk calls ``reset()`` on
    Backspace, Delete, a paste or a focus change, and the result is then typing."""

    def __init__(
        self,
        min_chars: int = DEFAULT_MIN_CHARS,
        max_gap: float = DEFAULT_MAX_GAP,
        max_total: float = DEFAULT_MAX_TOTAL,
    ) -> None:
        if min_chars < 1 or max_gap <= 0 or max_total <= 0:
            raise ValueError("min_chars must be >= 1 and max_gap, max_total > 0")
        self.min_chars = min_chars
        self.max_gap = max_gap
        self.max_total = max_total
        self.reset()

    def reset(self) -> None:
        """Forget everything fed since the last Enter."""
        self._chars: list[str] = []
        self._first: float | None = None
        self._last: float | None = None
        self._steady = True  # no gap above max_gap (or backwards in time) so far

    @property
    def text(self) -> str:
        """The characters fed since the last Enter or reset."""
        return "".join(self._chars)

    def _tick(self, t: float) -> None:
        if self._last is not None:
            gap = t - self._last
            if gap < 0 or gap > self.max_gap:
                self._steady = False
        else:
            self._first = t
        self._last = t

    def feed(self, char: str, t: float) -> None:
        """One key's text at time ``t``; an empty string (a key without text) is ignored, a longer
        one counts as that many characters arriving at ``t``."""
        if not char:
            return
        self._tick(t)
        self._chars.extend(char)

    def enter(self, t: float) -> WedgeResult:
        """Enter was pressed at ``t``: classify what came before and start afresh."""
        text = self.text
        from_reader = False
        if self._first is not None and len(self._chars) >= self.min_chars:
            self._tick(t)
            from_reader = self._steady and (t - self._first) <= self.max_total
        self.reset()
        return WedgeResult(text, from_reader)


def card_from_wedge_text(text: str) -> str:
    """The normalised 18-digit ID number a wedge reader typed, or CardReadError (without the number).

    Only for readers set to send the number alone: they give no name, address, photo or validity,
    so the desk must look the person up or ask for the rest. Full-width characters, spaces and
    the trailing CR/LF are tolerated (``idcard.normalise``)."""
    number = idcard.normalise(text)
    if not number:
        raise CardReadError("读卡器没有送来身份证号，请重新放置身份证", kind="read_failed")
    if len(number) != 18:
        raise CardReadError(
            f"身份证号校验失败：读卡器送来{len(number)}个字符，应为18位身份证号，请检查读卡器的输出设置",
            kind="bad_data",
        )
    try:
        return idcard.parse(number).number
    except idcard.IdNumberError as err:
        raise CardReadError(f"身份证号校验失败：{err}", kind="bad_data") from err
