"""What every desk screen needs: the database, who is signed in, the centre they serve, where slow
work runs (``runner``: Qt's thread pool at the desk, at once in tests) and how a document is
previewed and printed (``preview``: the real dialog, or one whose printer writes a file in tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.db import Database
from app.services.admin.access import role_sees_full_data
from app.services.admin.scope import WHOLE_STREET, Scope
from app.views.ops import Runner, ThreadRunner

if TYPE_CHECKING:
    from app.printing.qt_bridge import PdfPreviewDialog


def pdf_preview(*args, **kwargs) -> PdfPreviewDialog:
    """The real print preview. Qt's PDF and print modules load with the first preview rather than
    at start-up, where they would cost every desk start about 3 % more work for a dialog many
    sessions never open."""
    from app.printing.qt_bridge import PdfPreviewDialog

    return PdfPreviewDialog(*args, **kwargs)


@dataclass(frozen=True)
class StaffUser:
    username: str
    display_name: str
    role: str

    @property
    def sees_full_id_numbers(self) -> bool:
        """Front-desk and back-office staff and administrators handle the case files and see full
        numbers; grid workers and the kiosk see them masked."""
        return role_sees_full_data(self.role)


@dataclass(frozen=True)
class DeskContext:
    db: Database
    user: StaffUser
    community_code: str
    community_name: str
    centre_name: str
    centre_phone: str
    runner: Runner = field(default_factory=ThreadRunner)
    preview: Callable[..., PdfPreviewDialog] = pdf_preview
    scope: Scope = WHOLE_STREET  # a grid worker's grids: every list and lookup is narrowed to them
