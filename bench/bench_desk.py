"""Desk benchmarks: start-up to the first usable window (the desk signed in, and the kiosk's first
page), and one swipe (lookup plus filling the resident panel) on a street of 100,000 residents.

    python bench/bench_desk.py [--residents 100000] [--lookups 500] [--startups 7] [--keep DIR]
                               [--importtime]

With --importtime it also prints the imports of one desk start that took longest (cumulative,
from ``python -X importtime``).

Prints a Markdown table. Runs Qt offscreen; not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ensure_street(folder: Path, residents: int) -> Path:
    from app.db import open_database
    from app.services.setup.initialise import initialise

    path = folder / f"desk-{residents}.db"
    if not path.exists():
        started = time.perf_counter()
        db = open_database(f"sqlite:///{path}")
        initialise(db, with_demo=True, seed=1, residents=residents)
        db.dispose()
        print(f"built {residents:,} residents in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


START_COMMANDS = {
    "desk": ["desk", "--user", "qiantai"],  # signed in: the window a person works in
    "kiosk": ["kiosk"],  # the first page a resident touches
}


def startup_seconds(path: Path, runs: int, what: str) -> list[float]:
    """Wall time of ``yichuang desk|kiosk --screenshot`` as a new process: interpreter start,
    imports, database open, window built and painted once, PNG written."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "YICHUANG_LOG_DIR": tmp}
        command, *options = START_COMMANDS[what]
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "app",
                    "--db",
                    str(path),
                    command,
                    "--screenshot",
                    f"{tmp}/s.png",
                    *options,
                ],
                check=True,
                env=env,
                capture_output=True,
            )
            times.append(time.perf_counter() - started)
    return times


def slowest_imports(path: Path, count: int = 15) -> list[tuple[float, str]]:
    """The modules of one desk start with the largest cumulative import time (ms)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "YICHUANG_LOG_DIR": tmp}
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "app", "--db", str(path), *START_COMMANDS["desk"][:1],
             "--screenshot", f"{tmp}/s.png", *START_COMMANDS["desk"][1:]],
            check=True, env=env, capture_output=True, text=True,
        )  # fmt: skip
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = line.split("|")
            if name.startswith(" ") and not name.startswith("  "):  # imported by the program itself
                rows.append((int(cumulative) / 1000, name.strip()))
    return sorted(rows, reverse=True)[:count]


def swipe_ms(path: Path, lookups: int) -> list[float]:
    from sqlalchemy import select

    from app.db import open_database
    from app.models import Resident
    from app.services.desk.panel import lookup_for_desk
    from app.views.desk.resident_panel import ResidentPanel
    from app.views.desk_app import application

    app = application()
    db = open_database(f"sqlite:///{path}")
    with db.sessions() as session:
        numbers = list(session.scalars(select(Resident.id_number)))
    rng = random.Random(7)
    sample = [rng.choice(numbers) for _ in range(lookups + 50)]
    panel = ResidentPanel(show_full_id=True)
    panel.show()
    times = []
    for i, number in enumerate(sample):
        started = time.perf_counter_ns()
        with db.sessions.begin() as session:
            record = lookup_for_desk(session, number, actor="bench", purpose="bench")
        panel.show_record(record)
        app.processEvents()
        elapsed = (time.perf_counter_ns() - started) / 1e6
        if i >= 50:  # warm-up
            times.append(elapsed)
    db.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=500)
    parser.add_argument("--startups", type=int, default=7)
    parser.add_argument(
        "--importtime", action="store_true", help="also list the slowest imports of a desk start"
    )
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the generated database in")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = ensure_street(folder, args.residents)
        load_before = os.getloadavg()[0]
        starts = {what: startup_seconds(path, args.startups, what) for what in START_COMMANDS}
        swipes = swipe_ms(path, args.lookups)
        imports = slowest_imports(path) if args.importtime else []
        load_after = os.getloadavg()[0]
    print(f"1-minute load average {load_before:.2f} before, {load_after:.2f} after")
    print()
    print("| measure | median | p99 / max | target |")
    print("|---|---|---|---|")
    for what, label in (
        ("desk", "desk: start to a usable signed-in window"),
        ("kiosk", "kiosk: start to its first page"),
    ):
        times = starts[what]
        print(
            f"| {label} ({args.residents:,} residents) | {statistics.median(times):.2f} s | "
            f"{max(times):.2f} s (max of {len(times)}) | ≤ 1.0 s |"
        )
    print(
        f"| swipe: audited lookup + resident panel filled, {args.residents:,} residents | "
        f"{statistics.median(swipes):.1f} ms | {percentile(swipes, 99):.1f} ms (p99) | ≤ 100 ms |"
    )
    if imports:
        print()
        print("| import at desk start (`-X importtime`, cumulative) | ms |")
        print("|---|---:|")
        for ms, name in imports:
            print(f"| `{name}` | {ms:.0f} |")


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    # PySide6 can crash while the interpreter tears down widgets after the run; the figures are
    # printed by then, so leave without the teardown.
    os._exit(0)
