"""Fixtures of the kiosk's GUI tests (test_kiosk.py and test_kiosk_typed.py): a kiosk window on the
demo street, and a registered resident of it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Resident
from app.printing.qt_bridge import PrintError
from app.views.desk_app import application
from app.views.kiosk.theme import Display
from app.views.kiosk.window import KioskWindow
from app.views.ops import ImmediateRunner
from tests.conftest import DEMO_TODAY


class RecordingPrinter:
    """Takes every document (or refuses all with a reason, like a printer without paper)."""

    def __init__(self, fail: str | None = None):
        self.fail = fail
        self.pdfs: list[bytes] = []

    def print(self, pdf: bytes) -> None:
        if self.fail:
            raise PrintError(self.fail)
        self.pdfs.append(pdf)


@pytest.fixture
def make_kiosk(qtbot, demo_db):
    application()

    def make(**options) -> KioskWindow:
        options.setdefault("runner", ImmediateRunner())
        options.setdefault("printer", RecordingPrinter())
        options.setdefault("today", lambda: DEMO_TODAY)
        options.setdefault("display", Display(1920, 1080))  # a 21.5" panel; the offscreen screen is small
        window = KioskWindow(demo_db, **options)
        qtbot.addWidget(window, before_close_func=lambda w: w.unlock())
        window.resize(1920, 1080)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture
def person(demo_db) -> Resident:
    with demo_db.sessions() as session:
        return session.scalars(
            select(Resident).where(Resident.household_id.is_not(None)).order_by(Resident.id).limit(1)
        ).one()
