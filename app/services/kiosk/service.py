"""The self-service kiosk (自助服务终端) as use cases, no Qt: a resident with nothing but an ID
card identifies, prints an allowed certificate, follows their own cases, files a request (诉求),
books a window time and rates a finished case.

"只凭一张身份证" means the card itself. A number typed on the keypad proves nothing about who is
typing it, so a typed number (:func:`identify_typed`) may only do what reveals nothing: file a
request, book a window time (:func:`book_by_number`). Its answers carry no name, case or
certificate and are the same whether or not anybody on record has the number; seeing cases,
bookings and printing certificates need the card read by the reader (:func:`identify`).

Privacy rules every function keeps: a function acts only for the resident the kiosk identified
(somebody else's case or booking is answered exactly like a missing one); what it returns for the
screen is masked; every action writes an audit entry with actor "kiosk" whose subject is the
first 16 hex digits of the keyed hash of the resident's ID number (HMAC-SHA256 under this
installation's secret, :mod:`app.services.kiosk.audit_key`; never the number or the name).

Nothing here commits. The screen commits after each action succeeded, and for anything printed
only after the printer accepted the job: a jammed or missing printer rolls back, so nothing is
recorded as printed (nor counted against the daily limit).

Identification lives here; certificates, cases, requests, bookings and the shared settings, PIN
and masking in their own modules of this package. All are re-exported here, the one module the
screens and commands import.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.services.kiosk.booking import (
    AppointmentRow,
    KioskAppointment,
    SlotPlaces,
    available_slots,
    book,
    book_by_number,
    bookable_days,
    cancel_appointment,
    day_appointments,
    mark_attended,
    my_appointments,
)
from app.services.kiosk.cases import KioskCase, my_cases, next_step, rate_case
from app.services.kiosk.certificates import (
    KioskTemplate,
    print_certificate,
    prints_left_today,
    self_service_templates,
)
from app.services.kiosk.common import (
    KioskError,
    KioskSettings,
    canonical_number,
    check_admin_pin,
    id_hash,
    load_settings,
    mask_phone,
    masked_name,
    record,
    resident_by_number,
    save_settings,
    set_admin_pin,
)
from app.services.kiosk.request import REQUEST_DAYS, REQUEST_TEXT_LIMIT, request_due, submit_request
from app.services.kiosk.wishes import KioskWish, kiosk_my_wishes, kiosk_post_wish, kiosk_rate_wish
from app.services.population.lookup import LookupFailed, find_resident

__all__ = [
    "REQUEST_DAYS",
    "REQUEST_TEXT_LIMIT",
    "AppointmentRow",
    "KioskAppointment",
    "KioskCase",
    "KioskError",
    "KioskResident",
    "KioskSettings",
    "KioskTemplate",
    "KioskWish",
    "SlotPlaces",
    "available_slots",
    "book",
    "book_by_number",
    "bookable_days",
    "cancel_appointment",
    "check_admin_pin",
    "day_appointments",
    "id_hash",
    "identify",
    "identify_typed",
    "kiosk_my_wishes",
    "kiosk_post_wish",
    "kiosk_rate_wish",
    "load_settings",
    "mark_attended",
    "masked_name",
    "my_appointments",
    "my_cases",
    "next_step",
    "print_certificate",
    "prints_left_today",
    "rate_case",
    "request_due",
    "save_settings",
    "self_service_templates",
    "set_admin_pin",
    "submit_request",
]


@dataclass(frozen=True, slots=True)
class KioskResident:
    """The identified resident, as the kiosk may hold and show it."""

    resident_id: int
    masked_name: str  # 张*
    # living here and registered in a household (一户一档): address, grid and household certificates work
    has_record: bool
    grid_name: str  # "" when not in a household
    phone_masked: str  # 138****5678, "" when none on record


def identify(session: Session, id_text: str) -> KioskResident | None:
    """The resident with this ID number (card or typed), or None when the number is valid but
    nobody in the population base has it. Raises KioskError for an invalid number. Audited as
    "kiosk_identify" either way; the caller commits."""
    number = canonical_number(id_text)
    hashed = id_hash(number)
    try:
        resident = find_resident(session, number)
    except LookupFailed as exc:
        if exc.kind == "invalid":
            raise KioskError("身份证号码好像不对，请核对后重新输入，或把身份证放到读卡区") from None
        record(session, "kiosk_identify", hashed=hashed, detail="人口库无记录")
        return None
    household = resident.household
    grid_name = household.building.grid.name if household is not None else ""
    record(session, "kiosk_identify", hashed=hashed, resident_id=resident.id)
    return KioskResident(
        resident_id=resident.id,
        masked_name=masked_name(resident.name),
        has_record=household is not None and resident.living,
        grid_name=grid_name,
        phone_masked=mask_phone(resident.phone),
    )


def identify_typed(session: Session, id_text: str) -> str:
    """A number typed on the keypad: its canonical form, for a request or a booking, and nothing
    else, whether or not anybody on record has it. Raises KioskError for an invalid number.
    Audited as "kiosk_identify" (with the resident, for the staff); the caller commits."""
    number = canonical_number(id_text)
    resident = resident_by_number(session, number)
    record(
        session,
        "kiosk_identify",
        hashed=id_hash(number),
        resident_id=resident.id if resident is not None else None,
        detail="手动输入号码" if resident is not None else "手动输入号码；人口库无记录",
    )
    return number
