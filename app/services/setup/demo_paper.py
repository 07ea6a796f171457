"""The demo street's certificates and appointments over the last year, for the reports.

Certificates go through the same use case as the desk (issue, sign, register, audit; a few voided
through ``void``), with a renderer that draws no paper: the register keeps the digest of that
empty document, and a reprint renders the real one from the stored fields. Their dates are then
moved back to the day they stand for. Appointments are plain rows, as the kiosk's booking writes
them (attended or cancelled in the past, booked from today on).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.models import LIVING, Appointment, Certificate, CertificateTemplate, Resident
from app.models.base import local_midnight_utc
from app.services.admin.centre import current_community
from app.services.certificates.issue import CertificateError, RenderJob, issue_certificate
from app.services.certificates.register import void
from app.services.certificates.templates import spec_of
from app.services.common.workdays import WorkCalendar
from app.services.kiosk.common import id_hash

ACTORS = ["qiantai", "qiantai", "admin", "wangge"]
SLOTS = ["09:00-09:30", "09:30-10:00", "10:00-10:30", "14:30-15:00", "15:00-15:30", "16:00-16:30"]
NO_PAPER = b"%demo: no paper was printed\n"


class _NoPaper:
    def missing_glyphs(self, values: Mapping[str, object]) -> dict[str, list[str]]:
        return {}

    def render(self, job: RenderJob) -> bytes:
        return NO_PAPER

    def render_batch(self, jobs: list[RenderJob], drawn: Callable[[int], None]) -> bytes:
        for index in range(len(jobs)):
            drawn(index)
        return NO_PAPER


def _staff_values(template: CertificateTemplate) -> dict[str, object]:
    """Plausible values for what the staff fill in (the first choice, a round number, a date)."""
    values: dict[str, object] = {}
    for field in spec_of(template).fields:
        if not field.from_staff or (not field.required and field.type != "choice"):
            continue
        if field.choices:
            values[field.name] = field.choices[0]
        elif field.type == "number":
            values[field.name] = field.min or 0
        elif field.type == "date":
            values[field.name] = "2015-03-01"
        else:
            values[field.name] = "办理相关业务" if field.name == "purpose" else "演示"
    return values


def _workdays(calendar: WorkCalendar, today: dt.date, days: int) -> list[dt.date]:
    first = today - dt.timedelta(days=days - 1)
    return [d for d in (first + dt.timedelta(n) for n in range(days)) if calendar.is_workday(d)]


def add_demo_certificates(session: Session, *, seed: int, today: dt.date, count: int) -> int:
    """Issue about ``count`` certificates spread over the last year; about one in twenty voided."""
    rng = random.Random(seed * 104729 + 3)
    calendar = WorkCalendar.load(session)
    days = _workdays(calendar, today, 365)
    templates = list(session.scalars(select(CertificateTemplate).where(CertificateTemplate.active.is_(True))))
    people = list(
        session.scalars(
            select(Resident)
            .where(Resident.state == LIVING, Resident.household_id.is_not(None))
            .limit(count * 4)
        )
    )
    usable = [(t, _staff_values(t)) for t in sorted(templates, key=lambda t: t.code)]
    issued = 0
    for day in sorted(rng.choice(days) for _ in range(count)):
        template, values = rng.choice(usable)
        resident, actor = rng.choice(people), rng.choice(ACTORS)
        try:
            with session.begin_nested():
                done = issue_certificate(
                    session,
                    _NoPaper(),
                    template_code=template.code,
                    resident=resident,
                    staff_values=values,
                    actor="demo",
                    today=day,
                )
        except (CertificateError, ValueError):
            continue  # a template whose staff fields this sketch cannot fill: skip it
        moment = local_midnight_utc(day) + dt.timedelta(hours=9, minutes=rng.randrange(480))
        session.execute(
            update(Certificate)
            .where(Certificate.serial == done.serial)
            .values(issued_at=moment, issued_by=actor)
        )
        if rng.random() < 0.05:
            void(session, done.serial, "信息填写有误，已重新开具", actor)
            voided = min(moment + dt.timedelta(hours=1), local_midnight_utc(day + dt.timedelta(days=1)))
            session.execute(
                update(Certificate).where(Certificate.serial == done.serial).values(voided_at=voided)
            )
        issued += 1
    return issued


def add_demo_appointments(session: Session, *, seed: int, today: dt.date, count: int) -> int:
    rng = random.Random(seed * 15485863 + 5)
    calendar = WorkCalendar.load(session)
    community = current_community(session)
    past = _workdays(calendar, today, 365)
    future = [d for d in (today + dt.timedelta(n) for n in range(14)) if calendar.is_workday(d)]
    people = session.execute(
        select(Resident.id, Resident.name, Resident.id_number, Resident.phone)
        .where(Resident.state == LIVING)
        .limit(count * 3)
    ).all()
    taken: set[tuple[dt.date, str, int]] = set()
    rows = []
    for n in range(count):
        upcoming = n % 12 == 0 and future
        day = rng.choice(future if upcoming else past)
        slot, person = rng.choice(SLOTS), rng.choice(people)
        if (day, slot, person.id) in taken:
            continue
        taken.add((day, slot, person.id))
        created = local_midnight_utc(day - dt.timedelta(days=rng.randint(1, 6))) + dt.timedelta(hours=10)
        status = "booked" if day >= today else rng.choices(["attended", "cancelled"], [85, 15])[0]
        rows.append(
            {
                "community_id": community.id,
                "day": day,
                "slot": slot,
                "resident_id": person.id,
                "holder_hash": id_hash(person.id_number),
                "holder_name": person.name,
                "phone": person.phone,
                "item_code": "",
                "item_name": "证明开具",
                "status": status,
                "channel": rng.choice(["kiosk", "kiosk", "desk"]),
                "created_at": created,
                "cancelled_at": created + dt.timedelta(days=1) if status == "cancelled" else None,
            }
        )
    if rows:
        session.execute(insert(Appointment.__table__), rows)
    return len(rows)
