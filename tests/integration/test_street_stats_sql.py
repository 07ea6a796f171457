"""The street office's figures counted by the database (app/street/stats_sql.py) against a count
written here in plain Python over the same random records, on PostgreSQL when it answers and on
SQLite otherwise: every figure, per community and per community and month, for periods whose
edges fall inside the data, with moments in every form the desks and the server write (with and
without fractions, with Z or +08:00, a bare date) and values that are no moment at all."""

from __future__ import annotations

import datetime as dt
import random
import uuid as uuidlib

import pytest

from app.services.reports import periods
from app.services.reports.periods import Period
from app.street.models import StreetCase, StreetCertificate, StreetCommunity, open_store
from app.street.stats import street_stats

COMMUNITIES = ("A01", "A02", "A03", "B01")
STATUSES = ["accepted", "in_progress", "escalated", "completed", "called_back", "evaluated", "refused",
            "withdrawn", "awaiting_materials"]  # fmt: skip
RATINGS = ["", "", "非常满意", "满意", "基本满意", "不满意", "非常不满意", "很好"]
TODAY = dt.date(2026, 11, 20)
CHINA = dt.timedelta(hours=8)


def _moment_text(rng: random.Random, moment: dt.datetime) -> object:
    form = rng.randrange(8)
    if form == 0:
        return moment.isoformat(timespec="seconds")
    if form == 1:
        return moment.isoformat(timespec="microseconds")
    if form == 2:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{rng.randrange(1000):03d}Z"
    if form == 3:
        return (moment + CHINA).isoformat(timespec="seconds") + "+08:00"
    if form == 4:
        return moment.date().isoformat()
    if form == 5:
        return rng.choice(["", None, "不详", "2026-13-45T00:00:00", "2026-13-45T00:00:00+08:00"])
    return moment.isoformat()


def _parsed(value: object) -> dt.datetime | None:
    """The independent reading: Python's own ISO parser, offsets to UTC."""
    try:
        moment = dt.datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _issue_day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@pytest.fixture(scope="module")
def records(database_url):
    rng = random.Random(20261120)
    sessions = open_store(database_url)
    cases, certificates = [], []
    first = dt.datetime(2026, 8, 31, 12, 0)
    with sessions.begin() as session:
        for code in COMMUNITIES:
            session.add(StreetCommunity(code=code, name=f"社区{code}", key_hash=code * 8, street="JD"))
        for n in range(1500):
            moment = first + dt.timedelta(seconds=rng.randrange(100 * 86400))
            if n % 50 == 0:  # exactly on a local midnight: the edges of a period
                moment = dt.datetime.combine(moment.date(), dt.time(16, 0))
            data = {
                "received_at": _moment_text(rng, moment),
                "channel": rng.choice(["hotline", "window", "grid", ""]),
            }
            rating = rng.choice(RATINGS)
            if rating:
                data["evaluation"] = rating
            due = TODAY + dt.timedelta(days=rng.randint(-20, 20)) if rng.random() < 0.8 else None
            row = StreetCase(
                uuid=str(uuidlib.UUID(int=rng.getrandbits(128), version=4)),
                case_no=f"C{n:05d}",
                origin_community=rng.choice(COMMUNITIES),
                owner_community="street",
                last_writer="x",
                status=rng.choice(STATUSES),
                version=1,
                due_date=due,
                data=data,
                seq=n + 1,
            )
            session.add(row)
            cases.append((row.origin_community, row.status, due, data))
        for n in range(400):
            day = dt.date(2026, 9, 1) + dt.timedelta(days=rng.randrange(90))
            issued = rng.choice([day.isoformat(), f"{day.isoformat()}T09:30:00", "", "未填"])
            origin = rng.choice(COMMUNITIES)
            session.add(
                StreetCertificate(
                    uuid=str(uuidlib.UUID(int=rng.getrandbits(128), version=4)),
                    version=1,
                    origin_community=origin,
                    data={"issue_date": issued},
                    seq=n + 1,
                )
            )
            certificates.append((origin, issued))
    yield sessions, cases, certificates
    sessions.kw["bind"].dispose()


