"""What every ID-card reader gives the desk, whatever the hardware.

A reader is polled: ``read_card()`` returns ``None`` while no card lies on it, a ``CardData`` when
one was read, and raises ``CardReadError`` when something is really wrong (no reader, no driver,
a card that cannot be read). The error's text is a sentence for the front-desk staff and never
contains an ID number; ``kind`` lets the desk react without parsing the text.

Reads can block for up to a second on real hardware, so the desk polls from a worker thread.
"""

from __future__ import annotations

import datetime
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from app.services.common.idcard import mask

ERROR_KINDS = ("no_library", "no_reader", "read_failed", "bad_data", "unsupported")


class CardReadError(Exception):
    """A read failed; ``str(err)`` is a Chinese sentence for the desk, e.g. 未找到读卡器（端口1001）.

    kinds: ``no_library`` (driver library missing or unusable), ``no_reader`` (port cannot be
    opened), ``read_failed`` (the reader reported an error, e.g. the card was moved during the
    read), ``bad_data`` (the card's content is inconsistent), ``unsupported`` (another kind of
    card, e.g. a foreigner's permanent residence card)."""

    def __init__(self, message: str, kind: str = "read_failed") -> None:
        if kind not in ERROR_KINDS:
            raise ValueError(f"unknown CardReadError kind: {kind!r}")
        super().__init__(message)
        self.kind = kind

    def __reduce__(self):  # keep ``kind`` when pickled (e.g. across processes)
        return (type(self), (str(self), self.kind))


@dataclass(frozen=True, repr=False)
class CardData:
    """The text part of a second-generation resident ID card (and its raw photo).

    ``id_number`` is normalised and validated; ``sex`` is "male" or "female"; ``ethnicity`` is the
    name with 族 ("汉族"). A card valid for life ("长期") has ``long_term`` True and ``valid_to``
    None. ``photo_wlt`` is the 1024-byte "wlt" photo exactly as read; only the reader vendor's
    library can turn it into a picture. ``repr`` masks the ID number and leaves out the address
    and the photo, so logging a CardData by accident does not leak them."""

    name: str
    sex: str
    ethnicity: str
    birth_date: datetime.date
    address: str
    id_number: str
    authority: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    long_term: bool
    photo_wlt: bytes | None = None

    def __repr__(self) -> str:
        photo = "None" if self.photo_wlt is None else f"<{len(self.photo_wlt)} bytes>"
        return (
            f"CardData(name={self.name!r}, sex={self.sex!r}, ethnicity={self.ethnicity!r}, "
            f"birth_date={self.birth_date!r}, id_number={mask(self.id_number)!r}, "
            f"address=<{len(self.address)} chars>, authority={self.authority!r}, "
            f"valid_from={self.valid_from!r}, valid_to={self.valid_to!r}, "
            f"long_term={self.long_term!r}, photo_wlt={photo})"
        )

    def is_expired(self, today: datetime.date) -> bool:
        """True when the card's validity ended before ``today`` (a long-term card never expires)."""
        return not self.long_term and self.valid_to is not None and self.valid_to < today


@runtime_checkable
class CardReader(Protocol):
    """The interface the desk uses for any reader (SDT API, vendor SDKs, the fake)."""

    name: str

    def open(self) -> None:
        """Connect to the reader; raises CardReadError when it cannot be found."""
        ...

    def close(self) -> None:
        """Release the reader; safe to call twice or without ``open``."""
        ...

    def read_card(self) -> CardData | None:
        """One poll: None when no card is present now, else the card; raises CardReadError."""
        ...


class FakeReader(CardReader):
    """A reader without hardware, for tests and the desk's demo mode.

    Each ``read_card()`` hands out the next queued item: a CardData is returned, ``None`` means
    "no card on the reader this time", and an exception is raised (to rehearse errors). When the
    queue is empty it answers None, like a reader with nothing on it. Thread-safe, because the
    desk polls from a worker thread while a test or the demo queues cards from another."""

    name = "模拟读卡器"

    def __init__(self, cards: Iterable[CardData | BaseException | None] = (), *, fail_open: bool = False):
        self._queue: deque[CardData | BaseException | None] = deque(cards)
        self._lock = threading.Lock()
        self._fail_open = fail_open
        self.is_open = False
        self.reads = 0

    def put(self, item: CardData | BaseException | None) -> None:
        """Queue a card (or None, or an exception) for a later ``read_card``."""
        with self._lock:
            self._queue.append(item)

    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def open(self) -> None:
        if self._fail_open:
            raise CardReadError("未找到读卡器（模拟）", kind="no_reader")
        self.is_open = True

    def close(self) -> None:
        self.is_open = False

    def read_card(self) -> CardData | None:
        if not self.is_open:
            self.open()
        with self._lock:
            self.reads += 1
            item = self._queue.popleft() if self._queue else None
        if isinstance(item, BaseException):
            raise item
        return item

    def __enter__(self) -> FakeReader:
        self.open()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
