"""The street office's figures across its communities: counted from the case and certificate
records the server holds (as the communities synced them), beside the monthly reports
(月度工作报表) the communities sent. Served as ``GET /api/v1/stats`` to the street office's key.

The counted figures follow docs/REPORTS.md where the synced records carry what is needed: a case
belongs to the local day it was received, its status is the one the server holds now. The monthly
reports are given as sent, figure by figure, with their version and notes: what the community
signed off, not a recount.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models.base import utcnow
from app.services.cases.workflow import EVALUATIONS, RUNNING_STATUSES, UNSATISFIED
from app.services.reports.periods import Period, local_day, utc_offset_minutes
from app.street.life_stats import NO_MEETING, count_life, empty_flows
from app.street.models import StreetCase, StreetCertificate, StreetCommunity, StreetMonthlyReport

CLOSED = frozenset({"completed", "called_back", "evaluated"})
GROUPINGS = ("community", "month")
MAX_REPORTS = 24  # monthly reports in one request


class StatsError(ValueError):
    """A request the figures cannot answer; one sentence (HTTP 422)."""


def _moment(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _empty() -> dict[str, Any]:
    return {
        "cases.received": 0,
        "cases.closed": 0,
        "cases.in_progress": 0,
        "cases.overdue": 0,
        "cases.refused": 0,
        "cases.hotline_received": 0,
        "cases.hotline_closed": 0,
        "cases.grid_reported": 0,
        "satisfaction.rated": 0,
        "satisfaction.satisfied": 0,
        "certificates.issued": 0,
        **empty_flows(),
    }


def _rates(figures: dict[str, Any]) -> dict[str, Any]:
    def share(part: str, whole: str) -> float | None:
        return round(figures[part] / figures[whole], 4) if figures[whole] else None

    figures["cases.hotline_closure_rate"] = share("cases.hotline_closed", "cases.hotline_received")
    figures["satisfaction.rate"] = share("satisfaction.satisfied", "satisfaction.rated")
    return figures


def street_stats(
    sessions: sessionmaker[Session], period: Period, by: str = "community", today: dt.date | None = None
) -> dict[str, Any]:
    """The figures of ``period`` per community (``by`` "community") or per community and month
    ("month"), with the monthly reports of the months the period touches."""
    if by not in GROUPINGS:
        raise StatsError(f"by 只能是 {' 或 '.join(GROUPINGS)}")
    today = today or dt.date.today()
    offset = utc_offset_minutes()
    start, end = period.utc_bounds
    counted: dict[tuple[str, str], dict[str, Any]] = defaultdict(_empty)
    with sessions() as session:
        names = dict(
            session.execute(
                select(StreetCommunity.code, StreetCommunity.name).where(StreetCommunity.role == "community")
            ).all()
        )
        for origin, status, due, data in session.execute(
            select(StreetCase.origin_community, StreetCase.status, StreetCase.due_date, StreetCase.data)
        ):
            received = _moment(data.get("received_at"))
            if received is None or not start <= received < end:
                continue
            key = (origin, f"{local_day(received, offset):%Y-%m}" if by == "month" else "")
            row = counted[key]
            row["cases.received"] += 1
            closed = status in CLOSED
            row["cases.closed"] += closed
            row["cases.in_progress"] += status in RUNNING_STATUSES
            row["cases.overdue"] += status in RUNNING_STATUSES and due is not None and due < today
            row["cases.refused"] += status == "refused"
            row["cases.grid_reported"] += data.get("channel") == "grid"  # 网格上报
            if data.get("channel") == "hotline":
                row["cases.hotline_received"] += 1
                row["cases.hotline_closed"] += closed
            rating = data.get("evaluation") or ""
            if rating in EVALUATIONS:
                row["satisfaction.rated"] += 1
                row["satisfaction.satisfied"] += rating not in UNSATISFIED
        for origin, data in session.execute(
            select(StreetCertificate.origin_community, StreetCertificate.data)
        ):
            issued = _day(data.get("issue_date"))
            if issued is not None and period.start <= issued <= period.end:
                counted[(origin, f"{issued:%Y-%m}" if by == "month" else "")]["certificates.issued"] += 1
        life = count_life(session, period, by, today)
        for key, figures in life.flows.items():
            counted[key].update(figures)
        reports = session.scalars(
            select(StreetMonthlyReport)
            .where(StreetMonthlyReport.month.in_(period.months()))
            .order_by(StreetMonthlyReport.community, StreetMonthlyReport.month)
        ).all()
        sent = [
            {
                "community": r.community,
                "month": r.month,
                "version": r.version,
                "made_by": r.made_by,
                "made_at": r.made_at.isoformat() if r.made_at else None,
                "received_at": r.received_at.isoformat(),
                "notes": r.notes,
                "figures": r.figures,
            }
            for r in reports
        ]
    if by == "community":  # what stands now: per community only (docs/REPORTS.md)
        for community in set(names) | set(life.stocks) | set(life.branches):
            counted[(community, "")].update(life.stock(community))
    rows = []
    for (community, month), figures in sorted(counted.items()):
        row = {"community": community, "name": names.get(community, community)}
        if by == "month":
            row["month"] = month
        row["figures"] = _rates(figures)
        if by == "community":
            row["flags"] = {NO_MEETING: life.flagged(community)}
        rows.append(row)
    return {
        "period": period.as_json(),
        "by": by,
        "as_of": today.isoformat(),
        "counted": rows,
        "monthly_reports": sent,
    }


def store_monthly_reports(sessions: sessionmaker[Session], community: str, reports: list[Any]) -> list[dict]:
    """Keep each report of ``community`` (the caller's own; a community named in the body is not
    trusted): a newer or equal version replaces the one held, an older one is left and the held
    version is answered, so the desk knows what the street has."""
    stored = []
    with sessions.begin() as session:
        for report in reports:
            row = session.get(StreetMonthlyReport, (community, report.month))
            if row is None:
                row = StreetMonthlyReport(community=community, month=report.month, version=0)
                session.add(row)
            if report.version >= row.version:
                row.uuid = report.uuid
                row.version = report.version
                row.figures = report.figures
                row.notes = report.notes
                row.made_by = report.made_by
                row.made_at = _moment(report.made_at)
                row.received_at = utcnow()
            stored.append({"month": row.month, "version": row.version})
    return stored
