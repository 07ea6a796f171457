"""The demo street's party register: every resident carrying the 党员 tag becomes a member of
their grid's branch, with plausible dates; a few are on probation or floating."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Building, Household, PartyMember, PartyOrganisation, Resident, Tag
from app.services.common.idcard import mask
from app.services.party.members import PARTY_TAG


def add_demo_members(session: Session, today: dt.date, seed: int = 16) -> int:
    rng = random.Random(seed)
    branches = dict(
        session.execute(
            select(PartyOrganisation.grid_id, PartyOrganisation.id).where(
                PartyOrganisation.level == "grid_branch"
            )
        ).all()
    )
    rows = session.execute(
        select(Resident.id, Resident.name, Resident.id_number, Building.grid_id)
        .join(Household, Resident.household_id == Household.id)
        .join(Building, Household.building_id == Building.id)
        .where(Resident.tags.any(Tag.code == PARTY_TAG))
        .order_by(Resident.id)
    ).all()
    added = 0
    for resident_id, name, id_number, grid_id in rows:
        branch_id = branches.get(grid_id)
        if branch_id is None:
            continue
        joined = today - dt.timedelta(days=rng.randint(200, 365 * 40))
        probation = rng.random() < 0.05
        session.add(
            PartyMember(
                resident_id=resident_id,
                name=name,
                id_masked=mask(id_number),
                branch_id=branch_id,
                status="probation" if probation else "full",
                kind="floating" if rng.random() < 0.04 else "registered",
                joined_on=joined,
                full_on=None if probation else joined + dt.timedelta(days=365),
            )
        )
        added += 1
    session.flush()
    return added
