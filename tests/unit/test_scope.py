"""A grid worker's account sees its own grids; everyone else the whole street."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import Building, Grid, Household, Resident
from app.services.admin import auth
from app.services.admin.scope import WHOLE_STREET, ScopeError, scope_for, set_user_grids, user_grid_codes


def _count(session, scope) -> int:
    return session.scalar(select(func.count()).select_from(Resident).where(scope.resident_filter()))


def test_the_demo_grid_worker_serves_two_grids_and_sees_only_their_people(demo_db):
    with demo_db.sessions() as session:
        codes = user_grid_codes(session, "wangge")
        assert len(codes) == 2
        scope = scope_for(session, "wangge")
        everyone = _count(session, WHOLE_STREET)
        theirs = _count(session, scope)
        in_grids = session.scalar(
            select(func.count())
            .select_from(Resident)
            .join(Household)
            .join(Building)
            .join(Grid)
            .where(Grid.code.in_(codes))
        )
        assert 0 < theirs == in_grids < everyone
        outsider = session.scalar(
            select(Resident).join(Household).join(Building).join(Grid).where(Grid.code.not_in(codes)).limit(1)
        )
        assert not scope.allows_resident(session, outsider)
        assert scope_for(session, "qiantai") == WHOLE_STREET
        assert scope_for(session, "admin").allows_resident(session, outsider)


def test_a_grid_worker_with_no_grid_sees_nobody(demo_db):
    with demo_db.sessions.begin() as session:
        auth.add_user(session, "newgrid", "long-enough-1", "grid_worker")
        scope = scope_for(session, "newgrid")
        assert scope.grid_ids == frozenset()
        assert _count(session, scope) == 0
        assert not scope.allows_grid(None)


def test_assigning_grids_checks_every_code(demo_db):
    with demo_db.sessions.begin() as session:
        with pytest.raises(ScopeError, match="不存在"):
            set_user_grids(session, "wangge", ["nope"])
        with pytest.raises(ScopeError, match="用户"):
            set_user_grids(session, "ghost", [])
        assert set_user_grids(session, "wangge", []) == []
        assert _count(session, scope_for(session, "wangge")) == 0
