"""The demo street's community life beyond the window: 微心愿 and 走访 (engagement), party
members, 双报到 and branch meetings, partner units and 议事 meetings, volunteer service, added after its people and places exist."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.services.setup.demo_accounts import DEMO_GRID_WORKER, DEMO_GRID_WORKER_GRIDS
from app.services.setup.demo_engage import add_demo_engagement, demo_visitors
from app.services.setup.demo_partners import add_demo_partners
from app.services.setup.demo_party import add_demo_party
from app.services.setup.demo_party_points import add_demo_points
from app.services.setup.demo_volunteers import add_demo_volunteers


def add_demo_community_life(session: Session, today: dt.date, seed: int) -> None:
    visitors = demo_visitors(session, DEMO_GRID_WORKER_GRIDS, DEMO_GRID_WORKER)
    add_demo_engagement(session, today, seed, visitors)  # 微心愿 and 走访
    add_demo_party(session, today)  # members, 双报到, meetings
    add_demo_partners(session, today)  # 共建单位 and 议事 (after the members they link)
    add_demo_volunteers(session, today, seed + 28)  # teams, volunteers, a year of activities
    add_demo_points(session, today)  # 党员积分: attendance, linked wishes, entries, last year's grades
