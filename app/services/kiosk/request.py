"""Requests (诉求) filed at the kiosk: a case on the "kiosk" channel, accepted at once, routed to
the resident's grid and answered within five working days. Anyone identified may file one: by
card, a person without a record too; by a typed number, whoever typed it, and the screen then
says the same whether the number is registered or not. The caller commits.

A request names the person who filed it by the keyed hash of their number only in the local audit
entry ("kiosk_request", its case number in the detail): the case and its events go to the street,
and a hash in them, keyed or not, would leave this desk.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, GridStaff
from app.models.base import utcnow
from app.models.staff import GRID_LEADER
from app.services.admin.centre import current_community
from app.services.admin.restored import RestoredCopyError
from app.services.cases import workflow
from app.services.cases.numbers import next_case_no
from app.services.common.idcard import redact
from app.services.common.workdays import WorkCalendar
from app.services.kiosk.common import (
    ACTOR,
    PAUSED,
    UNREGISTERED_NAME,
    KioskError,
    canonical_number,
    get_resident,
    id_hash,
    load_settings,
    normalise_mobile,
    record,
    resident_by_number,
)

REQUEST_DAYS = 5  # working days to answer a kiosk request
REQUEST_TEXT_LIMIT = 300


def request_due(session: Session, today: dt.date) -> dt.date:
    """The day a request filed today must be answered by (the slip prints it)."""
    return WorkCalendar.load(session).add_working_days(today, REQUEST_DAYS)


def _grid_leader(session: Session, grid_id: int) -> str:
    name = session.scalar(
        select(GridStaff.name)
        .where(GridStaff.grid_id == grid_id, GridStaff.role == GRID_LEADER)
        .order_by(GridStaff.sort_order, GridStaff.id)
        .limit(1)
    )
    return (name or "").strip()


def _case_no(session: Session, short_code: str, today: dt.date) -> str:
    try:
        return next_case_no(session, short_code, today)
    except RestoredCopyError:
        raise KioskError(PAUSED) from None


def submit_request(
    session: Session,
    resident_id: int | None,
    *,
    category: str,
    text: str,
    phone: str,
    id_text: str | None = None,
    typed: bool = False,
    today: dt.date | None = None,
) -> str:
    """File a request (诉求) as a case on the "kiosk" channel, accepted at once and due in five
    working days, routed to the resident's grid (owner: its grid leader). Without a
    ``resident_id`` the number in ``id_text`` names the person: the resident who has it, or
    nobody on record (the number itself is then kept only as its keyed hash, in the audit
    entry). ``typed`` says the number was typed, not read from the card: the case's event says so,
    for the staff who call back. Returns the case number; the caller commits, then prints the
    slip."""
    today = today or dt.date.today()
    if category not in load_settings(session).request_categories:
        raise KioskError("请先选择诉求类别")
    content = redact((text or "").strip())  # an ID number typed into the text is masked
    if len(content) > REQUEST_TEXT_LIMIT:
        raise KioskError(f"诉求内容最多{REQUEST_TEXT_LIMIT}个字，现在有{len(content)}个字，请删减一些")
    mobile = normalise_mobile(phone)
    resident, number = None, ""
    if resident_id is not None:
        resident = get_resident(session, resident_id)
        number = resident.id_number
    elif id_text and id_text.strip():
        number = canonical_number(id_text)
        resident = resident_by_number(session, number)
    hashed = id_hash(number) if number else ""
    household = resident.household if resident is not None else None
    grid_id = household.building.grid_id if household is not None else None
    community = current_community(session)
    now = utcnow()
    case = Case(
        origin_community=community.code,
        case_no=_case_no(session, community.short_code, today),
        community_id=community.id,
        channel="kiosk",
        status="accepted",
        item_id=None,
        item_code="",
        item_name=f"群众诉求（{category}）",
        promised_days=REQUEST_DAYS,
        resident_id=resident.id if resident else None,
        applicant_name=resident.name if resident else UNREGISTERED_NAME,
        applicant_id_number=resident.id_number if resident else "",
        applicant_phone=mobile,
        grid_id=grid_id,
        first_responder=ACTOR,
        owner=_grid_leader(session, grid_id) if grid_id is not None else "",
        content=content,
        address=resident.current_address if resident else "",
        received_at=now,
        accepted_at=now,
        due_date=request_due(session, today),
        materials_received=[],
        materials_missing=[],
        events=[],
    )
    session.add(case)
    data: dict[str, object] = {"category": category, "due_date": case.due_date.isoformat()}
    if typed:
        data["identified_by"] = "typed_number"  # not checked against the card
    workflow.record_event(case, actor=ACTOR, action="kiosk_request", note=category, data=data)
    record(session, "kiosk_request", hashed=hashed, resident_id=case.resident_id, detail=case.case_no)
    return case.case_no
