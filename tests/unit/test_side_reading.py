"""The full report reads its population and community sections on a second connection beside the
case figures, only when that connection sees what the caller's session sees; both ways give the
same report, and an error on the side reaches the caller."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from app.db import open_database
from app.models import Tag
from app.services.reports import full_report as full_report_module
from app.services.reports import periods, side_reading
from app.services.reports.full_report import full_report

AS_OF = dt.date(2026, 11, 23)


def test_a_second_connection_is_used_only_when_it_sees_what_the_session_sees(demo_db, tmp_path):
    with demo_db.sessions() as session:
        assert side_reading.reads_beside(session)
        tag = session.scalars(select(Tag)).first()
        tag.description = "changed, not flushed"
        assert not side_reading.reads_beside(session)  # dirty
        session.flush()
        assert not side_reading.reads_beside(session)  # written, not committed
        session.rollback()
        assert side_reading.reads_beside(session)
    memory = open_database("sqlite://")
    with memory.sessions() as session:
        assert not side_reading.reads_beside(session)  # every connection its own database


def test_side_and_sequential_reading_give_the_same_report(demo_history_db, monkeypatch):
    period = periods.month("2026-10")
    threads: list[str] = []
    population = full_report_module.population_report

    def watched(session, **kwargs):
        threads.append(threading.current_thread().name)
        return population(session, **kwargs)

    monkeypatch.setattr(full_report_module, "population_report", watched)
    with demo_history_db.sessions() as session:
        beside = full_report(session, period, as_of=AS_OF)
    monkeypatch.setattr(side_reading, "reads_beside", lambda session: False)
    with demo_history_db.sessions() as session:
        alone = full_report(session, period, as_of=AS_OF)
    assert threads[0].startswith("report-side") and threads[1] == threading.main_thread().name
    assert beside == alone
    assert beside.population.residents > 1000 and beside.cases.total.received > 0


@pytest.mark.parametrize("parallel", [True, False])
def test_an_error_on_the_side_reaches_the_caller(demo_db, monkeypatch, parallel):
    def broken(session, **kwargs):
        raise RuntimeError("population unreadable")

    monkeypatch.setattr(full_report_module, "population_report", broken)
    if not parallel:
        monkeypatch.setattr(side_reading, "reads_beside", lambda session: False)
    with demo_db.sessions() as session, pytest.raises(RuntimeError, match="population unreadable"):
        full_report(session, periods.month("2026-10"), as_of=AS_OF)