COUNTED = [
    "cases.received",
    "cases.closed",
    "cases.in_progress",
    "cases.overdue",
    "cases.refused",
    "cases.hotline_received",
    "cases.hotline_closed",
    "cases.grid_reported",
    "satisfaction.rated",
    "satisfaction.satisfied",
    "certificates.issued",
]  # fmt: skip  (the life figures are tested apart)


def _by_hand(cases, certificates, period: Period, by_month: bool, only=None) -> dict:
    start, end = period.utc_bounds
    figures: dict[tuple[str, str], dict[str, int]] = {}

    def row(key):
        return figures.setdefault(key, dict.fromkeys(COUNTED, 0))

    for origin, status, due, data in cases:
        moment = _parsed(data.get("received_at"))
        if moment is None or not start <= moment < end or (only and origin not in only):
            continue
        r = row((origin, f"{moment + CHINA:%Y-%m}" if by_month else ""))
        closed = status in ("completed", "called_back", "evaluated")
        running = status in ("accepted", "in_progress", "escalated")
        r["cases.received"] += 1
        r["cases.closed"] += closed
        r["cases.in_progress"] += running
        r["cases.overdue"] += running and due is not None and due < TODAY
        r["cases.refused"] += status == "refused"
        r["cases.hotline_received"] += data["channel"] == "hotline"
        r["cases.hotline_closed"] += data["channel"] == "hotline" and closed
        r["cases.grid_reported"] += data["channel"] == "grid"
        rating = data.get("evaluation", "")
        r["satisfaction.rated"] += rating in ("非常满意", "满意", "基本满意", "不满意", "非常不满意")
        r["satisfaction.satisfied"] += rating in ("非常满意", "满意", "基本满意")
    for origin, issued in certificates:
        day = _issue_day(issued)
        if day is not None and period.start <= day <= period.end and not (only and origin not in only):
            row((origin, f"{day:%Y-%m}" if by_month else ""))["certificates.issued"] += 1
    return figures


@pytest.mark.parametrize(
    "period",
    [
        periods.month("2026-09"),
        periods.month("2026-10"),
        Period(dt.date(2026, 9, 17), dt.date(2026, 11, 3)),
        Period(dt.date(2026, 10, 31), dt.date(2026, 10, 31)),
        Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
    ids=lambda p: f"{p.start}..{p.end}",
)
@pytest.mark.parametrize("by", ["community", "month"])
def test_the_database_counts_what_python_counts(records, period, by, monkeypatch):
    monkeypatch.setattr("app.street.stats.utc_offset_minutes", lambda: 480)
    sessions, cases, certificates = records
    answer = street_stats(sessions, period, by, TODAY)
    counted = {
        (r["community"], r.get("month", "")): {k: r["figures"][k] for k in COUNTED}
        for r in answer["counted"]
        if by == "month" or any(r["figures"][k] for k in COUNTED)
    }
    expected = _by_hand(cases, certificates, period, by == "month")
    assert counted == expected
    assert sum(f["cases.received"] for f in expected.values()) > (20 if period.start != period.end else 0)
    for r in answer["counted"]:
        f = r["figures"]
        rate = (
            round(f["satisfaction.satisfied"] / f["satisfaction.rated"], 4)
            if f["satisfaction.rated"]
            else None
        )
        assert f["satisfaction.rate"] == rate


def test_a_street_sees_only_the_communities_it_is_given(records, monkeypatch):
    monkeypatch.setattr("app.street.stats.utc_offset_minutes", lambda: 480)
    sessions, cases, certificates = records
    period = periods.month("2026-10")
    answer = street_stats(sessions, period, "community", TODAY, communities=["A01", "A03"])
    assert [r["community"] for r in answer["counted"]] == ["A01", "A03"]
    expected = _by_hand(cases, certificates, period, False, only={"A01", "A03"})
    assert {r["community"]: r["figures"]["cases.received"] for r in answer["counted"]} == {
        code: expected[(code, "")]["cases.received"] for code in ("A01", "A03")
    }
