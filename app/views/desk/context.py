"""What every desk screen needs: the database, who is signed in, the centre they serve, where slow
work runs (``runner``: Qt's thread pool at the desk, at once in tests) and how a document is
previewed and printed (``preview``: the real dialog, or one whose printer writes a file in tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.db import Database
from app.printing.qt_bridge import PdfPreviewDialog
from app.views.ops import Runner, ThreadRunner


@dataclass(frozen=True)
class StaffUser:
    username: str
    display_name: str
    role: str

    @property
    def sees_full_id_numbers(self) -> bool:
        """Front-desk and back-office staff and administrators handle the case files and see full
        numbers; grid workers and the kiosk see them masked."""
        return self.role in ("admin", "front_desk", "back_office")


@dataclass(frozen=True)
class DeskContext:
    db: Database
    user: StaffUser
    community_code: str
    community_name: str
    centre_name: str
    centre_phone: str
    runner: Runner = field(default_factory=ThreadRunner)
    preview: Callable[..., PdfPreviewDialog] = PdfPreviewDialog
