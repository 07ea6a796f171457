"""The street office's figures across its communities: counted from the case and certificate
records the server holds (as the communities synced them), beside the monthly reports
(月度工作报表) the communities sent. Served as ``GET /api/v1/stats`` to the street office's key.

The counted figures follow docs/REPORTS.md where the synced records carry what is needed: a case
belongs to the local day it was received, its status is the one the server holds now. They are
counted by the database (app.street.stats_sql), so a street of many communities and years of
cases is not read into the server's memory for one page. The monthly
reports are given as sent, figure by figure, with their version and notes: what the community
signed off, not a recount.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models.base import utcnow
from app.services.reports.periods import Period, utc_offset_minutes
from app.street.life_stats import NO_MEETING, count_life, empty_flows
from app.street.models import StreetCommunity, StreetMonthlyReport
from app.street.stats_sql import counted_cases, counted_certificates

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
    sessions: sessionmaker[Session],
    period: Period,
    by: str = "community",
    today: dt.date | None = None,
    *,
    communities: Collection[str] | None = None,
) -> dict[str, Any]:
    """The figures of ``period`` per community (``by`` "community") or per community and month
    ("month"), with the monthly reports of the months the period touches. ``communities`` limits
    everything to those codes (a street office's own); None is every community the server holds."""
    if by not in GROUPINGS:
        raise StatsError(f"by 只能是 {' 或 '.join(GROUPINGS)}")
    today = today or dt.date.today()
    by_month = by == "month"
    with sessions() as session:
        query = select(StreetCommunity.code, StreetCommunity.name).where(StreetCommunity.role == "community")
        if communities is not None:
            query = query.where(StreetCommunity.code.in_(list(communities)))
        names = dict(session.execute(query).all())
        counted: dict[tuple[str, str], dict[str, Any]] = defaultdict(_empty)
        cases = counted_cases(
            session,
            period,
            by_month=by_month,
            today=today,
            offset_minutes=utc_offset_minutes(),
            communities=communities,
        )
        for key, figures in cases.items():
            counted[key].update(figures)
        issued = counted_certificates(session, period, by_month=by_month, communities=communities)
        for key, number in issued.items():
            counted[key]["certificates.issued"] = number
        life = count_life(session, period, by, today)
        for key, figures in life.flows.items():
            if communities is None or key[0] in communities:
                counted[key].update(figures)
        wanted = select(StreetMonthlyReport).where(StreetMonthlyReport.month.in_(period.months()))
        if communities is not None:
            wanted = wanted.where(StreetMonthlyReport.community.in_(list(communities)))
        reports = session.scalars(
            wanted.order_by(StreetMonthlyReport.community, StreetMonthlyReport.month)
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
        for community in set(names) | set(life.stocks) | life.communities():
            if communities is None or community in communities:
                counted[(community, "")].update(life.stock(community))
    rows = []
    for (community, month), figures in sorted(counted.items()):
        row = {"community": community, "name": names.get(community, community)}
        if by_month:
            row["month"] = month
        row["figures"] = _rates(figures)
        if not by_month:
            row["flags"] = {NO_MEETING: life.flagged(community)}
        rows.append(row)
    for community in sorted(set(names) - {c for c, _ in counted}):
        if not by_month:
            rows.append(
                {
                    "community": community,
                    "name": names[community],
                    "figures": _rates(_empty()),
                    "flags": {NO_MEETING: life.flagged(community)},
                }
            )
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
