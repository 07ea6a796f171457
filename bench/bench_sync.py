"""Sync to the street-office server over loopback: 10,000 cases with their events pushed by the
real client to the real server on PostgreSQL, then the same records pushed again (a client that
lost the replies) — which must change nothing. The repeated push is timed twice: as the client
makes it (it asks the server which records it already holds, POST /api/v1/known, and sends only
the others), and with every record sent again in full (as to a server without that question), so
the server's own comparison of 20,000 records is measured too.

    python bench/bench_sync.py [--cases 10000] [--batch 500] [--sqlite]

Needs PostgreSQL on 127.0.0.1:5432 (trust auth, database test) unless --sqlite. Prints a
Markdown table. Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import func, select, update

ROOT = Path(__file__).resolve().parents[1]
PG = "host=127.0.0.1 port=5432 dbname=test user=postgres"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--sqlite", action="store_true", help="server on SQLite instead of PostgreSQL")
    args = parser.parse_args()
    os.environ["YICHUANG_KEYS_DIR"] = tempfile.mkdtemp()
    from app.db import open_database
    from app.models import Case, OutboxEntry, Resident
    from app.services.cases import intake
    from app.services.setup.initialise import initialise
    from app.services.sync.client import SyncClient
    from app.street import admin, store
    from app.street.models import StreetCase

    class InFull(SyncClient):
        """The client without its question to the server: every waiting record travels."""

        def _skip_known(self, report, pending):
            return pending

    work = Path(tempfile.mkdtemp())
    schema = None
    if args.sqlite:
        server_url = f"sqlite:///{work / 'street.db'}"
    else:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        server_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    desk = open_database(f"sqlite:///{work / 'desk.db'}")
    initialise(desk, with_demo=True, residents=args.cases + 200)
    started = time.perf_counter()
    with desk.sessions.begin() as session:
        item = intake.find_item(session, "ZM-001")
        for person in session.scalars(select(Resident).order_by(Resident.id).limit(args.cases)):
            intake.accept(
                session,
                item_code="ZM-001",
                resident=person,
                actor="bench",
                materials_received=list(item.materials),
            )
    made = time.perf_counter() - started
    with desk.sessions() as session:
        records = session.scalar(select(func.count()).select_from(OutboxEntry))

    env = {**os.environ, "YICHUANG_LOG_DIR": str(work / "logs")}
    port = free_port()
    sessions = store.open_store(server_url, migrate=True)
    key = admin.register(sessions, "610202010001", "桃园社区")["api_key"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "street-server", "--db", server_url, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    try:
        t0 = time.perf_counter()
        first = SyncClient(desk.sessions, url, key, batch_size=args.batch).sync_once()
        first_s = time.perf_counter() - t0
        with sessions() as s:
            stored = s.scalar(select(func.count()).select_from(StreetCase))
            seq_before = s.scalar(select(func.max(StreetCase.seq)))
        rounds = []
        for client_class in (SyncClient, InFull):
            with desk.sessions.begin() as session:  # the replies were lost: everything goes again
                session.execute(update(OutboxEntry).values(sent_at=None))
            t0 = time.perf_counter()
            report = client_class(desk.sessions, url, key, batch_size=args.batch).sync_once()
            rounds.append((report, time.perf_counter() - t0))
        (second, second_s), (third, third_s) = rounds
        with sessions() as s:
            seq_after = s.scalar(select(func.max(StreetCase.seq)))
            stored_after = s.scalar(select(func.count()).select_from(StreetCase))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        sessions.kw["bind"].dispose()
        if schema:
            import psycopg

            with psycopg.connect(PG, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    with desk.sessions() as session:
        cases = session.scalar(select(func.count()).select_from(Case))
    print(
        f"desk: {cases:,} cases made in {made:.1f} s; outbox {records:,} records; "
        f"server on {'SQLite' if args.sqlite else 'PostgreSQL'}; batches of {args.batch}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print()
    print("| round | records sent | applied | unchanged | seconds | target |")
    print("|---|---:|---:|---:|---:|---|")
    print(
        f"| first push of {cases:,} cases with their events | {first.pushed:,} | {first.applied:,} | "
        f"{first.unchanged:,} | {first_s:.1f} | ≤ 20 s |"
    )
    print(
        f"| the same records again (the client asks what the server holds) | {second.pushed:,} | "
        f"{second.applied:,} | {second.unchanged:,} | {second_s:.2f} | ≤ 2 s, changing nothing |"
    )
    print(
        f"| the same records again, every one sent in full | {third.pushed:,} | {third.applied:,} | "
        f"{third.unchanged:,} | {third_s:.2f} | (no target) |"
    )
    print()
    print(
        f"server: {stored:,} cases after the first round, {stored_after:,} after the second; "
        f"change sequence {seq_before} → {seq_after} (unchanged means nothing was rewritten); "
        f"errors: {first.errors + second.errors + third.errors or 'none'}"
    )


if __name__ == "__main__":
    main()
