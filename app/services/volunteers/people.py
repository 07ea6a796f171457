"""Volunteers: a resident found by ID number (the lookup is audited), or a person from outside
the street of whom only the masked number is kept, with the installation's keyed hash of the full
one so that their card finds them again at the desk or the kiosk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Resident, TeamMembership, Volunteer, VolunteerTeam
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.common.idcard import IdNumberError, mask, parse
from app.services.kiosk.audit_key import keyed_hash
from app.services.population.lookup import find_resident_in_scope
from app.services.volunteers.teams import VolunteerError, allowed, team_in_scope


@dataclass(frozen=True, slots=True)
class VolunteerRow:
    id: int
    name: str
    id_masked: str
    resident: bool  # a resident of the street, or a person from outside
    phone: str
    skills: str
    teams: str  # the team names, joined with 、


def _number(id_text: str) -> str:
    try:
        return parse(id_text).number
    except IdNumberError as exc:
        raise VolunteerError(f"身份证号无效：{exc}") from None


def _join(session: Session, volunteer: Volunteer, team: VolunteerTeam, today: dt.date) -> None:
    if session.get(TeamMembership, (team.id, volunteer.id)) is None:
        session.add(TeamMembership(team_id=team.id, volunteer_id=volunteer.id, joined_on=today))


def add_volunteer(
    session: Session,
    id_text: str,
    team_id: int,
    *,
    scope: Scope,
    actor: str,
    today: dt.date,
    name: str = "",
    phone: str = "",
    skills: str = "",
) -> VolunteerRow:
    """Register a volunteer in a team. The number is looked up in the population base first (in
    the person's scope, audited); a number it does not hold is a person from outside, registered
    under ``name``. A volunteer already registered only joins the team."""
    allowed(session, actor, "volunteer.manage")
    team = team_in_scope(session, team_id, scope)
    number = _number(id_text)
    key = keyed_hash(number)
    volunteer = session.scalar(select(Volunteer).where(Volunteer.id_key == key))
    if volunteer is None:
        resident = session.scalar(select(Resident.id).where(Resident.id_number == number))
        if resident is not None:
            person = find_resident_in_scope(session, number, scope, actor=actor, purpose="登记志愿者")
            volunteer = Volunteer(resident_id=person.id, name=person.name, phone=phone or person.phone or "")
        else:
            if not name.strip():
                raise VolunteerError("人口库中没有此人：登记辖区外志愿者请填写姓名")
            volunteer = Volunteer(name=name.strip(), phone=phone.strip())
        volunteer.community_id = team.community_id
        volunteer.id_masked = mask(number)
        volunteer.id_key = key
        volunteer.skills = skills.strip()
        volunteer.joined_on = today
        session.add(volunteer)
        session.flush()
        action = "volunteer_add"
    else:
        action = "volunteer_join"
    _join(session, volunteer, team, today)
    audit.record(session, actor=actor, action=action, subject=volunteer.id_masked, purpose=team.name)
    session.flush()
    return volunteer_rows(session, scope=scope, volunteer_id=volunteer.id)[0]


def join_team(
    session: Session, volunteer_id: int, team_id: int, *, scope: Scope, actor: str, today: dt.date
) -> VolunteerRow:
    allowed(session, actor, "volunteer.manage")
    team = team_in_scope(session, team_id, scope)
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise VolunteerError(f"没有编号为{volunteer_id}的志愿者")
    _join(session, volunteer, team, today)
    audit.record(
        session, actor=actor, action="volunteer_join", subject=volunteer.id_masked, purpose=team.name
    )
    session.flush()
    return volunteer_rows(session, scope=scope, volunteer_id=volunteer.id)[0]


def volunteer_by_card(session: Session, id_text: str) -> Volunteer | None:
    """The volunteer whose card this is, or None; the caller audits what it shows. A resident is
    found through their population record, a person from outside by the keyed hash."""
    number = _number(id_text)
    volunteer = session.scalar(
        select(Volunteer)
        .join(Resident, Resident.id == Volunteer.resident_id)
        .where(Resident.id_number == number)
    )
    if volunteer is None:
        volunteer = session.scalar(select(Volunteer).where(Volunteer.id_key == keyed_hash(number)))
    return volunteer


def volunteer_in_scope(session: Session, volunteer_id: int, scope: Scope) -> Volunteer:
    """A volunteer the person may see: a member of a team of their grids (the whole street for
    everyone else)."""
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is not None and not scope.whole_street:
        grids = session.scalars(
            select(VolunteerTeam.grid_id)
            .join(TeamMembership, TeamMembership.team_id == VolunteerTeam.id)
            .where(TeamMembership.volunteer_id == volunteer_id)
        )
        if not any(scope.allows_grid(g) for g in grids):
            volunteer = None
    if volunteer is None:
        raise VolunteerError(f"没有编号为{volunteer_id}的志愿者，或不在您负责的网格")
    return volunteer


def volunteer_rows(
    session: Session, *, scope: Scope, volunteer_id: int | None = None, team_id: int | None = None
) -> list[VolunteerRow]:
    """Volunteers of the teams the person may see, each once with all of their teams there."""
    stmt = (
        select(Volunteer, VolunteerTeam.name)
        .join(TeamMembership, TeamMembership.volunteer_id == Volunteer.id)
        .join(VolunteerTeam, VolunteerTeam.id == TeamMembership.team_id)
        .where(scope.grid_filter(VolunteerTeam.grid_id))
        .order_by(Volunteer.id, VolunteerTeam.id)
    )
    if volunteer_id is not None:
        stmt = stmt.where(Volunteer.id == volunteer_id)
    if team_id is not None:
        stmt = stmt.where(
            Volunteer.id.in_(select(TeamMembership.volunteer_id).where(TeamMembership.team_id == team_id))
        )
    found: dict[int, tuple[Volunteer, list[str]]] = {}
    for volunteer, team in session.execute(stmt):
        found.setdefault(volunteer.id, (volunteer, []))[1].append(team)
    return [
        VolunteerRow(
            v.id, v.name, v.id_masked, v.resident_id is not None, v.phone, v.skills, "、".join(teams)
        )
        for v, teams in found.values()
    ]


def list_volunteers(
    session: Session, *, scope: Scope, actor: str, team_id: int | None = None
) -> list[VolunteerRow]:
    """:func:`volunteer_rows`, audited as one list of people."""
    rows = volunteer_rows(session, scope=scope, team_id=team_id)
    audit.record_list(session, actor=actor, action="volunteer_list", shown=len(rows), what="志愿者名册")
    return rows
