"""The monthly report upward through the real street server: made at two desks, sent with the
sync, kept once per community and month, replaced when made again; and the street office's
``GET /api/v1/stats`` over what the server holds (street key only)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import select

from app.models import MonthlyReport
from app.services.admin.scope import WHOLE_STREET
from app.services.reports import periods
from app.services.reports.monthly import make_monthly_report
from app.services.sync.client import SyncClient
from app.street import admin
from app.street.models import StreetCase, StreetMonthlyReport
from tests.integration.test_sync_end_to_end import TY, XH, _accept, _desk

MONTH = f"{dt.date.today():%Y-%m}"


@pytest.fixture
def keys(server):
    return {
        code: admin.register(server["sessions"], code, f"社区{code}", rotate=True)["api_key"]
        for code in (TY, XH)
    }


def _make(db, notes: str) -> int:
    with db.sessions.begin() as session:
        return make_monthly_report(session, MONTH, actor="houtai", scope=WHOLE_STREET, notes=notes).version


def _held(server) -> list[StreetMonthlyReport]:
    with server["sessions"]() as session:
        return list(
            session.scalars(
                select(StreetMonthlyReport)
                .where(StreetMonthlyReport.month == MONTH)
                .order_by(StreetMonthlyReport.community)
            )
        )


def _stats(server, key: str, **params) -> httpx.Response:
    month = periods.month(MONTH)
    query = {"from": month.start.isoformat(), "to": month.end.isoformat(), **params}
    return httpx.get(
        f"{server['url']}/api/v1/stats", params=query, headers={"Authorization": f"Bearer {key}"}
    )


def test_monthly_reports_go_up_with_the_sync_and_a_new_version_replaces_the_old(
    server, keys, demo_db_file, tmp_path
):
    ty, xh = _desk(demo_db_file, tmp_path, "ty", TY), _desk(demo_db_file, tmp_path, "xh", XH)
    _accept(ty, 3)
    assert _make(ty, "本月召开居民议事会2次") == 1
    assert _make(xh, "") == 1
    for db, code in ((ty, TY), (xh, XH)):
        report = SyncClient(db.sessions, server["url"], keys[code]).sync_once()
        assert report.ok and report.reports_sent == 1, report.errors
    held = _held(server)
    assert [(r.community, r.version) for r in held] == [(TY, 1), (XH, 1)]
    assert held[0].notes == "本月召开居民议事会2次"
    received = next(f["value"] for f in held[0].figures if f["figure"] == "cases.received")
    assert received >= 3

    again = SyncClient(ty.sessions, server["url"], keys[TY]).sync_once()
    assert again.ok and again.reports_sent == 0  # the street has it: nothing sent again

    assert _make(ty, "议事会改为3次") == 2
    assert SyncClient(ty.sessions, server["url"], keys[TY]).sync_once().reports_sent == 1
    held = _held(server)
    assert [(r.community, r.version, r.notes) for r in held] == [(TY, 2, "议事会改为3次"), (XH, 1, "")]
    with ty.sessions() as session:
        row = session.scalars(select(MonthlyReport)).one()
    assert row.sent_version == row.version == 2 and row.sent_at is not None


def test_an_older_version_does_not_replace_a_newer_one(server, keys):
    body = {
        "reports": [
            {"uuid": "u-old", "month": "2020-01", "version": 5, "figures": [], "notes": "新"},
        ]
    }
    url, auth = f"{server['url']}/api/v1/monthly-reports", {"Authorization": f"Bearer {keys[TY]}"}
    assert httpx.post(url, json=body, headers=auth).json() == {"stored": [{"month": "2020-01", "version": 5}]}
    body["reports"][0].update(version=3, notes="旧", community=XH)  # a community named in the body is ignored
    assert httpx.post(url, json=body, headers=auth).json() == {"stored": [{"month": "2020-01", "version": 5}]}
    with server["sessions"]() as session:
        row = session.get(StreetMonthlyReport, (TY, "2020-01"))
        assert (row.version, row.notes) == (5, "新")
        assert session.get(StreetMonthlyReport, (XH, "2020-01")) is None
    bad = {"reports": [{"uuid": "x", "month": "2020-13", "version": 1, "figures": []}]}
    assert httpx.post(url, json=bad, headers=auth).status_code == 422
    street = {"Authorization": f"Bearer {server['street_key']}"}
    assert httpx.post(url, json=body, headers=street).status_code == 403


def test_the_street_office_reads_the_figures_per_community(server, keys, demo_db_file, tmp_path):
    ty = _desk(demo_db_file, tmp_path, "ty2", TY)
    _accept(ty, 2, offset=200)
    for _ in range(3):  # version 3: newer than any the street holds from the test before
        _make(ty, "第二次")
    assert SyncClient(ty.sessions, server["url"], keys[TY]).sync_once().ok
    answer = _stats(server, server["street_key"])
    assert answer.status_code == 200
    body = answer.json()
    assert body["by"] == "community" and body["period"]["from"].startswith(MONTH)
    counted = {row["community"]: row["figures"] for row in body["counted"]}
    month = periods.month(MONTH)
    start, end = month.utc_bounds
    with server["sessions"]() as session:  # counted by hand from the records held
        expected = sum(
            1
            for data in session.scalars(select(StreetCase.data).where(StreetCase.origin_community == TY))
            if start <= dt.datetime.fromisoformat(data["received_at"]) < end
        )
    assert counted[TY]["cases.received"] == expected >= 5
    assert set(counted[TY]) >= {"cases.closed", "cases.overdue", "satisfaction.rate", "certificates.issued"}
    reports = {r["community"]: r for r in body["monthly_reports"]}
    assert reports[TY]["notes"] == "第二次" and reports[TY]["figures"]

    by_month = _stats(server, server["street_key"], by="month").json()
    assert {row["month"] for row in by_month["counted"]} == {MONTH}
    assert _stats(server, server["street_key"], by="grid").status_code == 422
    assert _stats(server, keys[TY]).status_code == 403  # a community's key may not read the street
    assert _stats(server, "yc_wrong").status_code == 401
    reversed_period = httpx.get(
        f"{server['url']}/api/v1/stats",
        params={"from": "2026-11-30", "to": "2026-11-01"},
        headers={"Authorization": f"Bearer {server['street_key']}"},
    )
    assert reversed_period.status_code == 422 and "早于" in reversed_period.json()["detail"]


@pytest.mark.parametrize("params", [{}, {"from": "2026-11-01"}, {"from": "x", "to": "2026-11-30"}])
def test_a_stats_request_without_a_period_is_refused(server, params):
    answer = httpx.get(
        f"{server['url']}/api/v1/stats",
        params=params,
        headers={"Authorization": f"Bearer {server['street_key']}"},
    )
    assert answer.status_code == 422
