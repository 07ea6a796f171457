"""Benchmark: the 统计 tab's full report over 100,000 cases and 1,000,000 residents (target ≤ 2 s),
and the 办件台账 of those 100,000 cases to .xlsx (target ≤ 15 s, memory under 300 MB).

    python bench/bench_reports.py [--residents 1000000] [--cases 100000] [--runs 3] [--reuse]
                                  [--cache /tmp/yichuang-bench-reports] [--markdown-out FILE]

The database is built in ``--cache`` (``reports-R-C.sqlite``) and kept there; ``--reuse`` opens the
one already built instead of building it again (a build of 1,000,000 residents takes 5-10 minutes
on 2 cores). It holds the demo street with R residents (``initialise(..., history=False)``, bulk
inserts), then C cases written by the demo's own case generator (``add_demo_cases``, a year ending
on the build day, with their events, due dates in working days, ratings and re-handling).

Every timed run is a **separate process** (this script with a hidden option), so that its peak
resident memory (``ru_maxrss``) is that run's alone:

* the report: ``full_report()``, what the 统计 tab calls for a period, every section (case figures
  in total and by item, category, grid, channel and staff, satisfaction with the unsatisfied
  cases, certificates by template, the population by grid, age band and tag, the twelve-month
  trend), for the whole street, over one month and over twelve months; timed around the call;
* the export: what ``yichuang export cases --xlsx F`` does, ``read_ledger`` for the whole street
  and ``export_ledger`` to .xlsx with its audit entry committed; timed from opening the database.

Each is run ``--runs`` times after one warm-up (the page cache); the median, the slowest, the peak
RSS and the 1-minute load average before and after every run are printed (the machine may be
shared: a figure means little without the load beside it). Markdown on stdout, progress on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
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


PERIODS = {
    "month": ("one month (2026-10)", lambda: periods.month("2026-10")),
    "year": ("one year (2025-12-01 to 2026-11-30)", lambda: periods.last_twelve_months(BUILD_DAY)),
}


def report_once(path: str, which: str) -> None:
    """One full report in this process; prints its seconds, cases and peak RSS as JSON."""
    db = open_database(f"sqlite:///{path}")
    with db.sessions() as session:
        started = time.perf_counter()
        report = full_report(session, PERIODS[which][1](), as_of=BUILD_DAY)
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "received": report.cases.total.received, "peak_mb": peak}))


def export_once(path: str, out: str) -> None:
    """The 办件台账 of the whole street to .xlsx, as ``yichuang export cases`` makes it."""
    started = time.perf_counter()
    from app.services.admin.scope import WHOLE_STREET
    from app.services.exports.filters import LedgerFilter
    from app.services.exports.ledgers import export_ledger, read_ledger

    db = open_database(f"sqlite:///{path}")
    with db.sessions.begin() as session:
        ledger = read_ledger(session, "cases", LedgerFilter(), scope=WHOLE_STREET, actor="cli:bench")
        read = time.perf_counter() - started
        done = export_ledger(session, ledger, xlsx=Path(out))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "read": read, "rows": done.rows, "peak_mb": peak}))


def timed(*argv: str) -> dict:
    before = load()
    result = subprocess.run(
        [sys.executable, __file__, *argv], check=True, capture_output=True, text=True, cwd=ROOT
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    answer["load"] = (before, load())
    return answer


def series(runs: int, label: str, *argv: str) -> list[dict]:
    timed(*argv)  # warm-up: the page cache
    out = []
    for _ in range(runs):
        out.append(timed(*argv))
        log(
            f"{label}: {out[-1]['seconds']:.2f} s, {out[-1]['peak_mb']:.0f} MB (load {out[-1]['load'][0]:.2f})"
        )
    return out


def row(label: str, count: str, results: list[dict], target: str, met: bool) -> str:
    times = [r["seconds"] for r in results]
    loads = [x for r in results for x in r["load"]]
    peak = max(r["peak_mb"] for r in results)
    verdict = "met" if met else "**not met**"
    return (
        f"| {label} | {count} | {statistics.median(times):.2f} | {max(times):.2f} | {peak:.0f} "
        f"| {min(loads):.2f}–{max(loads):.2f} | {target}: {verdict} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="open the database built before")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/yichuang-bench-reports"))
    parser.add_argument("--markdown-out", type=Path)
    parser.add_argument("--report-once", nargs=2, metavar=("DB", "PERIOD"), help=argparse.SUPPRESS)
    parser.add_argument("--export-once", nargs=2, metavar=("DB", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--build-once", nargs=3, metavar=("DB", "RESIDENTS", "CASES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.report_once:
        report_once(*args.report_once)
        return 0
    if args.export_once:
        export_once(*args.export_once)
        return 0
    if args.build_once:
        build(Path(args.build_once[0]), int(args.build_once[1]), int(args.build_once[2]))
        return 0
    args.cache.mkdir(parents=True, exist_ok=True)
    path = args.cache / f"reports-{args.residents}-{args.cases}.sqlite"
    if path.exists() and not args.reuse:
        for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            old.unlink(missing_ok=True)
    if not path.exists():
        # In a process of its own: a child started by a process keeps that process's peak RSS as
        # its own starting peak on Linux, so the runs would all report the build's gigabytes.
        subprocess.run(
            [sys.executable, __file__, "--build-once", str(path), str(args.residents), str(args.cases)],
            check=True,
            cwd=ROOT,
        )
    db = open_database(f"sqlite:///{path}")
    with db.sessions() as session:
        counts = (
            session.scalar(select(func.count(Resident.id))),
            session.scalar(select(func.count(Case.id))),
            session.scalar(select(func.count(CaseEvent.id))),
        )
    db.dispose()
    log(f"database: {counts[0]:,} residents, {counts[1]:,} cases, {counts[2]:,} events")
    lines = [
        f"Database: {counts[0]:,} residents, {counts[1]:,} cases, {counts[2]:,} case events; "
        f"whole street, as of {BUILD_DAY}; each run a fresh process, {args.runs} runs after one warm-up; "
        f"{os.cpu_count()} CPUs; {dt.datetime.now():%Y-%m-%d %H:%M}.",
        "",
        "| what | rows | median (s) | slowest (s) | peak RSS (MB) | load (1 min) before–after | target |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for which, (label, _period) in PERIODS.items():
        results = series(args.runs, label, "--report-once", str(path), which)
        median = statistics.median(r["seconds"] for r in results)
        lines.append(
            row(
                f"`full_report()`, {label}",
                f"{results[0]['received']:,} cases",
                results,
                "≤ 2 s",
                median <= 2,
            )
        )
    out = args.cache / "cases.xlsx"
    results = series(args.runs, "export", "--export-once", str(path), str(out))
    median = statistics.median(r["seconds"] for r in results)
    peak = max(r["peak_mb"] for r in results)
    lines.append(
        row(
            "办件台账 to .xlsx (`export cases`)",
            f"{results[0]['rows']:,} cases",
            results,
            "≤ 15 s, < 300 MB",
            median <= 15 and peak < 300,
        )
    )
    reads = [r["read"] for r in results]
    lines += ["", f"Of the export, reading the rows: median {statistics.median(reads):.2f} s; "
              f"the file: {out.stat().st_size / 1e6:.1f} MB."]  # fmt: skip
    text = "\n".join(lines)
    print(text)
    if args.markdown_out:
        args.markdown_out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
