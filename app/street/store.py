"""The street server's store over SQLAlchemy: the change counter, pull and the street's answer
(what communities send is judged in app.street.receive).

Every change takes numbers from one counter row (``street_counter``) with UPDATE ... RETURNING in
the writing transaction. The row lock serialises writers on it until they commit, so a reader
that has seen counter value X sees every change numbered <= X: a pull cursor never skips a change
that commits late (a PostgreSQL sequence would allow that). docs/SYNC.md states the rules.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.models.base import utcnow
from app.street.limits import MAX_RECORDS  # noqa: F401 — defined with the other limits
from app.street.models import (  # noqa: F401 — open_store is part of this module's face
    STREET,
    StreetCase,
    StreetCaseEvent,
    StreetCertificate,
    StreetCommunity,
    StreetCounter,
    add_holder,
    open_store,
)

ESCALATED = "escalated"
ANSWER_STATUSES = ("in_progress", "completed")
STREET_ACTOR = "街道办事处"


class StoreError(Exception):
    status_code = 400


class NotFound(StoreError):
    status_code = 404


class Conflict(StoreError):
    status_code = 409


class Invalid(StoreError):
    status_code = 422


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def allocate(session: Session, count: int) -> int:
    """The first of ``count`` new change sequences (held until this transaction ends)."""
    table = StreetCounter.__table__
    last = session.execute(
        update(table).where(table.c.id == 1).values(value=table.c.value + count).returning(table.c.value)
    ).scalar_one()
    return last - count + 1


def current_sequence(session: Session) -> int:
    return session.execute(select(StreetCounter.value).where(StreetCounter.id == 1)).scalar_one()


def retrying(sessions: sessionmaker[Session], work, attempts: int = 4):
    """Run ``work(session)`` in one transaction, again when a concurrent writer got in the way
    (the same new uuid inserted by two processes, a deadlock): each attempt sees the other's data."""
    for attempt in range(attempts):
        try:
            with sessions.begin() as session:
                return work(session)
        except (IntegrityError, OperationalError):
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


# --- pull ----------------------------------------------------------------------------------------


def _addressed(community: str):
    """A case concerns its origin, its owner, the community that last escalated it, and every
    community that has held it (``holders``): one the street handed it on from still holds a copy
    its staff read. The pulls select by ``seq`` first, so the text match is made on new changes
    only."""
    return or_(
        StreetCase.origin_community == community,
        StreetCase.owner_community == community,
        StreetCase.escalated_from == community,
        StreetCase.holders.contains(f",{community},", autoescape=True),
    )


def case_record(row: StreetCase) -> dict:
    data = dict(row.data, status=row.status, owner_community=row.owner_community)
    return {
        "type": "case",
        "uuid": row.uuid,
        "version": row.version,
        "origin_community": row.origin_community,
        "data": data,
    }


def event_record(row: StreetCaseEvent) -> dict:
    return {
        "type": "case_event",
        "uuid": row.uuid,
        "version": 1,
        "origin_community": row.origin_community,
        "data": dict(row.data, case_uuid=row.case_uuid),
    }


def _own_writes(session: Session, community: str, after: int, top: int, limit: int) -> list:
    """The community's own writes after ``after`` (up to ``top``, which stops before the round's
    own pushes: the desk has those): what a desk restored from an older copy (its receipt older
    than its writes) no longer holds."""
    cases = select(StreetCase).where(
        StreetCase.seq > after, StreetCase.seq <= top, StreetCase.last_writer == community
    )
    events = (
        select(StreetCaseEvent)
        .join(
            StreetCase,
            (StreetCase.uuid == StreetCaseEvent.case_uuid)
            & (StreetCase.origin_community == StreetCaseEvent.case_origin),
        )
        .where(
            StreetCaseEvent.seq > after,
            StreetCaseEvent.seq <= top,
            StreetCaseEvent.origin_community == community,
            _addressed(community),
        )
    )
    certificates = select(StreetCertificate).where(
        StreetCertificate.seq > after,
        StreetCertificate.seq <= top,
        StreetCertificate.origin_community == community,
    )
    return [
        *session.execute(cases.order_by(StreetCase.seq).limit(limit + 1)).scalars(),
        *session.execute(events.order_by(StreetCaseEvent.seq).limit(limit + 1)).scalars(),
        *session.execute(certificates.order_by(StreetCertificate.seq).limit(limit + 1)).scalars(),
    ]


def certificate_record(row: StreetCertificate) -> dict:
    return {
        "type": "certificate",
        "uuid": row.uuid,
        "version": row.version,
        "origin_community": row.origin_community,
        "data": row.data,
    }


def _record(row) -> dict:
    if isinstance(row, StreetCase):
        return case_record(row)
    if isinstance(row, StreetCertificate):
        return certificate_record(row)
    return event_record(row)


