"""Monthly reports (月度工作报表) go up with the sync round, after the push: every report whose
version the street office does not hold yet is sent whole to ``/api/v1/monthly-reports``; the
street keeps one per community and month and answers which versions it now holds. A street server
without the endpoint (404) is left alone: the reports wait for one that has it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.models import MonthlyReport
from app.models.base import utcnow
from app.services.sync.transport import SyncReport, Transport

PATH = "/api/v1/monthly-reports"


def _wire(row: MonthlyReport) -> dict[str, Any]:
    return {
        "uuid": row.uuid,
        "community": row.community_code,
        "month": row.month,
        "version": row.version,
        "figures": row.figures,
        "notes": row.notes,
        "made_by": row.made_by,
        "made_at": row.made_at.isoformat(),
    }


class MonthlySending(Transport):
    def _send_monthly(self, report: SyncReport) -> None:
        with self.sessions() as session:
            rows = session.scalars(
                select(MonthlyReport).where(MonthlyReport.sent_version < MonthlyReport.version)
            ).all()
            waiting = [_wire(row) for row in rows]
        if not waiting:
            return
        response = self._request("POST", PATH, json={"reports": waiting})
        if response.status_code == 404:
            return
        body = self._json(response)
        held = {
            (item.get("month"), item.get("version"))
            for item in body.get("stored") or []
            if isinstance(item, dict)
        }
        with self.sessions.begin() as session:
            for row in session.scalars(
                select(MonthlyReport).where(MonthlyReport.month.in_([w["month"] for w in waiting]))
            ):
                sent = next((w for w in waiting if w["month"] == row.month), None)
                if sent and (row.month, sent["version"]) in held:
                    row.sent_version = max(row.sent_version, sent["version"])
                    row.sent_at = utcnow()
                    report.reports_sent += 1
