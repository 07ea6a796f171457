"""Shared by the integration tests: the street server, started for real on a loopback port,
against PostgreSQL when it answers on 127.0.0.1:5432 (CI requires it) and SQLite otherwise."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from app.street import store

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ROOT = Path(__file__).resolve().parents[2]


def _postgres_answers() -> bool:
    try:
        import psycopg

        psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres connect_timeout=2").close()
        return True
    except Exception:  # noqa: BLE001 — any failure means "not here"
        return False


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    choice = os.environ.get("YICHUANG_TEST_POSTGRES", "")
    if choice != "skip" and _postgres_answers():
        import psycopg

        schema = f"street_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
        with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
        return
    if choice == "require":
        pytest.fail("PostgreSQL does not answer on 127.0.0.1:5432 and YICHUANG_TEST_POSTGRES=require")
    yield f"sqlite:///{tmp_path_factory.mktemp('street') / 'street.db'}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )


def start_server(database_url: str, port: int, log: Path, env: dict, *, workers: int = 1) -> subprocess.Popen:
    """``yichuang street-server`` as a real process (``workers`` processes behind one port);
    returns once /health answers."""
    command = [sys.executable, "-m", "app", "street-server", "--db", database_url, "--port", str(port)]
    with open(log, "ab") as sink:
        proc = subprocess.Popen(
            [*command, "--workers", str(workers)] if workers > 1 else command,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=ROOT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the street server did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory):
    """The running server: its URL, the street key, the store (for looking inside) and its log."""
    folder = tmp_path_factory.mktemp("server")
    env = {**os.environ, "YICHUANG_LOG_DIR": str(folder / "logs"), "YICHUANG_DB": str(folder / "desk.db")}
    made = cli(
        "street-admin", "--db", database_url, "register", "JD", "桃园街道办事处", "--role", "street", env=env
    )
    assert made.returncode == 0, made.stderr
    street_key = json.loads(made.stdout)["api_key"]
    listed = cli("street-admin", "--db", database_url, "list", env=env)
    assert listed.returncode == 0 and street_key not in listed.stdout and '"JD"' in listed.stdout
    port = free_port()
    log = folder / "server.log"
    proc = start_server(database_url, port, log, env)
    url = f"http://127.0.0.1:{port}"
    sessions = store.open_store(database_url, migrate=False)
    yield {
        "url": url,
        "street_key": street_key,
        "sessions": sessions,
        "log": log,
        "db": database_url,
        "env": env,
    }
    proc.terminate()
    proc.wait(timeout=10)
    sessions.kw["bind"].dispose()
