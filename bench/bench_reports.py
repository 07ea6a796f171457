"""Benchmark: the full statistics report over 100,000 cases and 1,000,000 residents.

    python bench/bench_reports.py [--residents 1000000] [--cases 100000] [--runs 5]
                                  [--cache /tmp/yichuang-bench-reports] [--markdown-out FILE]

The database is built once and kept in ``--cache`` (``reports-R-C.sqlite``; later runs reuse it):
the demo street with R residents (``initialise(..., history=False)``, bulk inserts), then C cases
written by the demo's own case generator (``add_demo_cases``, a year ending on the build day, with
their events, due dates in working days, ratings and re-handling). Then, for each period, it times
``full_report()`` — every figure of docs/REPORTS.md for the whole street: the case figures in total
and by item, category, grid, channel and staff, satisfaction with the unsatisfied cases,
certificates by template, the population by grid, age band and tag, and the twelve-month trend —
in a fresh session each run, with ``time.perf_counter``. The 1-minute load average is read before
and after each run (the machine is shared). Prints Markdown on stdout; progress on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from app.db import open_database  # noqa: E402
from app.models import Case, CaseEvent, Resident  # noqa: E402
from app.services.reports import periods  # noqa: E402
from app.services.reports.full_report import full_report  # noqa: E402
from app.services.setup.demo_cases import CASES_PER_RESIDENT, add_demo_cases  # noqa: E402
from app.services.setup.initialise import initialise  # noqa: E402

BUILD_DAY = dt.date(2026, 11, 23)  # fixed, so the cached database means the same thing every time


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def build(path: Path, residents: int, cases: int) -> None:
    os.environ.setdefault("YICHUANG_KEYS_DIR", str(path.parent / "keys"))
    started = time.perf_counter()
    db = open_database(f"sqlite:///{path.with_suffix('.partial')}")
    initialise(db, with_demo=True, seed=1, residents=residents, today=BUILD_DAY, history=False)
    log(f"street with {residents:,} residents: {time.perf_counter() - started:.1f} s")
    with db.sessions.begin() as session:
        written = add_demo_cases(
            session, seed=1, today=BUILD_DAY, residents=round(cases / CASES_PER_RESIDENT)
        )
    log(f"{written.cases:,} cases, {written.events:,} events: {time.perf_counter() - started:.1f} s")
    db.dispose()
    path.with_suffix(".partial").rename(path)


def load() -> float:
    return os.getloadavg()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/yichuang-bench-reports"))
    parser.add_argument("--markdown-out", type=Path)
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    path = args.cache / f"reports-{args.residents}-{args.cases}.sqlite"
    if not path.exists():
        build(path, args.residents, args.cases)
    db = open_database(f"sqlite:///{path}")
    with db.sessions() as session:
        counts = (
            session.scalar(select(func.count(Resident.id))),
            session.scalar(select(func.count(Case.id))),
            session.scalar(select(func.count(CaseEvent.id))),
        )
    log(f"database: {counts[0]:,} residents, {counts[1]:,} cases, {counts[2]:,} events")
    choices = {
        "one month (2026-10)": periods.month("2026-10"),
        "one year (2025-12-01 to 2026-11-30)": periods.last_twelve_months(BUILD_DAY),
    }
    lines = [
        f"Database: {counts[0]:,} residents, {counts[1]:,} cases, {counts[2]:,} case events; "
        f"`full_report()`, whole street, as of {BUILD_DAY}, {args.runs} runs each after one warm-up.",
        "",
        "| period | cases in period | median (s) | min (s) | max (s) | load (1 min) before–after | target |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for label, period in choices.items():
        with db.sessions() as session:
            full_report(session, period, as_of=BUILD_DAY)  # warm-up: page cache, imports
        times, loads, received = [], [], 0
        for _ in range(args.runs):
            before = load()
            with db.sessions() as session:
                started = time.perf_counter()
                report = full_report(session, period, as_of=BUILD_DAY)
                times.append(time.perf_counter() - started)
            loads += [before, load()]
            received = report.cases.total.received
            log(f"{label}: {times[-1]:.3f} s (load {before:.2f})")
        verdict = "met" if statistics.median(times) <= 2 else "**not met**"
        lines.append(
            f"| {label} | {received:,} | {statistics.median(times):.3f} | {min(times):.3f} | {max(times):.3f} "
            f"| {min(loads):.2f}–{max(loads):.2f} | ≤ 2 s: {verdict} |"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines += ["", f"Peak RSS of the process: {peak:.0f} MB; CPUs: {os.cpu_count()}."]
    text = "\n".join(lines)
    print(text)
    if args.markdown_out:
        args.markdown_out.write_text(text + "\n", encoding="utf-8")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
