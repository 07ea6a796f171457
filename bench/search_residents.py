"""Benchmark: finding a resident without the card (name, pinyin, initials, phone, address).

    python bench/search_residents.py [--residents 1000000] [--queries 3000] [--keep DIR [--reuse]]
                                     [--markdown-out FILE]

Builds the demo street with ``initialise(db, with_demo=True, seed=1, residents=N)`` in a fresh
SQLite database (the project's settings, through ``open_database``), or reuses the one kept in
--keep DIR, then times ``search_residents()`` over a mix of queries drawn from the database itself,
the way the desk types them: full names in hanzi, a surname alone, full pinyin, pinyin prefixes,
initials, a phone's last four digits, four to six digits from the middle of a phone, a whole
phone, a room alone, building + unit + room, two words (surname and room), and the same words
for a grid worker (a Scope of two grids) and with the grid, tag and state filters. Every kind is
interleaved with the others; one session per call; 200 warm-up searches; ``time.perf_counter_ns``.
Prints a Markdown table; progress on stderr. Not part of the test run.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from app.db import open_database  # noqa: E402
from app.services.admin.scope import WHOLE_STREET, Scope  # noqa: E402
from app.services.population.search import ResidentQuery, search_residents  # noqa: E402
from app.services.setup.initialise import initialise  # noqa: E402

TARGET_MS = 50.0  # p99 at 1,000,000 residents
WARMUP = 200


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    return values[min(len(values), max(1, math.ceil(q * len(values)))) - 1]


def build(path: Path, residents: int, reuse: bool) -> None:
    if reuse and path.exists():
        log(f"reusing {path}")
        return
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    db = open_database(f"sqlite:///{path}")
    start = time.perf_counter()
    initialise(db, with_demo=True, seed=1, residents=residents)
    log(f"built {residents:,} residents in {time.perf_counter() - start:.0f} s")
    db.dispose()


def query_mix(conn, rng: random.Random, n: int) -> list[tuple[str, ResidentQuery, Scope]]:
    sample = conn.execute(
        text(
            "SELECT r.name, r.name_pinyin, r.name_initials, r.phone_digits, h.unit, h.room, b.name "
            "FROM residents r JOIN households h ON h.id = r.household_id "
            "JOIN buildings b ON b.id = h.building_id WHERE r.id IN "
            "(SELECT abs(random()) % (SELECT max(id) FROM residents) + 1 FROM residents LIMIT :n)"
        ),
        {"n": n * 2},
    ).all()
    grids = [row[0] for row in conn.execute(text("SELECT id FROM grids ORDER BY id LIMIT 2"))]
    grid_code = conn.execute(text("SELECT code FROM grids ORDER BY id LIMIT 1 OFFSET 7")).scalar()
    worker = Scope(frozenset(grids))
    kinds = []
    for name, pinyin, initials, phone, unit, room, building in sample:
        phone = phone or "13912345678"
        ending = building[-3:] if building[-3].isdigit() else building
        kinds += [
            ("姓名（汉字）", ResidentQuery(name), WHOLE_STREET),
            ("姓氏（一个字）", ResidentQuery(name[0]), WHOLE_STREET),
            ("全拼", ResidentQuery(pinyin), WHOLE_STREET),
            ("拼音前缀", ResidentQuery(pinyin[: rng.randint(3, 5)]), WHOLE_STREET),
            ("首字母", ResidentQuery(initials), WHOLE_STREET),
            ("电话后四位", ResidentQuery(phone[-4:]), WHOLE_STREET),
            ("电话中间4–6位", ResidentQuery(phone[3 : 3 + rng.randint(4, 6)]), WHOLE_STREET),
            ("完整电话", ResidentQuery(phone), WHOLE_STREET),
            ("房号", ResidentQuery(room), WHOLE_STREET),
            ("楼+单元+房号", ResidentQuery(f"{ending}{unit}单元{room}"), WHOLE_STREET),
            ("姓 + 房号", ResidentQuery(f"{name[0]} {room}"), WHOLE_STREET),
            ("网格员：首字母", ResidentQuery(initials), worker),
            ("网格员：房号", ResidentQuery(room), worker),
            ("筛选：网格+拼音前缀", ResidentQuery(pinyin[:3], grid_code=grid_code), WHOLE_STREET),
            ("筛选：标签+姓", ResidentQuery(name[0], tag_code="party_member"), WHOLE_STREET),
            ("筛选：已迁出+首字母", ResidentQuery(initials[:1], state="moved"), WHOLE_STREET),
        ]
    rng.shuffle(kinds)
    per_kind = defaultdict(list)
    for kind in kinds:
        if len(per_kind[kind[0]]) < n:
            per_kind[kind[0]].append(kind)
    chosen = [k for ks in per_kind.values() for k in ks]
    rng.shuffle(chosen)
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=500, help="searches of each kind")
    parser.add_argument("--keep", type=Path, help="folder for the database (kept)")
    parser.add_argument("--reuse", action="store_true", help="reuse the database in --keep")
    parser.add_argument("--markdown-out", type=Path)
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="yc-search-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"search-{args.residents}.sqlite"
    build(path, args.residents, args.reuse)
    db = open_database(f"sqlite:///{path}")
    rng = random.Random(1)
    with db.engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM residents")).scalar()
        mix = query_mix(conn, rng, args.queries)
    log(f"{count:,} residents, {len(mix):,} searches")
    samples: dict[str, list[float]] = defaultdict(list)
    found: dict[str, int] = defaultdict(int)
    clock = time.perf_counter_ns
    for index, (kind, query, scope) in enumerate(mix[:WARMUP] + mix):
        start = clock()
        with db.sessions() as session:
            result = search_residents(session, query, scope=scope)
        elapsed = (clock() - start) / 1e6
        if index >= WARMUP:
            samples[kind].append(elapsed)
            found[kind] += len(result.hits)
    every = sorted(v for values in samples.values() for v in values)
    lines = [
        f"{count:,} residents; {len(every):,} searches; one session per search.",
        "",
        "| query | n | mean rows | p50 | p95 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, values in list(samples.items()) + [("**all**", every)]:
        values = sorted(values)
        rows = found[kind] / len(values) if kind in found else sum(found.values()) / len(values)
        lines.append(
            f"| {kind} | {len(values):,} | {rows:.0f} | {percentile(values, 0.5):.2f} | "
            f"{percentile(values, 0.95):.2f} | {percentile(values, 0.99):.2f} | {values[-1]:.2f} |"
        )
    p99 = percentile(every, 0.99)
    lines += [
        "",
        f"p99 over all: {p99:.2f} ms (target ≤ {TARGET_MS:.0f} ms): {'met' if p99 <= TARGET_MS else 'NOT met'}",
    ]
    report = "\n".join(lines)
    print(report)
    if args.markdown_out:
        args.markdown_out.write_text(report + "\n", encoding="utf-8")
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
