"""The kiosk's hashes of ID numbers: keyed, kept on the desk, and the old plain ones re-keyed by
migration 0008 on a database that was built at 0007."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid

from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import sessionmaker

from app.db import SCHEMA_HEAD, Database, alembic_config, create_db_engine, current_revision, upgrade
from app.models import Appointment, AuditEntry, Case, CaseEvent, Community, Resident
from app.models.sync import OutboxEntry
from app.services.common.idcard import check_digit
from app.services.kiosk import service as kiosk
from app.services.sync.records import serialise

MONDAY = dt.date(2026, 11, 23)
TUESDAY = MONDAY + dt.timedelta(days=1)


def _plain(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _unknown_number(session) -> str:
    for sequence in range(100, 999):
        first17 = f"11010819700101{sequence:03d}"
        number = first17 + check_digit(first17)
        if session.scalar(select(Resident.id).where(Resident.id_number == number)) is None:
            return number
    raise AssertionError("no free number")


def test_a_walk_in_request_sends_no_hash_to_the_street(demo_db):
    with demo_db.sessions.begin() as session:
        number = _unknown_number(session)
        case_no = kiosk.submit_request(
            session, None, category="其他", text="", phone="13912345678", id_text=number, today=MONDAY
        )
    with demo_db.sessions() as session:
        case = session.scalars(select(Case).where(Case.case_no == case_no)).one()
        event_uuid = case.events[0].uuid
        keys = [(o.record_type, o.record_uuid) for o in session.scalars(select(OutboxEntry))]
        records, _missing = serialise(session, keys)
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "kiosk_request")).one()
    sent = json.dumps(records, ensure_ascii=False)
    assert {("case", case.uuid), ("case_event", event_uuid)} <= set(keys)
    assert case.uuid in sent and "kiosk_request" in sent  # what travels was really looked at
    keyed = kiosk.id_hash(number)
    assert entry.subject == keyed[:16]  # the desk keeps who filed it
    for secret in (number, keyed, keyed[:16], _plain(number), _plain(number)[:16]):
        assert secret not in sent


def _database_at_0007(tmp_path) -> Database:
    from app.services.setup.initialise import initialise

    engine = create_db_engine(f"sqlite:///{tmp_path / 'old.db'}")
    # The demo street is written by today's code, so it is built at the head and the schema is then
    # taken back to 0007 (every later migration can be undone without losing rows).
    upgrade(engine, "head")
    db = Database(engine, sessionmaker(engine, expire_on_commit=False))
    initialise(db, with_demo=True, seed=7, residents=120, today=MONDAY)
    command.downgrade(alembic_config(engine), "0007")
    assert current_revision(engine) == "0007"
    return db


def _walk_in_as_0007_stored_it(session, community_id: int, community_code: str, plain_hash: str) -> int:
    """A kiosk walk-in request written as the 0007 kiosk wrote it, the full plain hash in the event's
    data; in SQL, because today's models carry columns that later migrations add."""
    now = dt.datetime(2026, 11, 23, 9, 0)
    session.execute(
        text(
            "INSERT INTO cases (uuid, version, origin_community, case_no, community_id, channel, status,"
            " item_code, item_name, promised_days, applicant_name, applicant_id_number, applicant_phone,"
            " agent_name, agent_id_number, agent_phone, first_responder, owner, content, address,"
            " materials_received, materials_missing, refusal_reason, result, received_at, evaluation,"
            " supervised, supervision_note) VALUES (:uuid, 1, :code, 'TY20261123-9001', :community,"
            " 'kiosk', 'received', 'ZZQQ', '居民诉求', 5, '', '', '13912345678', '', '', '', 'kiosk',"
            " '', '', '', '[]', '[]', '', '', :now, '', 0, '')"
        ),
        {"uuid": str(uuid.uuid4()), "code": community_code, "community": community_id, "now": now},
    )
    case_id = session.scalar(text("SELECT id FROM cases WHERE case_no = 'TY20261123-9001'"))
    data = {"category": "其他", "due_date": "2026-11-30", "id_hash": plain_hash}
    session.execute(
        text(
            "INSERT INTO case_events (uuid, case_id, at, actor, action, from_status, to_status, note, data)"
            " VALUES (:uuid, :case, :now, 'kiosk', 'kiosk_request', '', 'received', '', :data)"
        ),
        {
            "uuid": str(uuid.uuid4()),
            "case": case_id,
            "now": now,
            "data": json.dumps(data, ensure_ascii=False),
        },
    )
    return session.scalar(text("SELECT id FROM case_events WHERE case_id = :case"), {"case": case_id})


