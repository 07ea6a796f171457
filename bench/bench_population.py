"""Benchmark: demo population generation and resident lookup by ID number.

    python bench/bench_population.py [--sizes 100000 1000000] [--lookups 5000] [--keep DIR]
                                     [--reuse] [--markdown-out FILE]

For each size a fresh SQLite database (the project's own settings: WAL, synchronous=FULL, foreign
keys) is created in a temporary folder (or in --keep DIR, where it is left behind), the demo street
is generated with ``initialise(db, with_demo=True, seed=1, residents=N)`` and timed, and then the
lookup latency is measured the way the front desk works:

* ``swipe()``: the desk's audited lookup, one short transaction on a pooled driver connection per
  swipe (ID check, resident query with household/building/grid/community and grid leader, tags,
  members, audit insert, COMMIT = WAL fsync);
* ``lookup()`` + commit: the same in a session of its own (what scripts and certificates use);
* the floor: the same three SELECTs and the same audit INSERT + COMMIT as plain ``sqlite3``
  statements on a connection of its own with the program's settings (WAL, synchronous=FULL), no
  ORM, no Python beyond the driver: what SQLite and one fsync cost. The ratio lookup ÷ floor is
  printed at p50 and p99;
* ``lookup()`` + rollback: the same work without the commit, to show what the fsync costs;
* ``find_resident()`` alone: ID parse and the resident query with its eager loads, no audit;
* unknown ID: a valid ID number that is not on the population base (``LookupFailed``, nothing
  written, nothing committed).

Every timing is one call, measured with ``time.perf_counter_ns``, after 200 warm-up lookups and a
``gc.freeze()`` (as the desk does once its window is built); the kinds are interleaved, each on
its own random residents, so machine noise hits them alike.
Prints Markdown tables on stdout; progress goes to stderr. Not part of the test run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import math
import os
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from app.db import open_database  # noqa: E402
from app.models.staff import GRID_LEADER  # noqa: E402
from app.services.common.idcard import check_digit  # noqa: E402
from app.services.population.lookup import LookupFailed, find_resident, lookup, swipe  # noqa: E402
from app.services.setup.initialise import initialise  # noqa: E402

WARMUP = 200
LOOKUP_TARGET_MS = 2.5  # audited lookup + commit with 1,000,000 residents, p99, on a quiet machine
FLOOR_RATIO_TARGET = 2.0  # lookup ÷ plain-SQL floor at p50
COMMIT_LABEL = "swipe(): audited lookup, committed, as the desk does"
SESSION_LABEL = "lookup() in a session + commit"
FLOOR_LABEL = "floor: same SELECTs + audit INSERT + COMMIT, plain sqlite3"
GENERATE_TARGET_S = 60.0  # DESIGN.md: demo data with 100,000 residents <= 60 s
ACTOR = "bench"
PURPOSE = "性能测试"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarise(samples_ns: list[int]) -> dict[str, float]:
    ms = sorted(s / 1e6 for s in samples_ns)
    return {
        "n": len(ms),
        "p50": percentile(ms, 0.50),
        "p90": percentile(ms, 0.90),
        "p99": percentile(ms, 0.99),
        "max": ms[-1] if ms else math.nan,
    }


def time_interleaved(
    series: dict[str, tuple[Callable[[str], None], list[str]]],
) -> dict[str, tuple[list[int], int]]:
    """Time every call of every series, the series interleaved (a commit, a read-only lookup, a
    find, now and then an unknown ID, ...) so that a noisy neighbour on the machine hits them all
    alike. Returns, per series, one timing per call and how many full (generation-2) garbage
    collections started during its calls: a full collection walks every tracked object in the
    process and shows up in the max."""
    schedule = sorted(
        (
            (k / len(ids), order, label, id_number)
            for order, (label, (_, ids)) in enumerate(series.items())
            for k, id_number in enumerate(ids)
        ),
    )
    samples: dict[str, list[int]] = {label: [] for label in series}
    full: dict[str, int] = {label: 0 for label in series}
    current = [""]

    def count(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2 and current[0]:
            full[current[0]] += 1

    clock = time.perf_counter_ns
    gc.callbacks.append(count)
    try:
        for _, _, label, id_number in schedule:
            call = series[label][0]
            current[0] = label
            start = clock()
            call(id_number)
            samples[label].append(clock() - start)
            current[0] = ""
    finally:
        gc.callbacks.remove(count)
    return {label: (samples[label], full[label]) for label in series}


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def file_size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def unknown_ids(db, known_sample: list[str], count: int, rng: random.Random) -> list[str]:
    """Valid ID numbers (real region, real birth date, right check digit) that nobody has:
    an existing number with another sequence code, checked against the table."""
    candidates: set[str] = set()
    while len(candidates) < count * 2:
        base = rng.choice(known_sample)
        first17 = base[:14] + f"{rng.randrange(1000):03d}"
        candidates.add(first17 + check_digit(first17))
    pool = sorted(candidates)
    taken: set[str] = set()
    with db.engine.connect() as conn:
        for start in range(0, len(pool), 500):
            chunk = pool[start : start + 500]
            marks = ",".join("?" * len(chunk))
            taken.update(
                r[0]
                for r in conn.exec_driver_sql(
                    f"SELECT id_number FROM residents WHERE id_number IN ({marks})", tuple(chunk)
                )
            )
    free = [c for c in pool if c not in taken]
    rng.shuffle(free)
    return free[:count]


# The floor's statements: what the desk's lookup asks SQLite, written as plain SQL.
FLOOR_PERSON = """
SELECT r.id, r.id_number, r.name, r.sex, r.birth_date, r.ethnicity, r.phone, r.hukou_address,
       r.current_address, r.relation_to_head, r.state, r.left_on, r.moved_to, r.notes,
       r.card_authority, r.card_valid_from, r.card_valid_to, r.card_long_term, r.household_id,
       h.unit, h.room, b.name, b.address, b.units, g.id, g.code, g.name, g.hotline,
       leader.name, leader.phone, c.code, c.name, s.name
