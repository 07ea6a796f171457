"""Window appointments (一键预约): the centre's time slots, their places left, booking and
cancelling at the kiosk, and the day's list for the windows. Import from
:mod:`app.services.kiosk.service`.

Booking happens in one transaction that takes SQLite's write lock before it counts (see
``_take_write_lock``): a second kiosk or desk booking at the same moment waits, then counts the
first booking too. So two people can never get the last place together, nor one person the same
slot twice (a partial unique index on booked rows guards that as well). The caller commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import APPOINTMENT_STATUSES, Appointment, Resident, ServiceItem
from app.models.base import as_local, utcnow
from app.services.admin.centre import current_community
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.common import audit
from app.services.common.workdays import WorkCalendar
from app.services.kiosk.common import (
    UNREGISTERED_NAME,
    KioskError,
    canonical_number,
    get_resident,
    id_hash,
    load_settings,
    normalise_mobile,
    record,
    resident_by_number,
    slot_start,
)

DEFAULT_ITEM_NAME = "窗口办事"
# Open bookings one ID number may hold: a person needs one or two; a number typed on the keypad
# (anyone's, or made up) could otherwise fill every window time of the fortnight.
OPEN_BOOKINGS_LIMIT = 3


class SlotPlaces(NamedTuple):
    """A time slot of one day and how many places it has left."""

    slot: str
    left: int


@dataclass(frozen=True, slots=True)
class KioskAppointment:
    """One of the resident's own bookings, as the kiosk shows it."""

    id: int
    day: dt.date
    slot: str
    item_name: str


@dataclass(frozen=True)
class AppointmentRow:
    """One line of the windows' list for a day: the full name is for staff only."""

    id: int
    day: dt.date
    slot: str
    holder_name: str
    phone: str
    item_code: str
    item_name: str
    status: str
    status_name: str
    channel: str
    resident_id: int | None
    created_at: dt.datetime  # UTC

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "day": self.day.isoformat(),
            "slot": self.slot,
            "holder_name": self.holder_name,
            "phone": self.phone,
            "item_code": self.item_code,
            "item": self.item_name,
            "status": self.status,
            "status_name": self.status_name,
            "channel": self.channel,
            "created_at": as_local(self.created_at).isoformat(timespec="seconds"),
        }


def _booked_count(session: Session, community_id: int, day: dt.date, slot: str | None = None):
    stmt = select(Appointment.slot, func.count()).where(
        Appointment.community_id == community_id, Appointment.day == day, Appointment.status == "booked"
    )
    if slot is not None:
        stmt = stmt.where(Appointment.slot == slot)
    return dict(session.execute(stmt.group_by(Appointment.slot)).all())


def available_slots(session: Session, day: dt.date) -> list[SlotPlaces]:
    """Every configured slot of ``day`` with its places left, in the configured order."""
    settings = load_settings(session)
    booked = _booked_count(session, current_community(session).id, day)
    return [SlotPlaces(slot, max(0, settings.slot_capacity - booked.get(slot, 0))) for slot in settings.slots]


def bookable_days(session: Session, today: dt.date) -> list[dt.date]:
    """The next ``booking_days`` working days after ``today`` (holidays and weekends skipped,
    调休 working weekends included). Today itself is not offered: whoever is at the kiosk
    today takes a queue number instead."""
    settings = load_settings(session)
    calendar = WorkCalendar.load(session)
    days: list[dt.date] = []
    day = today
    while len(days) < settings.booking_days:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            days.append(day)
    return days


def book(
    session: Session,
    resident_id: int,
    *,
    day: dt.date,
    slot: str,
    item_code: str | None = None,
    phone: str = "",
    today: dt.date | None = None,
    channel: str = "kiosk",
) -> Appointment:
    """Book ``slot`` on ``day`` for the resident; the caller commits, then prints the slip.

    Raises KioskError when the day is not bookable, the slot does not exist or is full, or the
    resident already holds this slot. ``phone`` defaults to the number on record.
    """
    resident = get_resident(session, resident_id)
    return _book(
        session,
        resident.id_number,
        resident,
        _Request(day, slot, item_code, phone, today or dt.date.today(), channel),
        typed=False,
    )


