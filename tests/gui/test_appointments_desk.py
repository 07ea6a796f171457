"""Kiosk bookings at the desk: the day's list for the windows, and marking a visit."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from sqlalchemy import select

from app.models import AuditEntry, Household
from app.services.kiosk import service as kiosk
from app.views.desk.appointments_page import AppointmentsPage
from app.views.desk.context import StaffUser
from app.views.desk_app import application, desk_context


def test_the_days_bookings_are_listed_and_can_be_marked_attended(qtbot, demo_db):
    application()
    with demo_db.sessions.begin() as session:
        person = session.scalars(select(Household).where(Household.members.any()).limit(1)).one().members[0]
        day = kiosk.bookable_days(session, dt.date.today())[0]
        slot = kiosk.available_slots(session, day)[0][0]
        kiosk.book(session, person.id, day=day, slot=slot, phone="13900001111")
    page = AppointmentsPage(desk_context(demo_db, StaffUser("qiantai", "李静", "front_desk")))
    qtbot.addWidget(page)
    page.day.setDate(QDate(day.year, day.month, day.day))
    page.reload()
    assert page.model.rowCount() == 1
    assert page.model.index(0, 1).data() == person.name and page.model.index(0, 0).data() == slot
    assert "待办理 1 个" in page.count.text()
    page.table.selectRow(0)
    page.attended()
    assert "待办理 0 个" in page.count.text()
    with demo_db.sessions() as session:
        purposes = [
            e.purpose for e in session.scalars(select(AuditEntry).where(AuditEntry.actor == "qiantai"))
        ]
    assert any("预约名单" in p for p in purposes)
