"""What the front desk's resident panel reads on a swipe: the audited lookup, the photo, the
person's cases and certificates, in the caller's one short transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Resident, ResidentPhoto
from app.services.cases.search import CaseFilter, find_cases
from app.services.certificates.register import register_rows
from app.services.population.lookup import lookup


@dataclass(frozen=True)
class DeskRecord:
    """Everything the resident panel shows, read in one short transaction."""

    record: dict[str, Any]
    photo: bytes | None
    cases: list  # CaseRow, newest first
    certificates: list  # RegisterRow, newest first


def lookup_for_desk(
    session: Session, id_text: str, *, actor: str, purpose: str, today: dt.date | None = None
) -> DeskRecord:
    """The audited lookup plus the photo and the person's cases. The caller commits."""
    today = today or dt.date.today()
    record = lookup(session, id_text, actor=actor, purpose=purpose, today=today)
    resident_id = session.scalar(select(Resident.id).where(Resident.id_number == record["id_number"]))
    photo = session.get(ResidentPhoto, resident_id)
    cases = find_cases(session, CaseFilter(applicant_id_number=record["id_number"], limit=50), today=today)
    certificates = register_rows(session, text=record["id_number"], limit=50)
    return DeskRecord(record, photo.image if photo else None, cases, certificates)