def book_by_number(
    session: Session, id_text: str, *, day: dt.date, slot: str, today: dt.date | None = None
) -> Appointment:
    """Book for a typed number, whoever has it: the resident on record (their phone on record,
    their name on the windows' list), or nobody ("未登记居民"). Everything the kiosk can see of
    it is the same either way, so a second booking of a slot the number already holds is that
    same booking again, not an error that would tell the typist what the number's owner did.
    The caller commits, then prints a slip without a name."""
    number = canonical_number(id_text)
    request = _Request(day, slot, None, "", today or dt.date.today(), "kiosk")
    return _book(session, number, resident_by_number(session, number), request, typed=True)


class _Request(NamedTuple):
    day: dt.date
    slot: str
    item_code: str | None
    phone: str
    today: dt.date
    channel: str


def _book(
    session: Session, number: str, resident: Resident | None, request: _Request, *, typed: bool
) -> Appointment:
    day, slot, item_code = request.day, request.slot, request.item_code
    settings = load_settings(session)
    if day not in bookable_days(session, request.today):
        raise KioskError("这一天不能预约，请选择屏幕上列出的日期")
    if slot not in settings.slots:
        raise KioskError("请选择屏幕上列出的时间段")
    item_name = DEFAULT_ITEM_NAME
    if item_code:
        item = session.scalar(
            select(ServiceItem).where(ServiceItem.code == item_code, ServiceItem.active.is_(True))
        )
        if item is None:
            raise KioskError("这项业务现在不能预约，请到窗口咨询")
        item_name = item.name
    on_record = (resident.phone or "") if resident is not None else ""
    phone = normalise_mobile(request.phone) if request.phone.strip() else on_record
    hashed = id_hash(number)
    community = current_community(session)
    _take_write_lock(session)
    held = _own_booking(session, community.id, day, slot, hashed, resident)
    if held is not None and typed:
        return held
    if _booked_count(session, community.id, day, slot).get(slot, 0) >= settings.slot_capacity:
        raise KioskError("这个时间段已经约满了，请换一个时间段")
    if held is not None:
        raise KioskError("您已经预约了这个时间段，不用重复预约")
    if _open_bookings(session, community.id, request.today, hashed, resident) >= OPEN_BOOKINGS_LIMIT:
        raise KioskError(
            f"这个身份证号码已有{OPEN_BOOKINGS_LIMIT}个未到期的预约，请先办理或到窗口取消后再预约"
        )
    appointment = Appointment(
        community_id=community.id,
        day=day,
        slot=slot,
        resident_id=resident.id if resident is not None else None,
        holder_hash=hashed,
        holder_name=resident.name if resident is not None else UNREGISTERED_NAME,
        phone=phone,
        item_code=item_code or "",
        item_name=item_name,
        status="booked",
        channel=request.channel,
        created_at=utcnow(),
    )
    session.add(appointment)
    try:
        session.flush()
    except IntegrityError:  # the partial unique index: only if the lock above was bypassed
        raise KioskError("您已经预约了这个时间段，不用重复预约") from None
    record(
        session,
        "kiosk_book",
        hashed=hashed,
        resident_id=appointment.resident_id,
        detail=f"{day.isoformat()} {slot} {item_name}" + ("（手动输入号码）" if typed else ""),
    )
    return appointment


def _take_write_lock(session: Session) -> None:
    """A write that changes nothing, first: SQLite grants the transaction its write lock here, so
    the counts that follow cannot change before the new booking is stored (another kiosk or desk
    waits for the busy timeout). On PostgreSQL it is a harmless no-op."""
    session.execute(
        update(Appointment).where(false()).values(status=Appointment.status),
        execution_options={"synchronize_session": False},
    )


