"""Benchmark: the 办件台账 of 100,000 cases to .xlsx (target: ≤ 15 s, memory under 300 MB).

    python bench/bench_exports.py [--cases 100000] [--residents 20000] [--runs 3] [--pdf-rows 2000]
                                  [--keep DIR] [--markdown-out FILE]

A fresh SQLite database (``open_database``, the project's settings) gets the demo street with
``initialise(db, with_demo=True, seed=1, residents=N)``, then ``--cases`` cases inserted in bulk:
applicants drawn from the demo residents (their real ID numbers, so every row is masked), every
grid, every channel and status, a year of received dates, some names that look like formulas.

Each run is a **separate process** (``--export DB OUT``), so its peak resident memory
(``ru_maxrss``) is the export's alone: open the database, ``read_ledger`` for the whole street,
``export_ledger`` to .xlsx, commit the audit entry. The wall time of that whole call is reported,
and the peak RSS of the process (Python and its imports included). A PDF of ``--pdf-rows``
cases (one month, ``--from``/``--to``) is timed the same way for reference; it has no target.

Prints Markdown tables on stdout, progress on stderr. Not part of the test run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHANNELS = ["window", "window", "window", "hotline", "kiosk"]
STATUSES = ["accepted", "in_progress", "completed", "evaluated", "refused", "awaiting_materials", "escalated"]
EVALUATIONS = ["", "", "非常满意", "满意", "基本满意", "不满意", "非常不满意"]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def build(path: Path, cases: int, residents: int) -> None:
    from sqlalchemy import insert, select

    from app.db import open_database
    from app.models import Building, Case, Community, Grid, Household, Resident
    from app.services.setup.initialise import initialise

    db = open_database(f"sqlite:///{path}")
    started = time.perf_counter()
    initialise(db, with_demo=True, seed=1, residents=residents)
    log(f"demo street with {residents} residents: {time.perf_counter() - started:.1f} s")
    rng = random.Random(1)
    with db.sessions.begin() as session:
        community = session.scalars(select(Community).limit(1)).one()
        people = session.execute(
            select(Resident.id, Resident.name, Resident.id_number, Resident.phone, Building.grid_id)
            .join(Household, Resident.household_id == Household.id)
            .join(Building, Household.building_id == Building.id)
        ).all()
        items = [("SB-005", "城乡居民养老保险参保登记"), ("ZM-001", "居住证明"), ("MZ-003", "高龄津贴申请")]
        grids = {g for (g,) in session.execute(select(Grid.id))}
        log(f"{len(people)} residents in {len(grids)} grids; inserting {cases} cases")
        start = dt.datetime(2025, 12, 1, 1, 0)
        batch = []
        for n in range(cases):
            person = rng.choice(people)
            received = start + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
            status = rng.choice(STATUSES)
            item = rng.choice(items)
            name = person.name if n % 997 else '=HYPERLINK("x")'
            batch.append(
                {
                    "origin_community": community.code,
                    "case_no": f"BENCH{n:08d}",
                    "community_id": community.id,
                    "channel": rng.choice(CHANNELS),
                    "status": status,
                    "item_code": item[0],
                    "item_name": item[1],
                    "promised_days": 5,
                    "resident_id": person.id,
                    "applicant_name": name,
                    "applicant_id_number": person.id_number,
                    "applicant_phone": person.phone,
                    "grid_id": person.grid_id,
                    "first_responder": "qiantai",
                    "owner": "houtai",
                    "content": "申请办理，材料齐全" if n % 3 else "",
                    "received_at": received,
                    "accepted_at": received,
                    "due_date": (received + dt.timedelta(days=7)).date(),
                    "completed_at": received + dt.timedelta(days=3)
                    if status in ("completed", "evaluated")
                    else None,
                    "evaluation": rng.choice(EVALUATIONS) if status == "evaluated" else "",
                }
            )
            if len(batch) == 10_000:
                session.execute(insert(Case), batch)
                batch = []
        if batch:
            session.execute(insert(Case), batch)
    db.dispose()
    log(f"built in {time.perf_counter() - started:.1f} s")


def export(db_path: str, out: str, pdf: bool, date_from: str | None, date_to: str | None) -> None:
    """One export in this process; prints its seconds, rows and peak RSS as JSON."""
    started = time.perf_counter()
    from app.db import open_database
    from app.services.admin.scope import WHOLE_STREET
    from app.services.exports.filters import LedgerFilter
    from app.services.exports.ledgers import centre_heading, export_ledger, read_ledger

    db = open_database(f"sqlite:///{db_path}")
    flt = LedgerFilter(
        date_from=dt.date.fromisoformat(date_from) if date_from else None,
        date_to=dt.date.fromisoformat(date_to) if date_to else None,
    )
    with db.sessions.begin() as session:
        ledger = read_ledger(session, "cases", flt, scope=WHOLE_STREET, actor="cli:bench")
        read = time.perf_counter() - started
        if pdf:
            from app.printing.documents.ledger import render_ledger

            centre = centre_heading(session)
            done = export_ledger(
                session, ledger, pdf=Path(out), render_pdf=lambda led: render_ledger(led, centre)
            )
        else:
            done = export_ledger(session, ledger, xlsx=Path(out))
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "rows": done.rows,
                "seconds": seconds,
                "read": read,
                "peak_mb": peak_mb,
                "bytes": os.path.getsize(out),
            }
        )
    )


def run_export(db_path: Path, out: Path, *extra: str) -> dict:
    argv = [sys.executable, __file__, "--export", str(db_path), str(out), *extra]
    result = subprocess.run(argv, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pdf-rows", type=int, default=2000, help="about this many cases in the PDF")
    parser.add_argument("--keep", type=Path, help="build (or reuse) the database in this folder")
    parser.add_argument("--markdown-out", type=Path)
    parser.add_argument("--export", nargs=2, metavar=("DB", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--pdf", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--from", dest="date_from", help=argparse.SUPPRESS)
    parser.add_argument("--to", dest="date_to", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export:
        export(*args.export, args.pdf, args.date_from, args.date_to)
        return 0

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-exports-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("YICHUANG_KEYS_DIR", str(folder / "keys"))
    db_path = folder / f"exports-{args.cases}.sqlite"
    if not db_path.exists():
        build(db_path, args.cases, args.residents)
    lines = [
        f"### 办件台账 of {args.cases:,} cases to .xlsx (each run a fresh process)",
        "",
        "| run | rows | read (s) | total (s) | peak RSS (MB) | file (MB) | target ≤ 15 s, < 300 MB |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in range(1, args.runs + 1):
        r = run_export(db_path, folder / "cases.xlsx")
        ok = "met" if r["seconds"] <= 15 and r["peak_mb"] < 300 else "**not met**"
        lines.append(
            f"| {run} | {r['rows']:,} | {r['read']:.2f} | {r['seconds']:.2f} | {r['peak_mb']:.0f} | "
            f"{r['bytes'] / 1e6:.1f} | {ok} |"
        )
        log(lines[-1])
    days = max(1, round(365 * args.pdf_rows / args.cases))
    window = ["--from", "2026-01-01", "--to", (dt.date(2026, 1, 1) + dt.timedelta(days=days - 1)).isoformat()]
    r = run_export(db_path, folder / "cases.pdf", "--pdf", *window)
    lines += [
        "",
        f"PDF of {r['rows']:,} cases ({window[1]} to {window[3]}): {r['seconds']:.1f} s, "
        f"peak RSS {r['peak_mb']:.0f} MB, {r['bytes'] / 1e6:.1f} MB (no target).",
    ]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.markdown_out:
        args.markdown_out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