def test_migration_0008_rekeys_old_plain_hashes_and_marks_what_matches_nobody(tmp_path):
    db = _database_at_0007(tmp_path)
    with db.sessions.begin() as session:
        a, b, c = session.execute(  # the columns 0007 has
            select(Resident.id, Resident.id_number).order_by(Resident.id).limit(3)
        ).all()
        stranger = _unknown_number(session)
        community = session.scalars(select(Community)).first()
        entries = {
            "linked": AuditEntry(
                actor="kiosk", action="kiosk_print", subject=_plain(a.id_number)[:16], resident_id=a.id
            ),
            "unlinked": AuditEntry(actor="kiosk", action="kiosk_cases", subject=_plain(b.id_number)[:16]),
            "stranger": AuditEntry(actor="kiosk", action="kiosk_identify", subject=_plain(stranger)[:16]),
            "attended": AuditEntry(
                actor="qiantai",
                action="appointment_attended",
                subject=_plain(f"appointment:{c.id_number}")[:16],
            ),
            "desk": AuditEntry(actor="qiantai", action="lookup", subject="110105********002X"),
        }
        session.add_all(entries.values())

        def booking(holder: str, resident_id: int | None, slot: str) -> Appointment:
            return Appointment(
                community_id=community.id,
                day=TUESDAY,
                slot=slot,
                resident_id=resident_id,
                holder_hash=_plain(f"appointment:{holder}"),
                holder_name="某某",
            )

        bookings = {
            "linked": booking(a.id_number, a.id, "09:00-09:30"),
            "unlinked": booking(b.id_number, None, "09:30-10:00"),
            "stranger": booking(stranger, None, "10:00-10:30"),
        }
        session.add_all(bookings.values())
        event_id = _walk_in_as_0007_stored_it(session, community.id, community.code, _plain(stranger))
        filed = AuditEntry(actor="kiosk", action="kiosk_request", subject=_plain(stranger)[:16])
        session.add(filed)
        entries["filed"] = filed
        session.flush()
        ids = {name: e.id for name, e in entries.items()}, {name: x.id for name, x in bookings.items()}
        numbers = (a.id_number, b.id_number, c.id_number)
    db.dispose()

    upgrade(db.engine)
    assert current_revision(db.engine) == SCHEMA_HEAD
    a_no, b_no, c_no = numbers
    with db.sessions() as session:
        subject = {name: session.get(AuditEntry, i).subject for name, i in ids[0].items()}
        holder = {name: session.get(Appointment, i).holder_hash for name, i in ids[1].items()}
        data = session.get(CaseEvent, event_id).data
        everything = " ".join(session.scalars(select(AuditEntry.subject))) + " ".join(
            session.scalars(select(Appointment.holder_hash))
        )
    assert subject["linked"] == kiosk.id_hash(a_no)[:16]
    assert subject["unlinked"] == kiosk.id_hash(b_no)[:16]
    assert subject["attended"] == kiosk.id_hash(c_no)[:16]
    assert subject["stranger"].startswith("legacy-") and len(subject["stranger"]) == 16
    assert subject["filed"] == subject["stranger"]  # one old value, one marker: still one person
    assert subject["desk"] == "110105********002X"  # not a kiosk hash: left alone
    assert holder["linked"] == kiosk.id_hash(a_no) and holder["unlinked"] == kiosk.id_hash(b_no)
    assert holder["stranger"].startswith("legacy-") and len(holder["stranger"]) == 64
    assert data == {"category": "其他", "due_date": data["due_date"]}  # the hash is gone, the rest kept
    for number in (a_no, b_no, c_no, stranger):
        for old in (_plain(number), _plain(f"appointment:{number}")):
            assert old[:16] not in everything
    with db.sessions.begin() as session:  # the re-keyed booking is still the same person's
        again = kiosk.book_by_number(session, b_no, day=TUESDAY, slot="09:30-10:00", today=MONDAY)
        assert again.id == ids[1]["unlinked"]
    db.dispose()