def pull(
    sessions: sessionmaker[Session],
    community: str,
    cursor: int,
    limit: int,
    own_since: int | None = None,
    own_before: int | None = None,
) -> dict:
    """What is addressed to ``community`` after ``cursor``, in the server's order of changes; with
    ``own_since`` (the desk's receipt before its round) also its own writes after that, up to
    ``own_before`` (the first change of the round's own pushes, which it has)."""
    with sessions.begin() as session:
        top = current_sequence(session)
        cases = (
            session.execute(
                select(StreetCase)
                .where(
                    StreetCase.seq > cursor,
                    StreetCase.seq <= top,
                    StreetCase.last_writer != community,
                    _addressed(community),
                )
                .order_by(StreetCase.seq)
                .limit(limit + 1)
            )
            .scalars()
            .all()
        )
        events = (
            session.execute(
                select(StreetCaseEvent)
                .join(
                    StreetCase,
                    (StreetCase.uuid == StreetCaseEvent.case_uuid)
                    & (StreetCase.origin_community == StreetCaseEvent.case_origin),
                )
                .where(
                    StreetCaseEvent.seq > cursor,
                    StreetCaseEvent.seq <= top,
                    StreetCaseEvent.origin_community != community,
                    _addressed(community),
                )
                .order_by(StreetCaseEvent.seq)
                .limit(limit + 1)
            )
            .scalars()
            .all()
        )
        # Its own writes from the round's pushes on are at the desk (their answers came): not sent
        # back down, or a desk's first round would pull everything it has just pushed.
        own_top = min(top, own_before - 1) if own_before is not None else top
        own = (
            _own_writes(session, community, max(cursor, own_since), own_top, limit)
            if own_since is not None
            else []
        )
        rows = sorted({(type(r), r.seq): r for r in [*cases, *events, *own]}.values(), key=lambda r: r.seq)
        more = len(rows) > limit
        rows = rows[:limit]
        new_cursor = rows[-1].seq if more else max(cursor, top)
        # What the community has been sent: a later push of a case it has been sent may change the
        # status (if it owns the case); one based on an older copy may not (see _Push.case in app.street.receive).
        seen = min(new_cursor, top)
        session.execute(
            update(StreetCommunity)
            .where(StreetCommunity.code == community, StreetCommunity.pull_cursor < seen)
            .values(pull_cursor=seen)
        )
        records = [_record(r) for r in rows]
    return {"records": records, "cursor": new_cursor, "more": more, "server_time": now_iso()}


# --- the street office -----------------------------------------------------------------------------


def answer(
    sessions: sessionmaker[Session],
    case_uuid: str,
    status: str,
    note: str,
    owner_community: str | None = None,
) -> dict:
    """The street answers an escalation: new status, optionally a new owning community (一体通办)."""
    if status not in ANSWER_STATUSES:
        raise Invalid(f"status 须为 {' 或 '.join(ANSWER_STATUSES)}")
    with sessions.begin() as session:
        row = session.execute(
            select(StreetCase).where(StreetCase.uuid == case_uuid).with_for_update()
        ).scalar_one_or_none()
        if row is None:
            raise NotFound("没有这个办件")
        return answer_case(session, row, status, note, owner_community)


def answer_case(
    session: Session,
    row: StreetCase,
    status: str,
    note: str,
    owner_community: str | None = None,
    *,
    actor: str = STREET_ACTOR,
    kind: str = "",
) -> dict:
    """The answer itself, in the caller's transaction on a locked ``row``: the API's answer and the
    street office's pages (app.street.office.actions) both come here. ``kind`` tells the desks what
    the answer was (answer, returned, transfer, close); the API's answers carry none."""
    if status not in ANSWER_STATUSES:
        raise Invalid(f"status 须为 {' 或 '.join(ANSWER_STATUSES)}")
    if row.status != ESCALATED or row.owner_community != STREET:
        raise Conflict("该办件未上报街道，无需答复")
    back_to = row.escalated_from or row.origin_community
    target = owner_community or back_to
    if owner_community:
        found = session.get(StreetCommunity, owner_community)
        if found is None or found.role != "community":
            raise Invalid(f"社区 {owner_community} 未注册")
    details: dict = {"owner_community": target, "transferred": target != back_to}
    if kind:
        details["kind"] = kind
    event_row = StreetCaseEvent(
        uuid=str(uuidlib.uuid4()),
        case_uuid=row.uuid,
        case_origin=row.origin_community,
        origin_community=STREET,
        seq=0,
        received_at=utcnow(),
        data={
            "case_uuid": row.uuid,
            "at": now_iso(),
            "actor": actor,
            "action": "return",
            "from_status": row.status,
            "to_status": status,
            "note": note,
            "data": details,
        },
    )
    history = []
    if target != back_to:  # the new owner gets the case's whole history on its next pull
        history = (
            session.execute(
                select(StreetCaseEvent)
                .where(
                    StreetCaseEvent.case_uuid == row.uuid,
                    StreetCaseEvent.case_origin == row.origin_community,
                )
                .order_by(StreetCaseEvent.seq)
            )
            .scalars()
            .all()
        )
    row.status, row.owner_community, row.last_writer = status, target, STREET
    add_holder(row, target)
    row.version += 1
    row.data = dict(row.data, status=status)
    row.data_hash = None  # the street's copy: no community sent this content
    row.updated_at = utcnow()
    session.add(event_row)
    first = allocate(session, len(history) + 2)
    # The case before its history: a pull page that ends among them still brings the case first.
    for offset, item in enumerate([row, *history, event_row]):
        item.seq = first + offset
    return {"case": case_record(row), "event": event_record(event_row)}


def street_note(
    session: Session, row: StreetCase, action: str, note: str, details: dict, *, actor: str
) -> dict:
    """An event the street writes on a case without changing it (受理, 派单, 评价, 联席会): the
    communities the case concerns pull it like the street's answers."""
    event_row = StreetCaseEvent(
        uuid=str(uuidlib.uuid4()),
        case_uuid=row.uuid,
        case_origin=row.origin_community,
        origin_community=STREET,
        seq=allocate(session, 1),
        received_at=utcnow(),
        data={
            "case_uuid": row.uuid,
            "at": now_iso(),
            "actor": actor,
            "action": action,
            "from_status": row.status,
            "to_status": row.status,
            "note": note,
            "data": details,
        },
    )
    session.add(event_row)
    return event_record(event_row)
