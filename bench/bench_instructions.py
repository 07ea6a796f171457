"""Instructions, not seconds: the desk's start-up and its swipe counted by callgrind.

    python bench/bench_instructions.py --db DESK.db [--swipes 200] [--source DIR ...]

Wall-clock figures on a shared 2-core machine move by 20-30 % from run to run, too much to tell
whether a change made the desk slower by a few per cent. valgrind's callgrind counts the
instructions a program executes, which does not depend on what else the machine is doing: the same
program, database and inputs give the same count to within a fraction of a per cent. It says
nothing about the disk (an fsync costs no instructions), so it complements the timed benchmarks
rather than replacing them.

For each source tree given with ``--source`` (default: this checkout) it counts:

* **start**: ``python -m app desk --screenshot`` signed in as ``qiantai``, the process from start to
  the PNG written (imports, database open, window built and painted once);
* **swipe**: the audited lookup and the resident panel filled, as ``bench_desk.py`` times it:
  ``(count with 20 + N swipes - count with 20 swipes) / N``, so the start-up cost and the first
  swipes' lazy imports and caches cancel out.

Several ``--source`` trees (e.g. two ``git worktree`` checkouts of different commits) are measured
on the same database, which makes a before-and-after comparison of a refactoring. Needs valgrind
(Debian package ``valgrind``); runs Qt offscreen; takes a few minutes per tree.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WARM_UP = 20


def callgrind_total(command: list[str], cwd: Path, env: dict) -> int:
    """Instructions executed by ``command`` and its children, as callgrind reports them."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out.%p"
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--trace-children=yes",
                f"--callgrind-out-file={out}",
                *command,
            ],
            cwd=cwd,
            env=env,
            check=True,
            capture_output=True,
        )
        total = 0
        for dump in Path(tmp).glob("callgrind.out.*"):
            match = re.search(r"^totals:\s+(\d+)", dump.read_text(errors="replace"), re.MULTILINE)
            if match:
                total += int(match.group(1))
        return total


def swipe_child(db_path: str, swipes: int) -> None:
    """Runs inside callgrind: open the desk's panel and swipe ``swipes`` random residents."""
    from sqlalchemy import select

    from app.db import open_database
    from app.models import Resident
    from app.views.desk.resident_panel import ResidentPanel
    from app.views.desk_app import application

    try:
        from app.services.desk.panel import lookup_for_desk
    except ImportError:  # trees from before the services were grouped by subject
        from app.services.lookup import lookup_for_desk

    app = application()
    db = open_database(f"sqlite:///{db_path}")
    with db.sessions() as session:
        numbers = list(session.scalars(select(Resident.id_number)))
    rng = random.Random(7)
    panel = ResidentPanel(show_full_id=True)
    panel.show()
    for _ in range(swipes):
        with db.sessions.begin() as session:
            record = lookup_for_desk(session, rng.choice(numbers), actor="bench", purpose="bench")
        panel.show_record(record)
        app.processEvents()
    db.dispose()


def measure(source: Path, db: Path, swipes: int) -> tuple[int, int]:
    env = {**os.environ, "PYTHONPATH": str(source), "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory() as tmp:
        env["YICHUANG_LOG_DIR"] = tmp
        start = callgrind_total(
            [
                sys.executable,
                "-m",
                "app",
                "--db",
                str(db),
                "desk",
                "--screenshot",
                f"{tmp}/s.png",
                "--user",
                "qiantai",
            ],
            cwd=source,
            env=env,
        )
        this = str(Path(__file__).resolve())
        warm = callgrind_total([sys.executable, this, "--child", str(db), str(WARM_UP)], cwd=source, env=env)
        many = callgrind_total(
            [sys.executable, this, "--child", str(db), str(WARM_UP + swipes)], cwd=source, env=env
        )
    return start, (many - warm) // swipes


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        swipe_child(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db", type=Path, required=True, help="a desk database (e.g. one bench_desk.py --keep made)"
    )
    parser.add_argument("--swipes", type=int, default=200)
    parser.add_argument("--source", type=Path, action="append", help="source tree to measure (repeatable)")
    args = parser.parse_args()
    sources = args.source or [Path(__file__).resolve().parents[1]]
    print("| source | start (instructions) | one swipe (instructions) |")
    print("|---|---:|---:|")
    for source in sources:
        start, swipe = measure(source.resolve(), args.db.resolve(), args.swipes)
        print(f"| `{source}` | {start:,} | {swipe:,} |", flush=True)


if __name__ == "__main__":
    main()
