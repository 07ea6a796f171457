"""What a signed-in person may see: the whole street, or only the grids they serve.

A grid worker (网格员) keeps the residents, cases and boards of their own grids; everyone else at
the centre works for the whole street. Every read that lists or finds people takes a ``Scope``
and narrows its query with :meth:`Scope.grid_filter` or :meth:`Scope.resident_filter`, so the rule
lives here once rather than in each screen. A grid worker with no grid assigned sees nobody: an
account set up in a hurry must not default to the whole street.

The command line runs as the machine's own account, which holds the database file and so sees
everything; a command given ``--user`` of a grid worker is narrowed like their desk.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, false, insert, select, true
from sqlalchemy.orm import Session

from app.models import Building, Grid, Household, Resident, User, user_grids

GRID_SCOPED_ROLES = frozenset({"grid_worker"})


class ScopeError(ValueError):
    """A grid assignment that cannot be made, in a sentence for the person."""


@dataclass(frozen=True)
class Scope:
    """``grid_ids`` None: the whole street; a set: only these grids (possibly none)."""

    grid_ids: frozenset[int] | None = None

    @property
    def whole_street(self) -> bool:
        return self.grid_ids is None

    def allows_grid(self, grid_id: int | None) -> bool:
        if self.grid_ids is None:
            return True
        return grid_id is not None and grid_id in self.grid_ids

    def grid_filter(self, grid_column) -> ColumnElement[bool]:
        """A WHERE clause on a column holding a grid id (``Building.grid_id``, ``Case.grid_id``)."""
        if self.grid_ids is None:
            return true()
        if not self.grid_ids:
            return false()
        return grid_column.in_(sorted(self.grid_ids))

    def resident_filter(self) -> ColumnElement[bool]:
        """A WHERE clause on ``Resident``: people living in a household of the allowed grids, by
        the grid the database keeps on the resident row (the household's building's grid, kept by
        triggers whoever moves a person, a household or a building: migration 0024)."""
        return self.grid_filter(Resident.grid_id)

    def allows_resident(self, session: Session, resident: Resident) -> bool:
        if self.grid_ids is None:
            return True
        return resident_grid_id(session, resident) in self.grid_ids


WHOLE_STREET = Scope()


def resident_grid_id(session: Session, resident: Resident) -> int | None:
    if resident.household_id is None:
        return None
    return session.scalar(
        select(Building.grid_id)
        .join(Household, Household.building_id == Building.id)
        .where(Household.id == resident.household_id)
    )


def scope_for(session: Session, username: str | None) -> Scope:
    """The scope of an account; no name (the machine's own account at the command line), or an
    unknown one, is refused by the caller before it gets here, so None means the whole street."""
    if not username:
        return WHOLE_STREET
    user = session.scalar(select(User).where(User.username == username))
    if user is None or user.role not in GRID_SCOPED_ROLES:
        return WHOLE_STREET
    ids = session.scalars(select(user_grids.c.grid_id).where(user_grids.c.user_id == user.id))
    return Scope(frozenset(ids))


def user_grid_codes(session: Session, username: str) -> list[str]:
    stmt = (
        select(Grid.code)
        .join(user_grids, user_grids.c.grid_id == Grid.id)
        .join(User, User.id == user_grids.c.user_id)
        .where(User.username == username)
        .order_by(Grid.code)
    )
    return list(session.scalars(stmt))


def set_user_grids(session: Session, username: str, grid_codes: Iterable[str]) -> list[str]:
    """Replace the grids an account serves; returns the codes now assigned. The caller audits."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ScopeError(f"用户“{username}”不存在")
    codes = sorted({code.strip() for code in grid_codes if code.strip()})
    found = {
        code: grid_id
        for code, grid_id in session.execute(select(Grid.code, Grid.id).where(Grid.code.in_(codes)))
    }
    missing = [code for code in codes if code not in found]
    if missing:
        raise ScopeError(f"网格“{'、'.join(missing)}”不存在")
    session.execute(delete(user_grids).where(user_grids.c.user_id == user.id))
    if codes:
        session.execute(insert(user_grids), [{"user_id": user.id, "grid_id": found[c]} for c in codes])
    session.flush()
    return codes
