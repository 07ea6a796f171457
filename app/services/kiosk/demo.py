"""What ``yichuang kiosk --screenshot`` shows: a demo resident with a little history, inside a
database whose every change is undone when the picture has been taken."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db import Database
from app.models import PartyMeeting, PartyMember, Resident
from app.services.cases import intake, workflow
from app.services.kiosk.booking import book, bookable_days
from app.services.kiosk.common import load_settings
from app.services.kiosk.request import submit_request


@contextlib.contextmanager
def rolled_back(db: Database) -> Iterator[Database]:
    """The same database seen through one connection whose every commit is undone at the end.
    Everything must then run on that one connection's thread."""
    connection = db.engine.connect()
    outer = connection.begin()
    # SQLite's driver sends no BEGIN, so a session's savepoint would be the outermost one and its
    # RELEASE a commit; a savepoint held open here keeps every later one nested inside it.
    connection.begin_nested()
    try:
        sessions = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        yield Database(db.engine, sessions)
    finally:
        outer.rollback()
        connection.close()


def prepare_demo_resident(session: Session, today: dt.date) -> str | None:
    """Give the first registered resident a finished window case, a running request and a
    booking; returns their ID number (None when the database has no registered resident)."""
    resident = session.scalar(
        select(Resident).where(Resident.household_id.is_not(None)).order_by(Resident.id).limit(1)
    )
    if resident is None:
        return None
    with contextlib.suppress(Exception):
        item = intake.find_item(session, "ZM-001")
        case = intake.accept(
            session,
            item_code=item.code,
            resident=resident,
            materials_received=list(item.materials),
            actor="demo",
            today=today,
        )
        workflow.apply(session, case, "dispatch", actor="demo", to="第一网格")
        workflow.apply(session, case, "complete", actor="demo", note="已开具")
    submit_request(
        session,
        resident.id,
        category="设施报修",
        text="3号楼2单元门口路灯坏了",
        phone="13812345678",
        today=today,
    )
    day = bookable_days(session, today)[1]
    book(session, resident.id, day=day, slot=load_settings(session).slots[2], today=today)
    return resident.id_number


def demo_member_number(session: Session, today: dt.date) -> str | None:
    """The ID number of a member of the street whose branch meets on ``today`` (the demo's 党课),
    for the picture of the 签到 page; None when no branch meets that day."""
    return session.scalar(
        select(Resident.id_number)
        .join(PartyMember, PartyMember.resident_id == Resident.id)
        .join(PartyMeeting, PartyMeeting.branch_id == PartyMember.branch_id)
        .where(PartyMeeting.held_on == today, PartyMember.left_on.is_(None))
        .order_by(Resident.id)
        .limit(1)
    )
