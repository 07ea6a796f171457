"""The rows of the 证明台账 and the 预约台账: certificates issued and window times booked, each
narrowed through the resident they belong to (a grid worker: residents of their grids)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    APPOINTMENT_STATUSES,
    Appointment,
    Building,
    Certificate,
    CertificateTemplate,
    Household,
    Resident,
    User,
)
from app.services.exports.case_rows import local
from app.services.exports.filters import Resolved, check_choice

CERTIFICATE_STATUSES = {"valid": "有效", "voided": "已作废"}
CERTIFICATE_CHANNELS = {"desk": "窗口", "kiosk": "自助终端", "batch": "批量", "cli": "命令行"}
APPOINTMENT_CHANNELS = {"kiosk": "自助终端", "desk": "窗口"}


@dataclass(frozen=True, slots=True)
class CertificateLedgerRow:
    serial: str
    title: str
    holder_name: str
    holder_id: str
    issue_date: dt.date
    issued_by: str  # the staff member's name
    channel: str
    status: str
    reprints: int
    void_reason: str


@dataclass(frozen=True, slots=True)
class AppointmentLedgerRow:
    day: dt.date
    slot: str
    holder_name: str
    holder_id: str
    phone: str
    item_name: str
    status: str
    channel: str
    booked_at: dt.datetime


def _in_scope(resolved: Resolved, resident_column):
    """The residents the reader may see, and of the chosen grid; None when nothing narrows."""
    if resolved.scope.whole_street and resolved.grid_id is None:
        return None
    people = select(Resident.id).where(resolved.scope.resident_filter())
    if resolved.grid_id is not None:
        people = people.join(Household, Resident.household_id == Household.id).join(
            Building, Household.building_id == Building.id
        )
        people = people.where(Building.grid_id == resolved.grid_id)
    return resident_column.in_(people)


def certificate_rows(session: Session, resolved: Resolved) -> list[CertificateLedgerRow]:
    """Certificates issued in the period (issue dates, inclusive), oldest first."""
    flt = resolved.flt
    check_choice(flt.status, CERTIFICATE_STATUSES, "证明状态")
    stmt = (
        select(Certificate, CertificateTemplate.title, Resident.id_number)
        .outerjoin(CertificateTemplate, CertificateTemplate.code == Certificate.template_code)
        .outerjoin(Resident, Resident.id == Certificate.resident_id)
    )
    narrowed = _in_scope(resolved, Certificate.resident_id)
    if narrowed is not None:
        stmt = stmt.where(narrowed)
    if flt.status:
        stmt = stmt.where(Certificate.status == flt.status)
    if flt.template_code:
        stmt = stmt.where(Certificate.template_code == flt.template_code)
    if flt.date_from:
        stmt = stmt.where(Certificate.issue_date >= flt.date_from)
    if flt.date_to:
        stmt = stmt.where(Certificate.issue_date <= flt.date_to)
    stmt = stmt.order_by(Certificate.issued_at, Certificate.id)
    names = dict(session.execute(select(User.username, User.display_name)).all())
    return [
        CertificateLedgerRow(
            serial=c.serial,
            title=title or c.template_code,
            holder_name=c.holder_name,
            holder_id=resolved.id_text(id_number),
            issue_date=c.issue_date,
            issued_by=names.get(c.issued_by, c.issued_by),
            channel=CERTIFICATE_CHANNELS.get(c.channel, c.channel),
            status=CERTIFICATE_STATUSES.get(c.status, c.status),
            reprints=c.reprints,
            void_reason=c.void_reason,
        )
        for c, title, id_number in session.execute(stmt)
    ]


def appointment_rows(session: Session, resolved: Resolved) -> list[AppointmentLedgerRow]:
    """Appointments for days in the period (inclusive), by day and slot."""
    flt = resolved.flt
    check_choice(flt.status, APPOINTMENT_STATUSES, "预约状态")
    stmt = select(Appointment, Resident.id_number).outerjoin(Resident, Resident.id == Appointment.resident_id)
    narrowed = _in_scope(resolved, Appointment.resident_id)
    if narrowed is not None:
        stmt = stmt.where(narrowed)
    if flt.status:
        stmt = stmt.where(Appointment.status == flt.status)
    if flt.date_from:
        stmt = stmt.where(Appointment.day >= flt.date_from)
    if flt.date_to:
        stmt = stmt.where(Appointment.day <= flt.date_to)
    stmt = stmt.order_by(Appointment.day, Appointment.slot, Appointment.id)
    return [
        AppointmentLedgerRow(
            day=a.day,
            slot=a.slot,
            holder_name=a.holder_name,
            holder_id=resolved.id_text(id_number),
            phone=resolved.phone_text(a.phone),
            item_name=a.item_name,
            status=APPOINTMENT_STATUSES.get(a.status, a.status),
            channel=APPOINTMENT_CHANNELS.get(a.channel, a.channel),
            booked_at=local(a.created_at),
        )
        for a, id_number in session.execute(stmt)
    ]
