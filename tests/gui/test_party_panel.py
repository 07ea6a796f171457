"""The resident panel shows a swiped person's party membership, and nothing for a non-member."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import PartyMember, Resident
from tests.gui.test_intake_flow import desk  # noqa: F401  (the signed-in front desk)


def _swipe(qtbot, page, id_number: str) -> None:
    page.id_field.clear()
    qtbot.keyClicks(page.id_field, id_number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)


def test_the_panel_shows_membership(qtbot, desk, demo_db):  # noqa: F811
    with demo_db.sessions() as session:
        member = session.scalars(select(PartyMember).where(PartyMember.status == "full").limit(1)).one()
        resident = session.get(Resident, member.resident_id)
        other = session.scalars(
            select(Resident)
            .where(
                Resident.id.not_in(
                    select(PartyMember.resident_id).where(PartyMember.resident_id.is_not(None))
                ),
                Resident.household_id.is_not(None),
            )
            .limit(1)
        ).one()
    page = desk.intake
    _swipe(qtbot, page, resident.id_number)
    assert page.panel.name.text() == resident.name
    assert page.panel.fields["party"].text().startswith("正式党员 · 第")
    _swipe(qtbot, page, other.id_number)
    assert page.panel.name.text() == other.name
    assert page.panel.fields["party"].text() == "—"