def _own_booking(
    session: Session, community_id: int, day: dt.date, slot: str, hashed: str, resident: Resident | None
) -> Appointment | None:
    """The booking this person already holds in this slot: by the keyed hash of their number, or
    by their record (a booking the desk made before the hash was keyed)."""
    holder = Appointment.holder_hash == hashed
    if resident is not None:
        holder = or_(holder, Appointment.resident_id == resident.id)
    return session.scalars(
        select(Appointment)
        .where(
            Appointment.community_id == community_id,
            Appointment.day == day,
            Appointment.slot == slot,
            Appointment.status == "booked",
            holder,
        )
        .limit(1)
    ).first()


def _open_bookings(
    session: Session, community_id: int, today: dt.date, hashed: str, resident: Resident | None
) -> int:
    holder = Appointment.holder_hash == hashed
    if resident is not None:
        holder = or_(holder, Appointment.resident_id == resident.id)
    return (
        session.scalar(
            select(func.count(Appointment.id)).where(
                Appointment.community_id == community_id,
                Appointment.status == "booked",
                Appointment.day >= today,
                holder,
            )
        )
        or 0
    )


def my_appointments(session: Session, resident_id: int, today: dt.date) -> list[KioskAppointment]:
    """The resident's booked appointments from ``today`` on, soonest first."""
    stmt = (
        select(Appointment)
        .where(
            Appointment.resident_id == resident_id, Appointment.status == "booked", Appointment.day >= today
        )
        .order_by(Appointment.day, Appointment.slot, Appointment.id)
    )
    return [KioskAppointment(a.id, a.day, a.slot, a.item_name) for a in session.scalars(stmt)]


def cancel_appointment(
    session: Session, resident_id: int, appointment_id: int, *, now: dt.datetime | None = None
) -> None:
    """Cancel one of the resident's own bookings whose slot has not begun; the caller commits.
    Somebody else's booking is answered exactly like a missing one."""
    now = now or dt.datetime.now()
    appointment = session.get(Appointment, appointment_id)
    if appointment is None or appointment.resident_id != resident_id or appointment.status != "booked":
        raise KioskError("没有找到您的这个预约")
    if slot_start(appointment.day, appointment.slot) <= now:
        raise KioskError("这个预约的时间已经到了或已过去，不能再取消")
    resident = get_resident(session, resident_id)
    appointment.status = "cancelled"
    appointment.cancelled_at = utcnow()
    record(
        session,
        "kiosk_cancel",
        hashed=id_hash(resident.id_number),
        resident_id=resident_id,
        detail=f"{appointment.day.isoformat()} {appointment.slot}",
    )


def day_appointments(session: Session, day: dt.date, scope: Scope = WHOLE_STREET) -> list[AppointmentRow]:
    """Every appointment of this centre on ``day`` (booked, attended and cancelled), by slot; a
    grid worker's ``scope`` keeps those of residents of their grids."""
    community = current_community(session)
    stmt = (
        select(Appointment)
        .where(Appointment.community_id == community.id, Appointment.day == day)
        .order_by(Appointment.slot, Appointment.status != "booked", Appointment.id)
    )
    if not scope.whole_street:
        stmt = stmt.where(Appointment.resident_id.in_(select(Resident.id).where(scope.resident_filter())))
    return [_row(a) for a in session.scalars(stmt)]


def mark_attended(session: Session, appointment_id: int, *, actor: str) -> None:
    """The window saw the resident (desk side); the caller commits."""
    appointment = session.get(Appointment, appointment_id)
    if appointment is None or appointment.status != "booked":
        raise KioskError("这个预约不存在或已取消")
    appointment.status = "attended"
    entry = audit.record(
        session,
        actor=actor,
        action="appointment_attended",
        subject=appointment.holder_hash[:16],  # the keyed hash of the holder's number
        detail=f"{appointment.day.isoformat()} {appointment.slot}",
    )
    entry.resident_id = appointment.resident_id


def _row(a: Appointment) -> AppointmentRow:
    return AppointmentRow(
        id=a.id,
        day=a.day,
        slot=a.slot,
        holder_name=a.holder_name,
        phone=a.phone,
        item_code=a.item_code,
        item_name=a.item_name,
        status=a.status,
        status_name=APPOINTMENT_STATUSES.get(a.status, a.status),
        channel=a.channel,
        resident_id=a.resident_id,
        created_at=a.created_at,
    )
