"""A street of communities syncing at once: N desks (30 by default), each with its own SQLite
database holding 10,000 newly accepted cases with their events in the outbox, push at the same
moment, each from its own process (so the desks are not bound by one interpreter's lock), with
the real client to one `yichuang street-server --workers 4` on PostgreSQL. Then the street answers
10,000 escalated cases of one community through the server's own code, and that desk pulls them.

    python bench/bench_sync_street.py [--communities 30] [--cases 10000] [--workers 4]
                                      [--batch 500] [--in-flight 2] [--cache DIR] [--keep]
                                      [--markdown-out FILE]

Needs PostgreSQL on 127.0.0.1:5432 (trust authentication): the server gets a database of its own,
`yichuang_bench`, created fresh and dropped at the end. The desks are one generated demo database
(kept in --cache, built once: a demo street with the cases accepted through intake) copied per
community and given that community's code, uuids and case numbers by SQL. CPU figures come from
/proc: the server's processes (uvicorn's supervisor and workers), PostgreSQL's processes, the desk
processes, and the whole machine; what PostgreSQL's sessions wait on is sampled from
pg_stat_activity. Prints Markdown tables; progress goes to stderr. Not part of the test run.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "yichuang_bench"
ADMIN_DSN = "host=127.0.0.1 port=5432 dbname=postgres user=postgres"
TICK = os.sysconf("SC_CLK_TCK")
SERVER_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB_NAME}"
BASE_CODE = "610202010001"  # the community the template's cases are accepted in


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- measuring ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields from the state on (the name may hold spaces)


def process_tree(root: int) -> list[int]:
    """``root`` and every process below it (uvicorn's supervisor, its workers)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            parents[int(entry.name)] = int(fields[1])
    tree, frontier = [root], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        tree += children
        frontier = children
    return tree


def postgres_pids() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(f"/proc/{entry.name}/comm").read_text().strip() in ("postgres", "postmaster"):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (of the living ones)."""
    total = 0
    for pid in pids:
        if fields := _stat(pid):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def machine_ticks() -> list[int]:
    """user nice system idle iowait irq softirq steal, for the whole machine."""
    return [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]


# --- the street's answers, through the server's own code ----------------------------------------
def seed_answers(sessions, code: str) -> tuple[float, int]:
    """Every case of ``code`` escalated (a push in its name, as its desk would send it), then
    answered by the street (completed): what a desk finds after a busy week at the street."""
    from sqlalchemy import select

    from app.street import receive, store
    from app.street.incoming import Incoming
    from app.street.models import StreetCase

    began = time.perf_counter()
    with sessions() as session:
        rows = session.execute(
            select(StreetCase.uuid, StreetCase.version, StreetCase.data).where(
                StreetCase.origin_community == code
            )
        ).all()
    for start in range(0, len(rows), 1000):
        records = [
            Incoming("case", uuid_, version, code, dict(data, status="escalated"))
            for uuid_, version, data in rows[start : start + 1000]
        ]
        receive.push(sessions, code, str(uuid.uuid4()), records)

    def answer(uuid_: str) -> None:
        store.answer(sessions, uuid_, "completed", "街道已协调办结")

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(answer, [row[0] for row in rows]))
    return time.perf_counter() - began, len(rows)


# --- the desks ----------------------------------------------------------------------------------
def build_template(path: Path, cases: int) -> None:
    """A demo street with ``cases`` cases accepted through intake (each with its event): what a
    community's desk holds after weeks offline."""
    from sqlalchemy import select

    from app.db import open_database
    from app.models import Resident
    from app.services.cases import intake
    from app.services.setup.initialise import initialise

    desk = open_database(f"sqlite:///{path}")
    initialise(desk, with_demo=True, residents=cases + 200)
    with desk.sessions.begin() as session:
        item = intake.find_item(session, "ZM-001")
        materials = list(item.materials)
        people = session.scalars(select(Resident).order_by(Resident.id).limit(cases))
        for person in people:
            intake.accept(
                session, item_code="ZM-001", resident=person, actor="bench", materials_received=materials
            )
    desk.engine.dispose()
    with sqlite3.connect(path) as db:  # everything in the one file that is copied
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def community_code(index: int) -> str:
    return f"6102029{index:05d}"


def make_desk(template: Path, folder: Path, index: int) -> Path:
    """A copy of the template as community ``index``: its own code, uuids and case numbers."""
    path = folder / f"desk-{index:02d}.db"
    shutil.copyfile(template, path)
    code, prefix, number = community_code(index), f"{index:03x}", f"B{index:02d}"
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE communities SET code = ? WHERE code = ?", (code, BASE_CODE))
        db.execute(
            "UPDATE cases SET origin_community = ?, uuid = ? || substr(uuid, 4),"
            " case_no = ? || substr(case_no, 3) WHERE origin_community = ?",
            (code, prefix, number, BASE_CODE),
        )
        db.execute("UPDATE case_events SET uuid = ? || substr(uuid, 4)", (prefix,))
        db.execute(
            "UPDATE certificates SET origin_community = ?, uuid = ? || substr(uuid, 4),"
            " serial = ? || serial WHERE origin_community = ?",
            (code, prefix, number, BASE_CODE),
        )
        db.execute("UPDATE sync_outbox SET record_uuid = ? || substr(record_uuid, 4)", (prefix,))
        db.execute("UPDATE centre_settings SET value = ? WHERE key = 'centre.community_code'", (f'"{code}"',))
    db.close()
    return path


# --- one desk's round, in its own process -------------------------------------------------------
def desk_round(path: str, url: str, key: str, batch: int, in_flight: int, start, results) -> None:
    from app.db import open_database
    from app.services.sync.client import SyncClient

    timings: list[float] = []

    class Timed(SyncClient):
        def _send(self, prepared, stopping):
            began = time.perf_counter()
            try:
                return super()._send(prepared, stopping)
            finally:
                timings.append(time.perf_counter() - began)

    desk = open_database(f"sqlite:///{path}")
    client = Timed(desk.sessions, url, key, batch_size=batch, in_flight=in_flight, timeout=300)
    start.wait()
    began, cpu = time.perf_counter(), time.process_time()
    report = client.sync_once()
    results.put(
        {
            "path": path,
            "seconds": time.perf_counter() - began,
            "cpu": time.process_time() - cpu,
            "batches": timings,
            "pushed": report.pushed,
            "applied": report.applied,
            "unchanged": report.unchanged,
            "pulled": report.pulled,
            "errors": report.errors[:3],
            "offline": report.offline,
        }
    )


# --- what PostgreSQL's sessions wait on, sampled ------------------------------------------------
class Sampler(threading.Thread):
    def __init__(self, interval: float = 0.25):
        super().__init__(daemon=True)
        self.interval, self.waits, self.samples = interval, Counter(), 0
        self.stopped = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(
            ADMIN_DSN.replace("dbname=postgres", f"dbname={DB_NAME}"), autocommit=True
        ) as conn:
            while not self.stopped.wait(self.interval):
                rows = conn.execute(
                    "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity"
                    " WHERE datname = %s AND state = 'active' AND pid <> pg_backend_pid()",
                    (DB_NAME,),
                ).fetchall()
                self.samples += 1
                self.waits.update(row[0] for row in rows)


def main() -> None:  # noqa: PLR0915 — one run, told in order
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--communities", type=int, default=30)
    parser.add_argument("--cases", type=int, default=10_000, help="new cases at each desk")
    parser.add_argument("--workers", type=int, default=4, help="street-server worker processes")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--in-flight", type=int, default=2, help="pushes on their way at once per desk")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "yichuang-bench-street")
    parser.add_argument("--keep", action="store_true", help="keep the desk copies and the database")
    parser.add_argument("--markdown-out", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("YICHUANG_KEYS_DIR", tempfile.mkdtemp())
    import psycopg

    from app.street import admin, store

    args.cache.mkdir(parents=True, exist_ok=True)
    template = args.cache / f"template-{args.cases}.db"
    if not template.exists():
        log(f"building the template desk ({args.cases:,} cases) in {template} ...")
        began = time.perf_counter()
        build_template(template.with_suffix(".part"), args.cases)
        template.with_suffix(".part").rename(template)
        log(f"  {time.perf_counter() - began:.0f} s")
    work = Path(tempfile.mkdtemp(prefix="street-bench-"))
    began = time.perf_counter()
    desks = [make_desk(template, work, i) for i in range(args.communities)]
    copies_s = time.perf_counter() - began
    log(f"{len(desks)} desk copies in {copies_s:.1f} s ({work})")
    with sqlite3.connect(desks[0]) as db:
        outbox = dict(db.execute("SELECT record_type, count(*) FROM sync_outbox GROUP BY 1").fetchall())

    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    sessions = store.open_store(SERVER_URL, migrate=True)
    keys = [
        admin.register(sessions, community_code(i), f"测试社区{i:02d}")["api_key"] for i in range(len(desks))
    ]
    port = free_port()
    server_log = open(work / "server.log", "wb")  # noqa: SIM115 — closed after the server stops
    env = {**os.environ, "YICHUANG_LOG_DIR": str(work / "logs")}
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "street-server", "--db", SERVER_URL, "--port", str(port),
         "--workers", str(args.workers)],
        cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if (
                    httpx.get(f"{url}/health", timeout=1).status_code == 200
                    and len(process_tree(server.pid)) > args.workers
                ):
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        time.sleep(1.0)  # every worker up
        sessions.kw["bind"].dispose()  # no connection of this process is carried into the desks'
        context = mp.get_context("fork")
        start, results = context.Event(), context.Queue()
        procs = [
            context.Process(
                target=desk_round, args=(str(path), url, key, args.batch, args.in_flight, start, results)
            )
            for path, key in zip(desks, keys, strict=True)
        ]
        for proc in procs:
            proc.start()
        time.sleep(2.0)  # every desk process has opened its database
        load_before = os.getloadavg()
        server_pids, pg_pids = process_tree(server.pid), postgres_pids()
        server_cpu0, pg_cpu0, machine0 = cpu_seconds(server_pids), cpu_seconds(pg_pids), machine_ticks()
        sampler = Sampler()
        sampler.start()
        log(f"{len(procs)} desks push at once to {args.workers} workers ...")
        began = time.perf_counter()
        start.set()
        rounds = [results.get() for _ in procs]
        total_s = time.perf_counter() - began
        sampler.stopped.set()
        server_pids = process_tree(server.pid)
        server_cpu = cpu_seconds(server_pids) - server_cpu0
        pg_cpu = cpu_seconds(postgres_pids()) - pg_cpu0  # sessions that ended meanwhile not counted
        machine = [b - a for a, b in zip(machine0, machine_ticks(), strict=True)]
        load_after = os.getloadavg()
        for proc in procs:
            proc.join()

        # One community's 10,000 answers from the street, then its pull.
        first = rounds and sorted(rounds, key=lambda r: r["path"])[0]
        log("the street answers one community's cases ...")
        seeded_s, answered = seed_answers(sessions, community_code(0))
        from app.db import open_database
        from app.services.sync.client import SyncClient

        desk = open_database(f"sqlite:///{desks[0]}")
        began = time.perf_counter()
        pulled = SyncClient(desk.sessions, url, keys[0], timeout=300).sync_once()
        pull_s = time.perf_counter() - began
        desk.engine.dispose()
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()
        sessions.kw["bind"].dispose()
        if not args.keep:
            with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            shutil.rmtree(work, ignore_errors=True)

    # --- the tables ----------------------------------------------------------------------------
    batches = sorted(t * 1000 for r in rounds for t in r["batches"])
    cases = args.cases * len(rounds)
    pushed = sum(r["pushed"] for r in rounds)
    busy = 1 - (machine[3] + machine[4]) / sum(machine) if sum(machine) else 0.0
    errors = [e for r in rounds for e in r["errors"]]
    lines = [
        f"{len(rounds)} communities x {args.cases:,} new cases (outbox per desk: "
        f"{', '.join(f'{v:,} {k}' for k, v in sorted(outbox.items()))}); street-server --workers "
        f"{args.workers} on PostgreSQL; batches of {args.batch}, {args.in_flight} in flight per desk; "
        f"{os.cpu_count()} cores; load average before {load_before[0]:.2f}, after {load_after[0]:.2f}",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| total time, all desks pushing at once | {total_s:.1f} s |",
        f"| cases stored / s (each with its event) | {cases / total_s:,.0f} |",
        f"| records stored / s | {pushed / total_s:,.0f} |",
        f"| records pushed (applied, unchanged) | {pushed:,} ({sum(r['applied'] for r in rounds):,}, "
        f"{sum(r['unchanged'] for r in rounds):,}) |",
        f"| rounds that failed | {sum(r['offline'] for r in rounds)} |",
        f"| one desk's round: fastest / median / slowest | {min(r['seconds'] for r in rounds):.1f} / "
        f"{statistics.median(r['seconds'] for r in rounds):.1f} / {max(r['seconds'] for r in rounds):.1f} s |",
        f"| push requests (batches) | {len(batches):,} |",
        f"| per batch p50 / p90 / p99 / max | {percentile(batches, 50):,.0f} / {percentile(batches, 90):,.0f} / "
        f"**{percentile(batches, 99):,.0f}** / {batches[-1] if batches else 0:,.0f} ms |",
        f"| server CPU ({len(server_pids)} processes) | {server_cpu:.1f} s = {server_cpu / total_s:.2f} cores |",
        f"| PostgreSQL CPU | {pg_cpu:.1f} s = {pg_cpu / total_s:.2f} cores |",
        f"| desk processes' CPU | {sum(r['cpu'] for r in rounds):.1f} s = "
        f"{sum(r['cpu'] for r in rounds) / total_s:.2f} cores |",
        f"| whole machine busy | {busy:.0%} of {os.cpu_count()} cores (iowait {machine[4] / max(1, sum(machine)):.0%}) |",
        "",
        f"What PostgreSQL's active sessions were doing ({sampler.samples} samples, every 0.25 s; "
        "mean sessions per sample):",
        "",
        "| state | sessions |",
        "|---|---:|",
        *(
            f"| {state} | {count / max(1, sampler.samples):.2f} |"
            for state, count in sampler.waits.most_common(8)
        ),
        "",
        "| pull by one community | value |",
        "|---|---:|",
        f"| street answers seeded through the server's code (escalate, answer) | {answered:,} in {seeded_s:.1f} s |",
        f"| records pulled (answered cases and the street's events) | {pulled.pulled:,} |",
        f"| pull round | **{pull_s:.1f} s** ({pulled.pulled / pull_s:,.0f} records/s) |",
        "",
        f"errors: {errors[:5] or 'none'}; pull errors: {pulled.errors[:3] or 'none'}; "
        f"desk copies made in {copies_s:.1f} s; first desk {first['path'] if first else '-'}",
    ]
    text = "\n".join(lines)
    print(text)
    if args.markdown_out:
        args.markdown_out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
