"""The routes of the street office's figures: a community sends its monthly reports
(``POST /api/v1/monthly-reports``, community keys), the street office reads the figures across
communities (``GET /api/v1/stats?from=&to=&by=``, street keys only). See app.street.stats."""

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query
from pydantic import BaseModel, Field

from app.services.reports.periods import Period, PeriodError
from app.street.admin import Caller
from app.street.stats import MAX_REPORTS, StatsError, store_monthly_reports, street_stats


class MonthlyReportIn(BaseModel):
    uuid: str = Field(min_length=1, max_length=36, pattern=r"^[0-9A-Za-z-]+$")
    community: str = Field(default="", max_length=15)
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    version: int = Field(ge=1, le=1_000_000)
    figures: list[dict[str, Any]] = Field(max_length=2000)
    notes: str = Field(default="", max_length=4000)
    made_by: str = Field(default="", max_length=60)
    made_at: str = Field(default="", max_length=40)


class MonthlyReportsIn(BaseModel):
    reports: list[MonthlyReportIn] = Field(max_length=MAX_REPORTS)


def add_routes(
    app: FastAPI,
    sessions,
    *,
    community: Callable[..., Caller],
    street: Callable[..., Caller],
    today: Callable[[], dt.date],
) -> None:
    @app.post("/api/v1/monthly-reports", tags=["sync"])
    def monthly_reports(body: MonthlyReportsIn, who: Annotated[Caller, Depends(community)]) -> dict:
        return {"stored": store_monthly_reports(sessions, who.code, body.reports)}

    @app.get("/api/v1/stats", tags=["street"])
    def stats(
        _who: Annotated[Caller, Depends(street)],
        start: Annotated[dt.date, Query(alias="from")],
        end: Annotated[dt.date, Query(alias="to")],
        by: Annotated[str, Query(max_length=20)] = "community",
    ) -> dict:
        try:
            period = Period(start, end)
            if (end - start).days > 366 * 3:
                raise StatsError("一次最多统计三年")
            return street_stats(sessions, period, by, today())
        except (PeriodError, StatsError) as exc:
            raise HTTPException(422, str(exc)) from None
