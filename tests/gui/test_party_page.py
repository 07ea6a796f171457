"""The 党建 tab: last month's missing meeting is flagged, and a resident is added as a member by
typing their ID number as a card reader does."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import Building, Grid, Household, PartyMember, Resident
from tests.gui.test_intake_flow import desk  # noqa: F401  (the signed-in front desk)


def test_add_a_member_from_a_lookup(qtbot, desk, demo_db):  # noqa: F811
    with demo_db.sessions() as session:
        resident, code = session.execute(
            select(Resident, Grid.code)
            .join(Household, Resident.household_id == Household.id)
            .join(Building, Household.building_id == Building.id)
            .join(Grid, Building.grid_id == Grid.id)
            .where(
                Resident.id.not_in(
                    select(PartyMember.resident_id).where(PartyMember.resident_id.is_not(None))
                ),
                Resident.state == "living",
            )
            .limit(1)
        ).one()
    desk.tabs.setCurrentWidget(desk.party)
    page = desk.party
    assert page.model.rowCount() > 0
    assert page.warning.text().startswith("上月")
    qtbot.keyClicks(page.id_field, resident.id_number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    qtbot.keyClicks(page.grid_field, code)
    qtbot.keyClick(page.grid_field, Qt.Key.Key_Return)
    assert page.message.text().startswith(f"已登记：{resident.name}")
    names = [page.model.rows[i].name for i in range(page.model.rowCount())]
    assert resident.name in names
    shown = [page.model.data(page.model.index(i, 1)) for i in range(page.model.rowCount())]
    assert resident.id_number not in shown
