"""The street office's 统计 page (``GET /street/stats``) and its downloads
(``/street/stats.csv``, ``/street/stats.xlsx``), added beside the other pages by routes.py with
the same sign-in and the same refusals. A plain GET form chooses the period, so the page works
without script; the charts are inline SVG drawn here (app.street.office.charts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session, sessionmaker

from app.street.office.charts import Series, bar_chart
from app.street.office.stats_view import (
    CHOICES,
    COLUMNS,
    LIFE_COLUMNS,
    StatsView,
    choose,
    export_table,
    shown,
    stats_view,
)

KINDS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def charts(view: StatsView) -> list[Markup]:
    labels = [row.name for row in view.rows]

    def series(name: str, colour: str, code: str) -> Series:
        values = [row.figures.get(code) for row in view.rows]
        return Series(name, colour, values, [shown(code, v) for v in values])

    return [
        bar_chart(
            "各社区受理、办结和超期在办办件",
            labels,
            [
                series("受理", "#1565c0", "cases.received"),
                series("办结", "#2e7d32", "cases.closed"),
                series("超期在办", "#c62828", "cases.overdue"),
            ],
        ),
        bar_chart(
            "各社区满意率和12345办结率",
            labels,
            [
                series("满意率", "#6a1b9a", "satisfaction.rate"),
                series("12345办结率", "#ef6c00", "cases.hotline_closure_rate"),
            ],
            scale_max=1.0,
        ),
    ]


def add_routes(
    app: FastAPI,
    sessions: sessionmaker[Session],
    *,
    today: Callable[[], dt.date],
    signed_in: Callable,
    guarded: Callable,
    page: Callable[..., HTMLResponse],
) -> None:
    @app.get("/street/stats", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def stats_page(request: Request):
        web = signed_in(request)
        choice = choose(request.query_params, today())
        view = await run_in_threadpool(stats_view, sessions, web.who, choice, today())
        return page(
            "office_stats.html",
            who=web.who,
            csrf=web.csrf,
            view=view,
            choices=CHOICES,
            columns=COLUMNS,
            life_columns=LIFE_COLUMNS,
            charts=charts(view),
        )

    @app.get("/street/stats.{kind}", include_in_schema=False)
    @guarded
    async def stats_download(request: Request, kind: str):
        web = signed_in(request)
        if kind not in KINDS:
            return Response("没有这种格式", status_code=404, media_type="text/plain; charset=utf-8")
        choice = choose(request.query_params, today())
        data = await run_in_threadpool(export_table, sessions, web.who, choice, today(), kind)
        name = f"street-stats-{choice.period.start}-{choice.period.end}.{kind}"
        return Response(
            data,
            media_type=KINDS[kind],
            headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
        )
