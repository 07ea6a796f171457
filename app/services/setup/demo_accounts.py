"""The demo street's accounts, documented in the README for trying the program out: never for a
real centre, which starts from ``yichuang init`` without ``--demo`` and adds its own staff."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Grid
from app.services.admin import auth
from app.services.admin.scope import set_user_grids

DEMO_PASSWORD = "demo-1234"
DEMO_GRID_WORKER = "wangge"
DEMO_GRID_WORKER_GRIDS = 2  # the first grids of the street: what the demo grid worker serves
DEMO_USERS = [  # username, display name, role
    ("admin", "系统管理员（演示）", "admin"),
    ("qiantai", "李静（前台演示）", "front_desk"),
    ("houtai", "王磊（后台演示）", "back_office"),
    ("wangge", "张伟（网格员演示）", "grid_worker"),
    ("kiosk", "自助终端（演示）", "kiosk"),
]


def add_demo_users(session: Session) -> list[str]:
    """The documented demo accounts (README): never for a real centre."""
    added = []
    for username, display_name, role in DEMO_USERS:
        if auth.find_user(session, username) is None:
            auth.add_user(session, username, DEMO_PASSWORD, role, display_name=display_name)
            added.append(username)
    if DEMO_GRID_WORKER in added:
        first = session.scalars(select(Grid.code).order_by(Grid.code).limit(DEMO_GRID_WORKER_GRIDS))
        set_user_grids(session, DEMO_GRID_WORKER, list(first))
    return added
