"""What the kiosk's session is made of, without the session itself: the person's state, the
answers of its actions (printed, filed, booked), and what it asks of the window, the pages and
the printer. Kept apart from :mod:`app.views.kiosk.controller` so that the session's rules
stay readable on their own.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from app.services.kiosk import service as svc

log = logging.getLogger(__name__)
PRINTER_SILENT = "打印机没有响应"


class PageLike(Protocol):
    name: str
    needs: str  # "nobody", "identified", "booking", "card" or "record" (KioskController.may_show)

    def enter(self, **details: Any) -> str | None: ...

    def reset(self) -> None: ...


class Printer(Protocol):
    def print(self, pdf: bytes) -> None: ...


class Screen(Protocol):
    """What the session asks of the window."""

    def release_focus(self) -> None: ...

    def show_page(self, page: PageLike) -> None: ...

    def show_busy(self, text: str) -> None: ...

    def hide_busy(self) -> None: ...

    def clear(self) -> None:
        """Hide every overlay and forget half-read keystrokes: the person has gone."""


@dataclass(slots=True)
class KioskState:
    """Everything the kiosk knows about the person in front of it; replaced whole on wipe."""

    identified: bool = False
    by_card: bool = False  # the number came from the card reader, not the keypad
    resident: svc.KioskResident | None = None  # only ever set by a card
    id_text: str = ""  # a typed number, or a card without a record: for their request; never shown
    category: str = ""
    request_text: str = ""


@dataclass(frozen=True, slots=True)
class Printed:
    """A certificate sent to the printer: its serial, or why the printer did not take it (then
    nothing was recorded)."""

    serial: str
    problem: str


@dataclass(frozen=True, slots=True)
class FiledRequest:
    case_no: str
    category: str
    due: dt.date
    slip_problem: str  # "" when the slip printed


@dataclass(frozen=True, slots=True)
class Booked:
    day: dt.date
    slot: str
    slip_problem: str  # "" when the slip printed


def plain_reason(exc: Exception, fallback: str) -> str:
    """The service's own sentence for a resident, or ``fallback`` for anything unforeseen (the
    log gets only its kind: messages may carry personal data)."""
    if isinstance(exc, svc.KioskError):
        return str(exc)
    log.warning("kiosk action failed: %s", type(exc).__name__)
    return fallback
