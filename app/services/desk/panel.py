"""What the front desk's resident panel reads on a swipe: the audited lookup, the photo, the
person's cases and certificates, in the caller's one short transaction.

The panel gets typed records, not the lookup's JSON dict: a renamed key would otherwise show up
only as an empty label at the counter. They are built from the same dict that ``yichuang lookup``
prints, so the panel and the command line cannot disagree about a person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.models import ResidentPhoto
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.cases.search import CaseFilter, CaseRow, find_cases
from app.services.certificates.register import RegisterRow, register_rows
from app.services.party.members import membership_line
from app.services.population.history import HistoryRow, history_rows
from app.services.population.lookup import LookedUp, look_up, swipe


@dataclass(frozen=True, slots=True)
class PanelTag:
    name: str
    color: str


@dataclass(frozen=True, slots=True)
class PanelMember:
    name: str
    relation_to_head: str
    sex: str
    age: int
    id_number: str  # masked


@dataclass(frozen=True, slots=True)
class PanelHousehold:
    label: str
    head: str | None
    members: tuple[PanelMember, ...]


@dataclass(frozen=True, slots=True)
class PanelGrid:
    code: str
    name: str
    community: str
    leader_name: str | None
    leader_phone: str | None


@dataclass(frozen=True, slots=True)
class PanelCard:
    authority: str | None
    valid_from: str | None  # ISO date
    valid_to: str | None  # ISO date, or 长期


@dataclass(frozen=True, slots=True)
class PanelResident:
    """One person as the panel shows them (full ID number: the view masks it for some roles)."""

    id_number: str
    name: str
    sex: str
    age: int
    ethnicity: str
    birth_date: str  # ISO date
    phone: str
    hukou_address: str
    current_address: str
    relation_to_head: str
    card: PanelCard
    tags: tuple[PanelTag, ...]
    household: PanelHousehold | None
    grid: PanelGrid | None
    state: str = "living"  # living / moved / dead
    state_name: str = "在册"
    left_on: str | None = None  # ISO date of the move-out or death
    moved_to: str | None = None
    notes: str = ""

    @property
    def living(self) -> bool:
        return self.state == "living"

    @classmethod
    def from_lookup(cls, data: dict[str, Any]) -> PanelResident:
        """From the lookup's JSON dict (``app.services.population.lookup.resident_json``)."""
        household, grid, community = data["household"], data["grid"], data["community"]
        leader = grid["leader"] if grid else None
        return cls(
            id_number=data["id_number"],
            name=data["name"],
            sex=data["sex"],
            age=data["age"],
            ethnicity=data["ethnicity"],
            birth_date=data["birth_date"],
            phone=data["phone"],
            hukou_address=data["hukou_address"],
            current_address=data["current_address"],
            relation_to_head=data["relation_to_head"],
            card=PanelCard(**data["card"]),
            tags=tuple(PanelTag(t["name"], t["color"]) for t in data["tags"]),
            household=PanelHousehold(
                household["label"],
                household["head"],
                tuple(PanelMember(**m) for m in household["members"]),
            )
            if household
            else None,
            grid=PanelGrid(
                grid["code"],
                grid["name"],
                community["name"],
                leader["name"] if leader else None,
                leader["phone"] if leader else None,
            )
            if grid
            else None,
            state=data["state"],
            state_name=data["state_name"],
            left_on=data["left_on"],
            moved_to=data["moved_to"],
            notes=data.get("notes", ""),
        )


@dataclass(frozen=True, slots=True)
class DeskRecord:
    """Everything the resident panel shows, read in one short transaction."""

    resident: PanelResident
    photo: bytes | None
    cases: tuple[CaseRow, ...]  # newest first
    certificates: tuple[RegisterRow, ...]  # newest first
    history: tuple[HistoryRow, ...] = ()  # changes of the record, newest first
    membership: str = ""  # “正式党员 · 第1网格党支部”; empty for a non-member


def desk_lookup(
    sessions: sessionmaker[Session], id_text: str, *, actor: str, purpose: str, scope: Scope
) -> DeskRecord:
    """The desk's swipe: the audited lookup committed in a short transaction of its own (a
    refusal for scope committed with its audit entry, then raised), then the panel's other reads
    (photo, cases, certificates, history, membership) in a read of their own."""
    today = dt.date.today()
    with sessions.begin() as session:  # the reads name the swipe's resident only: nothing else to audit
        found = swipe(session.get_bind(), id_text, actor=actor, purpose=purpose, today=today, scope=scope)
        return _desk_record(session, found, today)


def lookup_for_desk(
    session: Session,
    id_text: str,
    *,
    actor: str,
    purpose: str,
    today: dt.date | None = None,
    scope: Scope = WHOLE_STREET,
) -> DeskRecord:
    """The audited lookup plus the photo and the person's cases; a resident outside ``scope`` is
    refused (run it through ``keeping_refusals`` so the refusal's audit entry stays). The caller
    commits."""
    today = today or dt.date.today()
    found = look_up(session, id_text, actor=actor, purpose=purpose, today=today, scope=scope)
    return _desk_record(session, found, today)


def _desk_record(session: Session, found: LookedUp, today: dt.date) -> DeskRecord:
    number = found.id_number
    photo = session.get(ResidentPhoto, found.resident_id)
    cases = find_cases(session, CaseFilter(applicant_id_number=number, limit=50), today=today)
    certificates = register_rows(session, text=number, limit=50)
    return DeskRecord(
        PanelResident.from_lookup(found.record),
        photo.image if photo else None,
        tuple(cases),
        tuple(certificates),
        tuple(history_rows(session, found.resident_id)),
        membership_line(session, found.resident_id),
    )
