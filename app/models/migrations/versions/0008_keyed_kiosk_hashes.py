"""keyed kiosk hashes: the kiosk's audit subjects and appointment holders re-keyed with HMAC

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 09:00:00

Until 0007 the kiosk named a person by a plain SHA-256 of their ID number (the audit subject: its
first 16 hex digits; an appointment's holder: SHA-256 of "appointment:" + number; a walk-in
request: the full hash in its event's data, which syncs). Such a hash is reversed in seconds when
region and birth year are known. Every one is replaced here by the keyed hash the kiosk now
writes (HMAC-SHA256 under the installation's secret, app/services/kiosk/audit_key.py):

- a row linked to a resident gets the keyed hash of that resident's number;
- any other is matched against the plain hashes of every resident's number;
- what matches nobody becomes a marker ("legacy-" and a keyed hash of the old value): still the
  same marker for the same old value, reversible by nobody without the secret file;
- the hash leaves the walk-in requests' event data; the request's audit entry keeps the person.

The old values cannot come back, so the downgrade leaves the keyed ones in place.
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARKER = "legacy-"


class _Keys:
    """The keyed hash, the residents' plain hashes and the marker, each made only when needed:
    a new database has nothing to re-key and gets no secret file from this migration."""

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        self._secret: bytes | None = None
        self._plain: dict[str, str] | None = None
        self._numbers: dict[int, str] | None = None

    def keyed(self, number: str) -> str:
        from app.services.kiosk.audit_key import audit_secret, keyed_hash

        if self._secret is None:
            self._secret = audit_secret()
        return keyed_hash(number, self._secret)

    def marker(self, old: str, length: int) -> str:
        return (MARKER + self.keyed(f"legacy:{old}"))[:length]

    def number_of(self, resident_id: int | None) -> str | None:
        if resident_id is None:
            return None
        if self._numbers is None:
            rows = self.conn.execute(sa.text("SELECT id, id_number FROM residents"))
            self._numbers = {row_id: number for row_id, number in rows}
        return self._numbers.get(resident_id)

    def match(self, old: str) -> str | None:
        """The resident's number whose plain hash (or appointment hash) begins with ``old``."""
        if self._plain is None:
            self._plain = {}
            for (number,) in self.conn.execute(sa.text("SELECT id_number FROM residents")):
                for text in (number, f"appointment:{number}"):
                    digest = hashlib.sha256(text.encode("ascii", "replace")).hexdigest()
                    self._plain[digest] = number
                    self._plain[digest[:16]] = number
        return self._plain.get(old)

    def rekey(self, old: str, resident_id: int | None, length: int) -> str:
        number = self.number_of(resident_id) or self.match(old)
        return self.keyed(number)[:length] if number else self.marker(old, length)


_AUDIT = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("subject", sa.String),
    sa.column("resident_id", sa.Integer),
)
_BOOKINGS = sa.table(
    "appointments",
    sa.column("id", sa.Integer),
    sa.column("holder_hash", sa.String),
    sa.column("resident_id", sa.Integer),
)
_EVENTS = sa.table(
    "case_events", sa.column("id", sa.Integer), sa.column("action", sa.String), sa.column("data", sa.JSON)
)


def _update(
    conn: sa.Connection, table: sa.TableClause, column: str, changes: list[tuple[int, object]]
) -> None:
    statement = (
        sa.update(table).where(table.c.id == sa.bindparam("row_id")).values({column: sa.bindparam("value")})
    )
    for start in range(0, len(changes), 500):
        chunk = changes[start : start + 500]
        conn.execute(statement, [{"row_id": row_id, "value": value} for row_id, value in chunk])


def upgrade() -> None:
    conn = op.get_bind()
    keys = _Keys(conn)
    audit = _AUDIT.c
    entries = conn.execute(
        sa.select(audit.id, audit.subject, audit.resident_id).where(
            sa.or_(audit.actor == "kiosk", audit.action == "appointment_attended"), audit.subject != ""
        )
    ).all()
    _update(conn, _AUDIT, "subject", [(r.id, keys.rekey(r.subject, r.resident_id, 16)) for r in entries])
    held = _BOOKINGS.c
    bookings = conn.execute(sa.select(held.id, held.holder_hash, held.resident_id)).all()
    _update(
        conn,
        _BOOKINGS,
        "holder_hash",
        [(r.id, keys.rekey(r.holder_hash, r.resident_id, 64)) for r in bookings],
    )
    events = conn.execute(
        sa.select(_EVENTS.c.id, _EVENTS.c.data).where(_EVENTS.c.action == "kiosk_request")
    ).all()
    scrubbed: list[tuple[int, object]] = [
        (row.id, {k: v for k, v in row.data.items() if k != "id_hash"})
        for row in events
        if isinstance(row.data, dict) and "id_hash" in row.data
    ]
    _update(conn, _EVENTS, "data", scrubbed)


def downgrade() -> None:
    """Nothing to undo: the plain hashes are gone for good, and the code of 0007 reads a keyed
    hash as well as a plain one (it only compares them with each other)."""
