"""The demo street's population kept current: a few residents who moved away, a few who died
(one of them a head, succeeded by their spouse), one who came back and one corrected phone
number, each through the same use cases as the desk, so every one has its history entries.

Deterministic: the same households are chosen on every build (the example resident's is never).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models import HEAD_RELATION, LIVING, AuditEntry, Household, Resident
from app.services.admin.scope import WHOLE_STREET
from app.services.population.leaving import record_death, record_moved_away, record_return
from app.services.population.upkeep import ResidentEdit, edit_resident

ACTOR = "demo"
DESTINATIONS = [
    "西安市雁塔区电子城街道",
    "咸阳市秦都区渭阳街道",
    "宝鸡市金台区中山路街道",
    "北京市海淀区学院路街道",
]


@dataclass(frozen=True, slots=True)
class DemoChanges:
    moved_away: int
    died: int
    returned: int
    edited: int


def add_demo_changes(session: Session, today: dt.date, *, keep: str) -> DemoChanges:
    """Record the demo's changes (``keep``: an ID number whose household is left alone)."""
    session.flush()
    kept = session.scalar(select(Resident.household_id).where(Resident.id_number == keep))
    households = [
        h
        for h in session.scalars(select(Household).order_by(Household.id).limit(400))
        if h.id != kept and sum(m.state == LIVING for m in h.members) >= 3
    ]
    picked = households[5::23][:9]
    moved = died = returned = edited = 0
    for index, household in enumerate(picked):
        members = [m for m in household.members if m.state == LIVING]
        head = next(m for m in members if m.relation_to_head == HEAD_RELATION)
        others = [m for m in members if m is not head]
        adults = [m for m in others if m.age_on(today) >= 20] or others
        youngest = max(adults, key=lambda m: m.birth_date)  # the youngest grown-up
        day = today - dt.timedelta(days=20 + 37 * index)
        if index < 4 and youngest.birth_date < day:  # a grown child leaves for work or study
            record_moved_away(
                session,
                youngest.id_number,
                day=day,
                destination=DESTINATIONS[index],
                actor=ACTOR,
                scope=WHOLE_STREET,
                today=today,
            )
            moved += 1
            if index == 3:  # and comes back
                record_return(session, youngest.id_number, actor=ACTOR, scope=WHOLE_STREET)
                returned += 1
        elif 4 <= index < 7:  # an old member dies; the first time the head, succeeded by the oldest other
            person = head if index == 4 else min(others, key=lambda m: m.birth_date)
            successor = min(others, key=lambda m: m.birth_date) if person is head else None
            record_death(
                session,
                person.id_number,
                day=day,
                actor=ACTOR,
                scope=WHOLE_STREET,
                today=today,
                new_head=successor.id_number if successor else None,
            )
            died += 1
        else:  # a new phone number
            edit_resident(
                session,
                head.id_number,
                ResidentEdit(phone=f"1390919{index:04d}"),
                actor=ACTOR,
                scope=WHOLE_STREET,
            )
            edited += 1
    # The street is made up: its setup reads nobody's data and, like the bulk insert of its
    # residents, leaves the audit log empty for the centre's own work. The history stays.
    session.execute(delete(AuditEntry).where(AuditEntry.actor == ACTOR))
    session.flush()
    return DemoChanges(moved - returned, died, returned, edited)
