"""Taking a case at the window, as one use case for the desk and the command line: find the
applicant, record the outcome (accept, one-time notice of missing materials, refusal), commit.

The function owns its transaction so that nobody can show or print a case number too early: the
number it returns belongs to a case that is already on disk (SQLite with synchronous=FULL).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker

from app.services.admin.centre import CentreNotConfigured
from app.services.admin.restored import RestoredCopyError
from app.services.admin.scope import scope_for
from app.services.cases import intake
from app.services.common import audit
from app.services.population.lookup import OUT_OF_SCOPE, LookupFailed, find_resident

Outcome = Literal["accept", "supplement", "refuse"]

# What a caller shows the person instead of a traceback: each carries a sentence for them.
INTAKE_ERRORS: tuple[type[Exception], ...] = (
    intake.IntakeError,
    LookupFailed,
    CentreNotConfigured,
    RestoredCopyError,
)


@dataclass(frozen=True, slots=True)
class IntakeRequest:
    """One outcome for one applicant and one service item."""

    id_number: str
    item_code: str
    actor: str
    outcome: Outcome = "accept"
    materials_received: Sequence[str] | None = None  # None: everything the item asks for
    missing: Sequence[str] = ()  # for the one-time notice
    reason: str = ""  # for a refusal
    basis: str = ""  # its legal basis, if any
    agent: intake.Agent | None = None
    phone: str = ""
    note: str = ""
    audit_lookup: bool = False  # the applicant was not looked up (and audited) before


@dataclass(frozen=True, slots=True)
class RecordedCase:
    case_no: str
    status: str


def record_intake(sessions: sessionmaker[Session], request: IntakeRequest) -> RecordedCase:
    """Record ``request`` in its own transaction and return the committed case's number.

    Raises one of :data:`INTAKE_ERRORS` (nothing stored) when the intake cannot go ahead."""
    with sessions.begin() as session:
        resident = find_resident(session, request.id_number)
        if not scope_for(session, request.actor).allows_resident(session, resident):
            raise LookupFailed(OUT_OF_SCOPE, "out_of_scope")
        item = intake.find_item(session, request.item_code)
        received = (
            list(item.materials) if request.materials_received is None else list(request.materials_received)
        )
        common = {
            "item_code": item.code,
            "resident": resident,
            "actor": request.actor,
            "agent": request.agent,
        }
        if request.outcome == "accept":
            case = intake.accept(
                session, materials_received=received, phone=request.phone, note=request.note, **common
            )
        elif request.outcome == "supplement":
            case = intake.request_materials(
                session,
                materials_received=received,
                missing=list(request.missing),
                phone=request.phone,
                note=request.note,
                **common,
            )
        else:
            case = intake.refuse(
                session, reason=request.reason, basis=request.basis, phone=request.phone, **common
            )
        if request.audit_lookup:
            audit.record(
                session, actor=request.actor, action="lookup", resident=resident, purpose=f"受理 {item.name}"
            )
        recorded = RecordedCase(case.case_no, case.status)
    return recorded
