"""A demo street seen by its grid worker: one resident of the grids ``wangge`` serves and one of
another grid of the same community, each with a case, a certificate and a booking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.db import Database
from app.models import Building, Grid, Household, Resident
from app.printing.certificates.renderer import PDF_RENDERER
from app.services.admin.centre import current_community
from app.services.admin.scope import user_grid_codes
from app.services.cases import intake
from app.services.certificates.issue import issue_certificate
from app.services.kiosk import service as kiosk

GRID_WORKER = "wangge"


@dataclass(frozen=True)
class Person:
    id: int
    id_number: str
    name: str
    grid_code: str
    case_no: str
    serial: str


@dataclass(frozen=True)
class Scene:
    inside: Person
    outside: Person
    own_grids: list[str]
    day: dt.date


def _resident(session, community_id: int, *, own: list[str], inside: bool) -> tuple[Resident, str]:
    grid_test = Grid.code.in_(own) if inside else Grid.code.not_in(own)
    stmt = (
        select(Resident, Grid.code)
        .join(Household, Resident.household_id == Household.id)
        .join(Building, Household.building_id == Building.id)
        .join(Grid, Building.grid_id == Grid.id)
        .where(grid_test, Grid.community_id == community_id)
        .order_by(Resident.id)
        .limit(1)
    )
    return session.execute(stmt).one()


def build_scene(db: Database) -> Scene:
    with db.sessions.begin() as session:
        own = user_grid_codes(session, GRID_WORKER)
        community = current_community(session)
        day = kiosk.bookable_days(session, dt.date.today())[0]
        slots = kiosk.available_slots(session, day)
        people = []
        for n, inside in enumerate((True, False)):
            resident, grid_code = _resident(session, community.id, own=own, inside=inside)
            case = intake.refuse(
                session, item_code="SB-005", resident=resident, actor="qiantai", reason="测试"
            )
            issued = issue_certificate(
                session,
                PDF_RENDERER,
                template_code="JZZM",
                resident=resident,
                staff_values={"purpose": "办理居住证", "since": "2012-05-01"},
                actor="qiantai",
            )
            kiosk.book(session, resident.id, day=day, slot=slots[n][0], phone="13900001111")
            people.append(
                Person(resident.id, resident.id_number, resident.name, grid_code, case.case_no, issued.serial)
            )
    return Scene(people[0], people[1], own, day)