FROM residents r
LEFT JOIN households h ON r.household_id = h.id
LEFT JOIN buildings b ON h.building_id = b.id
LEFT JOIN grids g ON b.grid_id = g.id
LEFT JOIN communities c ON g.community_id = c.id
LEFT JOIN streets s ON c.street_id = s.id
LEFT JOIN grid_staff leader
       ON leader.id = (SELECT min(id) FROM grid_staff WHERE grid_id = g.id AND role = ?)
WHERE r.id_number = ?"""
FLOOR_TAGS = (
    "SELECT t.id, t.code, t.name, t.color, t.sort_order FROM tags t "
    "JOIN resident_tags rt ON rt.tag_id = t.id WHERE rt.resident_id = ?"
)
FLOOR_MEMBERS = (
    "SELECT name, relation_to_head, sex, birth_date, id_number, state FROM residents "
    "WHERE household_id = ? ORDER BY id"
)
FLOOR_AUDIT = (
    "INSERT INTO audit_log (at, actor, action, resident_id, subject, purpose, detail) "
    "VALUES (?, ?, 'lookup', ?, ?, ?, '')"
)


def floor_connection(path: Path) -> sqlite3.Connection:
    """A plain connection with the program's settings (see app.db)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in ("busy_timeout=5000", "journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def bench_size(size: int, args: argparse.Namespace, workdir: Path) -> dict:
    path = workdir / f"population-{size}.sqlite"
    url = f"sqlite:///{path}"
    result: dict = {"size": size, "path": path}
    reused = args.reuse and path.exists()
    if not reused:
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        log(f"[{size:,}] creating {path}")
        start = time.perf_counter()
        db = open_database(url)
        result["open_s"] = time.perf_counter() - start
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.perf_counter()
            if now - last[0] > 10 or done >= total:
                last[0] = now
                log(f"[{size:,}]   {done:,}/{total:,} residents written, {now - start:.1f} s")

        gen_start = time.perf_counter()
        init = initialise(db, with_demo=True, seed=args.seed, residents=size, progress=progress)
        result["generate_s"] = time.perf_counter() - gen_start
        result["total_s"] = time.perf_counter() - start
        result["demo"] = init.demo
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        db.dispose()  # the last connection to close checkpoints the WAL into the main file
        log(f"[{size:,}] generated in {result['generate_s']:.1f} s: {init.demo}")
    else:
        log(f"[{size:,}] reusing {path}")
    result["file_mb"] = file_size(path) / 1e6
    result["reused"] = reused

    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            ids = [r[0] for r in conn.exec_driver_sql("SELECT id_number FROM residents ORDER BY id")]
        result["residents"] = len(ids)
        rng = random.Random(args.seed)
        # distinct residents for the warm-up and for each timed series, so that no series finds
        # its rows already in SQLite's page cache because another series just read them
        w = min(WARMUP, len(ids) // 5)  # tiny populations (a smoke run) get a shorter warm-up
        n = min(args.lookups, (len(ids) - w) // 5)
        picked = rng.sample(ids, w + 5 * n)
        warm = picked[:w]
        for_commit, for_rollback, for_find, for_floor, for_session = (
            picked[w + k * n : w + (k + 1) * n] for k in range(5)
        )
        missing = unknown_ids(db, picked, args.unknown, rng)
        del ids
        gc.collect()

        today = dt.date.today()

        def audited_commit(id_number: str) -> None:
            swipe(db.engine, id_number, actor=ACTOR, purpose=PURPOSE, today=today)

        def session_commit(id_number: str) -> None:
            with db.sessions.begin() as session:
                lookup(session, id_number, actor=ACTOR, purpose=PURPOSE)

        def audited_rollback(id_number: str) -> None:
            with db.sessions() as session:
                lookup(session, id_number, actor=ACTOR, purpose=PURPOSE)
                session.rollback()

        def find_only(id_number: str) -> None:
            with db.sessions() as session:
                find_resident(session, id_number)

        floor_db = floor_connection(path)

        def floor(id_number: str) -> None:
            floor_db.execute("BEGIN")
            row = floor_db.execute(FLOOR_PERSON, (GRID_LEADER, id_number)).fetchone()
            floor_db.execute(FLOOR_TAGS, (row[0],)).fetchall()
            if row[18] is not None:
                floor_db.execute(FLOOR_MEMBERS, (row[18],)).fetchall()
            stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
            floor_db.execute(
                FLOOR_AUDIT, (stamp, ACTOR, row[0], id_number[:6] + "********" + id_number[14:], PURPOSE)
            )
            floor_db.execute("COMMIT")

        def not_found(id_number: str) -> None:
            try:
                swipe(db.engine, id_number, actor=ACTOR, purpose=PURPOSE, today=today)
            except LookupFailed as exc:
                assert exc.kind == "not_found", exc.kind
            else:  # pragma: no cover - would mean unknown_ids() is wrong
                raise AssertionError("an unknown ID number was found")

        log(f"[{size:,}] warming up with {w} lookups")
        log(f"[{size:,}] {len(gc.get_objects()):,} objects tracked by the garbage collector")
        for id_number in warm:
            audited_commit(id_number)
            session_commit(id_number)
            find_only(id_number)
            floor(id_number)
        gc.collect()
        gc.freeze()  # as the desk does once its window is built
        series = {
            COMMIT_LABEL: (audited_commit, for_commit),
            FLOOR_LABEL: (floor, for_floor),
            SESSION_LABEL: (session_commit, for_session),
            "lookup() + rollback (same work, no fsync)": (audited_rollback, for_rollback),
            "find_resident() alone (no audit, no commit)": (find_only, for_find),
            "unknown ID (not found, nothing written)": (not_found, missing),
        }
        before = load_average()
        log(
            f"[{size:,}] timing {n:,} lookups of each kind and {len(missing):,} unknown IDs, interleaved "
            f"(load average {before})"
        )
        timings = {}
        for label, (samples, full_gcs) in time_interleaved(series).items():
            timings[label] = {**summarise(samples), "full_gcs": full_gcs}
        result["load"] = f"{before}–{load_average()}"
        gc.unfreeze()
        floor_db.close()
        result["timings"] = timings
        with db.engine.connect() as conn:
            result["audit_rows"] = conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
    finally:
        db.dispose()
    return result


def markdown(results: list[dict], args: argparse.Namespace) -> str:
    lines = [
        f"### Demo generation (`initialise(db, with_demo=True, seed={args.seed}, residents=N)`)",
        "",
        "| residents | generation (s) | residents/s | DB file (MB) | peak RSS (MB) | target | |",
        "|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        if r["reused"]:
            lines.append(f"| {r['size']:,} | (reused file) | | {r['file_mb']:.0f} | | | |")
            continue
        target = f"≤ {GENERATE_TARGET_S:.0f} s at 100,000" if r["size"] == 100_000 else "—"
        met = ("met" if r["generate_s"] <= GENERATE_TARGET_S else "not met") if r["size"] == 100_000 else ""
        lines.append(
            f"| {r['size']:,} | {r['generate_s']:.1f} | {r['size'] / r['generate_s']:,.0f} | "
            f"{r['file_mb']:.0f} | {r['peak_rss_mb']:.0f} | {target} | {met} |"
        )
    lines += [
        "",
        "### Resident lookup by ID number (one session per call; ms)",
        "",
        "| residents | what is timed | n | p50 | p90 | p99 | max | full GCs | "
        f"p99 target ≤ {LOOKUP_TARGET_MS} ms at 1,000,000 |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        for label, t in r["timings"].items():
            verdict = ""
            if r["residents"] >= 1_000_000 and label == COMMIT_LABEL:
                verdict = "met" if t["p99"] <= LOOKUP_TARGET_MS else "not met"
            lines.append(
                f"| {r['residents']:,} | {label} | {t['n']:,} | {t['p50']:.2f} | {t['p90']:.2f} | "
                f"{t['p99']:.2f} | {t['max']:.2f} | {t['full_gcs']} | {verdict} |"
            )
    lines += [
        "",
        "### The desk's lookup against the floor (same run, interleaved)",
        "",
        f"| residents | p50 ratio (target ≤ {FLOOR_RATIO_TARGET:g}×) | p99 ratio | lookup p50 / p99 (ms) | floor p50 / p99 (ms) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        desk, floor = r["timings"][COMMIT_LABEL], r["timings"][FLOOR_LABEL]
        lines.append(
            f"| {r['residents']:,} | {desk['p50'] / floor['p50']:.2f}× | {desk['p99'] / floor['p99']:.2f}× | "
            f"{desk['p50']:.2f} / {desk['p99']:.2f} | {floor['p50']:.2f} / {floor['p99']:.2f} |"
        )
    loads = ", ".join(f"{r['residents']:,}: {r['load']}" for r in results)
    lines += [
        "",
        f"The kinds are timed interleaved; 1-minute load average before–after: {loads}. "
        '"full GCs" counts generation-2 garbage collections that started during a timed call.',
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--lookups", type=int, default=5000, help="timed lookups per kind (default 5000)")
    parser.add_argument("--unknown", type=int, default=1000, help="timed unknown-ID lookups (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the databases here and keep them")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --keep: time lookups on an existing population-N.sqlite, skip generation",
    )
    parser.add_argument("--markdown-out", type=Path, help="also write the tables to this file")
    args = parser.parse_args(argv)

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        workdir, cleanup = args.keep, False
    else:
        workdir, cleanup = Path(tempfile.mkdtemp(prefix="yichuang-bench-")), True
    log(
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, "
        f"databases in {workdir}"
    )
    results = []
    try:
        for size in args.sizes:
            results.append(bench_size(size, args, workdir))
            if cleanup:
                for p in workdir.glob(f"population-{size}.sqlite*"):
                    p.unlink()
    finally:
        if cleanup:
            shutil.rmtree(workdir, ignore_errors=True)
    table = markdown(results, args)
    print(table)
    if args.markdown_out:
        args.markdown_out.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
