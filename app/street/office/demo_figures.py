"""The demo street's everyday work, so that its 统计 page has something to count: for each of the
six communities, four months of ordinary cases (window, 12345, kiosk, grid reports; most of the
older ones closed and rated, some recent ones overdue) and certificates, pushed the way a desk
pushes them, and the monthly reports (月度工作报表) of the two months just ended with their notes,
stored the way the API stores them. Deterministic for a seed and relative to today.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid as uuidlib
from typing import NamedTuple

from sqlalchemy.orm import Session, sessionmaker

from app.services.reports import periods
from app.services.reports.figures import figure_name
from app.street import receive
from app.street.incoming import Incoming
from app.street.stats import store_monthly_reports

ITEMS = [("ZM-001", "居住证明", "window"), ("MZ-003", "高龄津贴申请", "window"), ("SB-005", "城乡居民养老保险参保登记", "window"),
         ("", "12345热线工单（环境卫生）", "hotline"), ("", "12345热线工单（物业管理）", "hotline"),
         ("", "群众诉求（设施报修）", "kiosk"), ("", "网格上报（安全隐患）", "grid")]  # fmt: skip
RATINGS = ["非常满意"] * 6 + ["满意"] * 5 + ["基本满意"] * 2 + ["不满意"]
NOTES = [
    "本月召开居民议事会2次，解决楼道堆物、电动车充电等问题3件。",
    "12345工单均在时限内回复；1件物业管理诉求已转街道协调。",
    "开展高龄津贴集中认证，上门服务行动不便老人17人次。",
    "",
]
SIZES = [34, 22, 41, 18, 27, 30]  # cases a month, per community: busy and quiet ones


class _Report(NamedTuple):
    uuid: str
    month: str
    version: int
    figures: list
    notes: str
    made_by: str
    made_at: str


def _uuid(rng: random.Random) -> str:
    return str(uuidlib.UUID(int=rng.getrandbits(128), version=4))


def _status(rng: random.Random, age_days: int) -> str:
    if rng.random() < 0.03:
        return "refused"
    if age_days > 20 or rng.random() < age_days / 12:
        return rng.choice(["completed", "evaluated", "evaluated", "called_back"])
    return rng.choice(["accepted", "in_progress", "in_progress"])


def add_everyday_work(
    sessions: sessionmaker[Session], codes: list[str], rng: random.Random, today: dt.date
) -> int:
    """Push the cases and certificates, store the monthly reports; returns the cases written."""
    first = (today.replace(day=1) - dt.timedelta(days=80)).replace(day=1)
    written = 0
    for code, size in zip(codes, SIZES, strict=False):
        records, monthly, issued_in = [], {}, {}
        day = first
        while day <= today:
            for _ in range(rng.randint(size - 4, size + 4)):
                received = dt.datetime.combine(
                    day + dt.timedelta(days=rng.randrange(28)), dt.time(rng.randint(0, 9), rng.randint(0, 59))
                )  # 08:00 to 17:59 in China, stored in UTC
                if received.date() > today:
                    continue
                item_code, item_name, channel = rng.choice(ITEMS)
                status = _status(rng, (today - received.date()).days)
                data = {
                    "case_no": f"{code[-3:]}-{received:%Y%m%d}-{written:05d}",
                    "status": status,
                    "channel": channel,
                    "item_code": item_code,
                    "item_name": item_name,
                    "received_at": received.isoformat(),
                    "due_date": (received.date() + dt.timedelta(days=rng.choice([5, 7, 10]))).isoformat(),
                }
                if status in ("evaluated", "called_back") and rng.random() < 0.85:
                    data["evaluation"] = rng.choice(RATINGS)
                records.append(Incoming("case", _uuid(rng), 0, code, data))
                monthly.setdefault(f"{received:%Y-%m}", []).append(data)
                written += 1
            for _ in range(rng.randint(3, 9)):
                issued = day + dt.timedelta(days=rng.randrange(28))
                if issued <= today:
                    data = {"issue_date": issued.isoformat(), "template_code": "JZZM"}
                    records.append(Incoming("certificate", _uuid(rng), 0, code, data))
                    issued_in[f"{issued:%Y-%m}"] = issued_in.get(f"{issued:%Y-%m}", 0) + 1
            day = (day + dt.timedelta(days=32)).replace(day=1)
        for start in range(0, len(records), 400):
            receive.push(sessions, code, _uuid(rng), records[start : start + 400])
        reports = []
        for back in (1, 2):
            month = (
                periods.last_month(today)
                if back == 1
                else periods.last_month(periods.last_month(today).start)
            )
            key = f"{month.start:%Y-%m}"
            if code == codes[-1] and back == 1:
                continue  # one community has not sent last month's report yet
            reports.append(
                _Report(
                    _uuid(rng),
                    key,
                    1 + (back == 1 and code == codes[0]),  # made again once
                    _figures(monthly.get(key, []), issued_in.get(key, 0)),
                    rng.choice(NOTES),
                    "houtai",
                    dt.datetime.combine(month.end + dt.timedelta(days=2), dt.time(2, 30)).isoformat(),
                )
            )
        store_monthly_reports(sessions, code, reports)
    return written


def _figures(cases: list[dict], certificates: int) -> list[dict]:
    closed = [c for c in cases if c["status"] in ("completed", "evaluated", "called_back")]
    rated = [c for c in cases if c.get("evaluation")]
    satisfied = [c for c in rated if c["evaluation"] not in ("不满意", "非常不满意")]
    values = {
        "cases.received": len(cases),
        "cases.closed": len(closed),
        "cases.in_progress": sum(c["status"] in ("accepted", "in_progress") for c in cases),
        "cases.hotline_received": sum(c["channel"] == "hotline" for c in cases),
        "satisfaction.rated": len(rated),
        "satisfaction.satisfied": len(satisfied),
        "satisfaction.rate": round(len(satisfied) / len(rated), 4) if rated else None,
        "certificates.issued": certificates,
    }
    return [{"figure": code, "name": figure_name(code), "value": value} for code, value in values.items()]
