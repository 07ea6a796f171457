"""The street server's tables: a MetaData of their own, migrated by app/street/migrations.

The desk's models are not reused as tables here: the server keeps each synced record as its
columns in JSON (``data``) plus the few columns it decides on (owner, status, version, sequence).
"""

from __future__ import annotations

import datetime as dt
import sys
from importlib import resources as importlib_resources
from pathlib import Path

from sqlalchemy import JSON, BigInteger, Date, DateTime, Engine, Integer, MetaData, String, Text, event, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from app.db import create_db_engine
from app.models.base import NAMING_CONVENTION, utcnow

_MIGRATION_LOCK = 0x5954_5354  # pg_advisory_lock key: one process upgrades the schema at a time

STREET = "street"  # owner_community while a case is escalated; last_writer of the street's changes


class StreetBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class StreetCommunity(StreetBase):
    """A registered community (or a street-office user): its API key is stored only as a hash."""

    __tablename__ = "street_communities"

    code: Mapped[str] = mapped_column(String(15), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(64), index=True)  # sha256 hex of the key
    role: Mapped[str] = mapped_column(String(10), default="community")  # community, street
    # The street office (a role "street" row's code) a community belongs to; "" for none. Street
    # staff see and act on the cases of their own street's communities only (app/street/office).
    street: Mapped[str] = mapped_column(String(15), default="", index=True)
    pull_cursor: Mapped[int] = mapped_column(BigInteger, default=0)  # highest cursor it pulled from
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class StreetCase(StreetBase):
    __tablename__ = "street_cases"

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_no: Mapped[str] = mapped_column(String(40), index=True)
    origin_community: Mapped[str] = mapped_column(String(15), index=True)
    owner_community: Mapped[str] = mapped_column(String(15), index=True)  # a community code or "street"
    escalated_from: Mapped[str] = mapped_column(String(15), default="")  # who handed it to the street
    # Every community that has held the case (",TY,XH,"): a community the street handed it on from
    # keeps its copy, and keeps getting the case's changes, so that its copy never goes stale.
    holders: Mapped[str] = mapped_column(Text, default="")
    last_writer: Mapped[str] = mapped_column(String(15))  # a community code or "street"
    status: Mapped[str] = mapped_column(String(30), index=True)
    version: Mapped[int] = mapped_column(BigInteger)  # the server's: one number, one content
    data_hash: Mapped[str | None] = mapped_column(String(64), default=None)  # see receive.content_hash
    due_date: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    data: Mapped[dict] = mapped_column(JSON)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class StreetCaseEvent(StreetBase):
    """Append-only: stored once per writer and uuid, never updated (its seq moves when the case is
    transferred, so the new owner pulls the history). Keyed per writer, so a uuid another
    community used is neither refused nor answered "unchanged": nothing tells one community what
    another sent. ``case_origin`` names the community whose case it belongs to: an event sent
    before its case links only to a case its own community creates."""

    __tablename__ = "street_case_events"

    origin_community: Mapped[str] = mapped_column(String(15), primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_uuid: Mapped[str] = mapped_column(String(36), index=True)
    case_origin: Mapped[str] = mapped_column(String(15))
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    data: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class StreetCertificate(StreetBase):
    __tablename__ = "street_certificates"

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    data_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    origin_community: Mapped[str] = mapped_column(String(15), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class StreetLifeRecord(StreetBase):
    """A record of community life that travels up only (a wish, a visit, a party meeting...:
    app.services.sync.life_types): its newest content as the community sent it, keyed by the
    community, so one community's uuid never touches another's record. Never pulled."""

    __tablename__ = "street_life_records"

    origin_community: Mapped[str] = mapped_column(String(15), primary_key=True)
    type: Mapped[str] = mapped_column(String(20), primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    data_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class PushBatch(StreetBase):
    """The answer given to a batch, so a re-sent batch gets the identical answer (its change
    numbers included: the desk's pull of its own writes stops before them)."""

    __tablename__ = "push_batches"

    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    community: Mapped[str] = mapped_column(String(15))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    results: Mapped[list] = mapped_column(JSON)
    first_change: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    last_change: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class StreetCounter(StreetBase):
    """One row: the last change sequence handed out. Moved by UPDATE ... RETURNING inside the
    writing transaction, so sequences become visible in order (see docs/SYNC.md)."""

    __tablename__ = "street_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Open311Client(StreetBase):
    """A program allowed to file requests through Open311 (``api_key``): its key is stored only
    as a hash, like a community's."""

    __tablename__ = "street_open311_clients"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), index=True)  # sha256 hex of the key
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Open311Request(StreetBase):
    """A request filed through Open311: the public face of a case the street made for a
    community (the case itself, with its status, is the ``street_cases`` row ``case_uuid``)."""

    __tablename__ = "street_open311_requests"

    case_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_no: Mapped[str] = mapped_column(String(40), unique=True)  # service_request_id, the case_no
    token: Mapped[str] = mapped_column(String(40), unique=True)
    client: Mapped[str] = mapped_column(String(40))
    community: Mapped[str] = mapped_column(String(15), index=True)
    grid_code: Mapped[str] = mapped_column(String(20), default="")
    service_code: Mapped[str] = mapped_column(String(20), index=True)
    service_name: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    expected_at: Mapped[dt.date | None] = mapped_column(Date, default=None)


class StreetMonthlyReport(StreetBase):
    """A community's monthly report (月度工作报表) as it sent it: one per community and month; a
    re-sent one (a higher version) replaces the earlier."""

    __tablename__ = "street_monthly_reports"

    community: Mapped[str] = mapped_column(String(15), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-11"
    uuid: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer)
    figures: Mapped[list] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text, default="")
    made_by: Mapped[str] = mapped_column(String(60), default="")
    made_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# --- opening the database ---------------------------------------------------------------------------


def migrations_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "app" / "street" / "migrations"
    return Path(str(importlib_resources.files("app.street"))) / "migrations"


def _sqlite_driver_autocommit(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)


def _sqlite_begin_immediate(conn) -> None:
    # Take the write lock when the transaction starts: a read-then-write transaction otherwise
    # fails with "database is locked" when another process wrote in between.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def open_engine(url: str) -> Engine:
    engine = create_db_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_driver_autocommit)
        event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def upgrade_schema(engine: Engine) -> None:
    """Create or upgrade the server's tables; several processes starting at once take turns."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["engine"] = engine
    if engine.dialect.name != "postgresql":
        command.upgrade(cfg, "head")
        return
    with engine.connect() as lock:
        lock.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK})
        try:
            command.upgrade(cfg, "head")
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK})
            lock.commit()


def prepare_store(url: str) -> None:
    """Create or upgrade the schema once, before the server's workers start, and keep no
    connection open: each worker opens its own."""
    engine = open_engine(url)
    try:
        upgrade_schema(engine)
    finally:
        engine.dispose()


def open_store(url: str, *, migrate: bool = True) -> sessionmaker[Session]:
    engine = open_engine(url)
    if migrate:
        upgrade_schema(engine)
    return sessionmaker(engine, expire_on_commit=False)


def add_holder(case: StreetCase, community: str) -> None:
    """``community`` holds ``case`` from now on (the street itself is no holder)."""
    if community and community != STREET and f",{community}," not in (case.holders or ""):
        case.holders = f"{case.holders or ','}{community},"
