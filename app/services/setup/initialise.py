"""``yichuang init``: bring a database to the current schema and load the shipped reference data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.db import Database
from app.models import Street
from app.services.setup import demo_accounts, reference_data
from app.services.setup import demo_street as demo
from app.services.setup.demo_cases import add_demo_cases
from app.services.setup.demo_monthly import add_demo_monthly_report
from app.services.setup.demo_paper import add_demo_appointments, add_demo_certificates
from app.services.sync.life_content import queue_existing


@dataclass
class InitResult:
    tags_added: int
    items_added: int
    templates_added: int = 0
    demo: dict | None = None
    demo_skipped: str | None = None
    users_added: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [])}


def initialise(
    db: Database,
    *,
    with_demo: bool = False,
    seed: int = demo.DEFAULT_SEED,
    residents: int = demo.DEFAULT_RESIDENTS,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    history: bool = True,
) -> InitResult:
    """Load tags, catalogue and certificate templates (adding only what is missing) and, if asked, the demo street.

    ``history``: the demo street also gets a year of cases (for the reports); tests that want an
    empty case list leave it out. The demo goes into an empty database only; on one that already has a street it is skipped
    with a reason, so running the quick start twice is harmless.
    """
    with db.sessions.begin() as session:
        from app.services.certificates.templates import load_templates

        result = InitResult(
            tags_added=reference_data.load_tags(session),
            items_added=reference_data.load_catalogue(session),
            templates_added=load_templates(session).added,
        )
        reference_data.load_visit_rules(session)
        from app.services.party.point_rules import load_point_rules

        load_point_rules(session)  # 党员积分: the shipped rules, once
    if not with_demo:
        return result
    with db.sessions.begin() as session:
        if session.scalar(select(func.count()).select_from(Street)):
            result.demo_skipped = "数据库中已有街道数据，未再生成演示数据"
            return result
        summary = demo.build_demo_street(
            session, seed=seed, residents=residents, today=today, progress=progress
        )
        result.demo = summary.as_dict()
        result.users_added = demo_accounts.add_demo_users(session)
        if history:
            cases = add_demo_cases(session, seed=seed, today=today or dt.date.today(), residents=residents)
            result.demo.update(cases.as_dict())
            when = today or dt.date.today()
            result.demo["certificates"] = add_demo_certificates(
                session, seed=seed, today=when, count=max(residents // 120, 12)
            )
            result.demo["appointments"] = add_demo_appointments(
                session, seed=seed, today=when, count=max(residents // 40, 30)
            )
            result.demo["monthly_report"] = add_demo_monthly_report(session, when)
        # The demo writes its wishes, visits and registers in bulk, past the ORM's outbox: they
        # wait for the street like any desk's records (the same as migration 0031 does).
        result.demo["queued_for_street"] = queue_existing(session)
    return result
