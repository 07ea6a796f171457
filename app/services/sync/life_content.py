"""Up-only records read for the push: the rows of one type by uuid, each built into its travelling
``data`` by the registry (app.services.sync.life_types), with the lookups the builders share
(grid codes, branch names, members, units, attendance, 议事 steps, volunteer teams and hours)
read once per batch.

An up-only record has one writer, this desk, so it travels with ``version`` 0: the server keeps
the newest content and numbers its versions itself (docs/SYNC.md).
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from app.models import (
    Attendance,
    DeliberationStep,
    Grid,
    MeetingAttendance,
    OutboxEntry,
    PartnerUnit,
    PartyMember,
    PartyOrganisation,
    VolunteerTeam,
)
from app.services.admin.centre import current_community
from app.services.sync.life_types import REGISTRY, content


class Lookups:
    """What the builders look up, each read whole the first time it is asked for: a batch holds
    up to 500 records of a community with a few hundred members and meetings."""

    def __init__(self, session: Session):
        self.session = session

    @cached_property
    def _grids(self) -> dict[int, tuple[str, int]]:
        rows = self.session.execute(select(Grid.id, Grid.code, Grid.community_id))
        return {row_id: (code, community_id) for row_id, code, community_id in rows}

    def grid(self, grid_id: int | None) -> str:
        return self._grids[grid_id][0] if grid_id in self._grids else ""

    def grid_community(self, grid_id: int | None) -> int | None:
        return self._grids[grid_id][1] if grid_id in self._grids else None

    @cached_property
    def _branches(self) -> dict[int, tuple[str, str, int]]:
        org = PartyOrganisation
        rows = self.session.execute(select(org.id, org.name, org.grid_id, org.community_id))
        return {row_id: (name, self.grid(grid_id), community) for row_id, name, grid_id, community in rows}

    def branch(self, branch_id: int) -> tuple[str, str, int | None]:
        """The branch's name, its grid's code and its community's id."""
        return self._branches.get(branch_id, ("", "", None))

    def member(self, member_id: int) -> PartyMember:
        member = self.session.get(PartyMember, member_id)
        if member is None:
            raise LookupError(f"party member {member_id}")
        return member

    @cached_property
    def _units(self) -> dict[int, tuple[str, int]]:
        rows = self.session.execute(select(PartnerUnit.id, PartnerUnit.uuid, PartnerUnit.community_id))
        return {row_id: (uuid, community_id) for row_id, uuid, community_id in rows}

    def unit(self, unit_id: int) -> tuple[str, int | None]:
        """The unit's uuid and its community's id."""
        return self._units.get(unit_id, ("", None))

    @cached_property
    def _attendance(self) -> dict[int, tuple[int, int]]:
        present = func.sum(case((MeetingAttendance.present.is_(True), 1), else_=0))
        rows = self.session.execute(
            select(MeetingAttendance.meeting_id, present, func.count()).group_by(MeetingAttendance.meeting_id)
        )
        return {meeting_id: (int(came or 0), int(total) - int(came or 0)) for meeting_id, came, total in rows}

    def attendance(self, meeting_id: int) -> tuple[int, int]:
        return self._attendance.get(meeting_id, (0, 0))

    @cached_property
    def _teams(self) -> dict[int, tuple[str, str, str, int]]:
        team = VolunteerTeam
        rows = self.session.execute(select(team.id, team.name, team.kind, team.grid_id, team.community_id))
        return {
            row_id: (name, kind, self.grid(grid), community) for row_id, name, kind, grid, community in rows
        }

    def team(self, team_id: int) -> tuple[str, str, str, int | None]:
        """The team's name, kind, grid code ("" for the whole community) and community id."""
        return self._teams.get(team_id, ("", "", "", None))

    @cached_property
    def _served(self) -> dict[int, tuple[int, float]]:
        rows = self.session.execute(
            select(
                Attendance.activity_id, func.count(), func.coalesce(func.sum(Attendance.hours), 0.0)
            ).group_by(Attendance.activity_id)
        )
        return {activity: (int(n), float(hours)) for activity, n, hours in rows}

    def volunteer_hours(self, activity_id: int) -> tuple[int, float]:
        """How many volunteers signed in at the activity, and the hours that count."""
        return self._served.get(activity_id, (0, 0.0))

    @cached_property
    def _published(self) -> dict[int, dt.date]:
        rows = self.session.execute(
            select(DeliberationStep.deliberation_id, DeliberationStep.done_on).where(
                DeliberationStep.step == "publish_decision"
            )
        )
        return dict(rows.all())

    def published(self, deliberation_id: int) -> dt.date | None:
        return self._published.get(deliberation_id)


def _travelling(model: Any, query: Select) -> Select:
    """``query`` kept to the rows of ``model`` that travel (a model may send only some of its
    rows: ``sync_travels``, app.models.outbox)."""
    return query.where(model.sync_travels) if hasattr(model, "sync_travels") else query


def queue_existing(session: Session) -> int:
    """Queue every up-only record that has never had an outbox row (records written in bulk,
    past the ORM's listener); returns how many were queued. Records once sent are not queued
    again: their outbox rows are kept until the server holds them."""
    queued = 0
    for name, life in REGISTRY.items():
        model = life.model
        known = select(OutboxEntry.record_uuid).where(OutboxEntry.record_type == name)
        uuids = list(session.scalars(_travelling(model, select(model.uuid).where(model.uuid.not_in(known)))))
        session.add_all(OutboxEntry(record_type=name, record_uuid=u, version=1, fields=["*"]) for u in uuids)
        queued += len(uuids)
    session.flush()
    return queued


def load(session: Session, record_type: str, uuids: list[str]) -> list[dict[str, Any]]:
    """The records of ``uuids`` of one up-only type as they travel. Those not found, and those
    of another community (a database holding a whole street, as the demo's does), are left out:
    the caller marks them as not sent. A record that names no community is this desk's."""
    model = REGISTRY[record_type].model
    here = current_community(session)
    lookups = Lookups(session)
    records = []
    for row in session.scalars(_travelling(model, select(model).where(model.uuid.in_(uuids)))):
        community_id, data = content(record_type, row, lookups)
        if community_id not in (None, here.id):
            continue
        records.append(
            {"type": record_type, "uuid": row.uuid, "version": 0, "origin_community": here.code, "data": data}
        )
    return records
