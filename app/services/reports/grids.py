"""Naming a grid for a report: the command line and the screens pick one grid by its code."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Grid


class GridChoice(NamedTuple):
    id: int
    code: str
    name: str


def grid_by_code(session: Session, code: str) -> GridChoice | None:
    row = session.execute(select(Grid.id, Grid.code, Grid.name).where(Grid.code == code.strip())).first()
    return GridChoice(*row) if row else None
