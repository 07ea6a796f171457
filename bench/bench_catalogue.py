"""Benchmark: catalogue search as the staff type (search-as-you-type, one search per keystroke).

    python bench/bench_catalogue.py [--repeat 200] [--size 500] [--markdown-out FILE]

Loads the shipped catalogue into a temporary database with ``initialise(db)`` and reads it back
with ``CatalogueIndex.load``; then builds a synthetic index of ``--size`` items (default 500, the
DESIGN.md target) by repeating the real entries with numbered name variants (居住证明2, ...), their
pinyin computed with ``app.services.common.pinyin.pinyin_keys`` as the loader does. For every prefix of a
few typical queries (what the search box holds after each keystroke) ``index.search(prefix)`` is
timed ``--repeat`` times with ``time.perf_counter_ns``; the table gives the median and p99 per
keystroke. Not part of the test run.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.db import open_database  # noqa: E402
from app.services.cases.catalogue import CatalogueEntry, CatalogueIndex  # noqa: E402
from app.services.common.pinyin import pinyin_keys  # noqa: E402
from app.services.setup.initialise import initialise  # noqa: E402

QUERIES = ["jzzm", "juzhu", "居住证明", "gljt", "canji", "dibao", "12345"]
TARGET_MS = 10.0  # DESIGN.md: catalogue search as you type (pinyin initials, 500 items) <= 10 ms


def percentile(sorted_values: list[float], q: float) -> float:
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def synthetic(entries: list[CatalogueEntry], size: int) -> list[CatalogueEntry]:
    """``size`` entries: the real ones first, then numbered variants of them, each with its own
    code and pinyin keys computed from the new name."""
    out = list(entries[:size])
    round_no = 1
    while len(out) < size:
        round_no += 1
        for entry in entries:
            if len(out) >= size:
                break
            name = f"{entry.name}{round_no}"
            initials, full = pinyin_keys(name)
            out.append(
                dataclasses.replace(
                    entry,
                    code=f"{entry.code}-{round_no}",
                    name=name,
                    pinyin_initials=initials,
                    pinyin_full=full,
                )
            )
    return out


def prefixes(query: str) -> list[str]:
    return [query[:i] for i in range(1, len(query) + 1)]


def time_search(index: CatalogueIndex, text: str, repeat: int) -> tuple[int, float, float]:
    index.search(text)  # warm
    clock = time.perf_counter_ns
    samples = []
    for _ in range(repeat):
        start = clock()
        found = index.search(text)
        samples.append((clock() - start) / 1e6)
    samples.sort()
    return len(found), statistics.median(samples), percentile(samples, 0.99)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=200, help="timed searches per keystroke (default 200)")
    parser.add_argument("--size", type=int, default=500, help="items in the synthetic index (default 500)")
    parser.add_argument("--markdown-out", type=Path, help="also write the tables to this file")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="yichuang-bench-catalogue-"))
    try:
        db = open_database(f"sqlite:///{workdir / 'catalogue.sqlite'}")
        initialise(db)
        start = time.perf_counter()
        with db.sessions() as session:
            shipped = CatalogueIndex.load(session)
        load_ms = (time.perf_counter() - start) * 1e3
        db.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    start = time.perf_counter()
    big = CatalogueIndex(synthetic(shipped.entries, args.size))
    build_ms = (time.perf_counter() - start) * 1e3

    indexes = [
        (f"shipped ({len(shipped.entries)} items)", shipped),
        (f"synthetic ({len(big.entries)} items)", big),
    ]
    results = {
        name: {q: [(p, *time_search(index, p, args.repeat)) for p in prefixes(q)] for q in QUERIES}
        for name, index in indexes
    }

    lines = [
        f"### Catalogue search per keystroke, {len(big.entries)} items "
        f"(`CatalogueIndex.search(prefix)`, {args.repeat} runs per keystroke; ms)",
        "",
        "| query | typed so far | matches | median | p99 | target ≤ 10 ms |",
        "|---|---|---:|---:|---:|---|",
    ]
    for query, rows in results[indexes[1][0]].items():
        for prefix, matches, median, p99 in rows:
            lines.append(
                f"| {query} | `{prefix}` | {matches} | {median:.3f} | {p99:.3f} | "
                f"{'met' if p99 <= TARGET_MS else 'not met'} |"
            )
    lines += [
        "",
        "### Worst keystroke per query (ms)",
        "",
        "| index | query | keystrokes | worst median | worst p99 | target ≤ 10 ms |",
        "|---|---|---:|---:|---:|---|",
    ]
    for name, _ in indexes:
        for query, rows in results[name].items():
            worst_median = max(r[2] for r in rows)
            worst_p99 = max(r[3] for r in rows)
            lines.append(
                f"| {name} | {query} | {len(rows)} | {worst_median:.3f} | {worst_p99:.3f} | "
                f"{'met' if worst_p99 <= TARGET_MS else 'not met'} |"
            )
    lines += [
        "",
        f"Loading the shipped index from SQLite (`CatalogueIndex.load`): {load_ms:.1f} ms; "
        f"building the {len(big.entries)}-item synthetic index (pinyin of "
        f"{len(big.entries) - len(shipped.entries)} new names): {build_ms:.1f} ms.",
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    if args.markdown_out:
        args.markdown_out.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
