"""kill -9 in the middle of a run of intakes: every case number that was printed is stored,
the database is intact, and no number is handed out twice."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from sqlalchemy import select

from app.models import Resident

LOOP = """
import sys
from app.cli import main
db, id_number = sys.argv[1], sys.argv[2]
for _ in range(10_000):
    main(["--db", db, "case", "accept", "--item", "ZM-001", "--id", id_number, "--user", "qiantai"])
"""


def test_kill_9_loses_no_printed_case(demo_db, tmp_path):
    with demo_db.sessions() as session:
        id_number = session.scalars(select(Resident.id_number).limit(1)).one()
    path = demo_db.url[len("sqlite:///") :]
    demo_db.dispose()
    env = {**os.environ, "YICHUANG_LOG_DIR": str(tmp_path / "logs")}
    printed: list[str] = []
    for round_ in range(3):  # kill at three different moments
        child = subprocess.Popen(
            [sys.executable, "-c", LOOP, path, id_number],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            for _ in range(8 + 5 * round_):
                line = child.stdout.readline()
                assert line, child.stderr.read()
                printed.append(json.loads(line)["case_no"])
            time.sleep(0.013 * (round_ + 1))  # land somewhere inside the next intake
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        # a line may have been written between our last read and the kill
        printed.extend(
            json.loads(line)["case_no"] for line in child.stdout.read().splitlines() if line.strip()
        )
        child.stdout.close()
        child.stderr.close()

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {row[0] for row in conn.execute("SELECT case_no FROM cases")}
        events = conn.execute("SELECT count(*) FROM case_events").fetchone()[0]
    assert len(printed) == len(set(printed)), "a case number was printed twice"
    assert set(printed) <= stored, f"printed but lost: {sorted(set(printed) - stored)}"
    assert events >= len(stored)
    numbers = sorted(int(no.rsplit("-", 1)[1]) for no in stored)
    assert numbers == list(range(1, len(numbers) + 1))  # no gaps, no reuse after the crashes
