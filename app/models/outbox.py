"""The outbox, written by the ORM itself: a ``before_flush`` listener on every Session adds one
OutboxEntry per new or changed Case, new CaseEvent and new or changed Certificate, in the flush
that writes the change, so both commit or roll back together (a savepoint rolled back takes its
outbox rows with it too).

The records that only travel up (wishes, visits, 议事, partner units and projects, party members,
meetings and 双报到 services) are known by a ``sync_type`` on their model: a new or changed one
gets an outbox row the same way. A row whose change alters such a record as the street sees it
(a meeting's attendance, a 议事 step) names its record with ``sync_parent`` (model, column), and
the record is queued in its place. A model whose rows travel only in part says which with a
``sync_travels`` hybrid (the party organisation: grid branches only). What travels of them is
app.services.sync.life_types'.

Records applied from a pull are not echoed back: the sync client sets ``session.info[APPLYING]``
while it applies a page. A process that uses these models but keeps no outbox (a street server
reusing them) sets ``session.info[DISABLED]``.

A case or certificate changed in a transaction that did not move its version (an edit outside
the workflow) gets its version moved just before the commit, so the server can always tell a
newer copy from an older one. (Not at the flush: an autoflush often runs in the middle of a
workflow step, before the step moves the version itself.)
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session, attributes

from app.models.cases import Case, CaseEvent, new_uuid
from app.models.certificates import Certificate
from app.models.sync import OutboxEntry

APPLYING = "sync_applying_pull"
DISABLED = "sync_outbox_disabled"
_UNVERSIONED = "sync_outbox_changed"  # id(obj) -> (obj, its version when the transaction began)
_FIELDS = "sync_outbox_fields"  # id(obj) -> the columns changed in this transaction
_NOT_FIELDS = {"version", "sync_base", "created_at", "updated_at"}  # bookkeeping, not content

_ORDER = {"case": 0, "certificate": 1, "case_event": 2}
_installed = False


def install() -> None:
    """Listen on the Session class (every session of every engine); safe to call twice."""
    global _installed
    if _installed:
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_transaction_end", _after_transaction_end)
    _installed = True


def _original_version(obj: object) -> int | None:
    history = attributes.get_history(obj, "version")
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else None


def _before_commit(session: Session) -> None:
    if session.info.get(APPLYING) or session.info.get(DISABLED):
        return
    session.flush()  # what is still pending gets seen (and tracked) first
    for obj, original in session.info.pop(_UNVERSIONED, {}).values():
        if obj.version == original and obj in session and obj not in session.deleted:
            obj.version = (original or 0) + 1  # written, with its outbox row, by the commit's flush


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_UNVERSIONED, None)
        session.info.pop(_FIELDS, None)


def _changed_columns(obj) -> set[str]:
    state = attributes.instance_state(obj)
    return {
        attr.key
        for attr in state.mapper.column_attrs
        if attr.key not in _NOT_FIELDS and attributes.get_history(obj, attr.key).has_changes()
    }


def _before_flush(session: Session, _flush_context, _instances) -> None:
    if session.info.get(APPLYING) or session.info.get(DISABLED):
        return
    entries: dict[tuple[str, str], OutboxEntry] = {}
    changed = session.info.setdefault(_UNVERSIONED, {})
    fields = session.info.setdefault(_FIELDS, {})

    def note(record_type: str, obj, version: int, columns: list[str]) -> None:
        if obj.uuid is None:  # the column default only fills in at INSERT, after this listener
            obj.uuid = new_uuid()
        entries[(record_type, obj.uuid)] = OutboxEntry(
            record_type=record_type, record_uuid=obj.uuid, version=version, fields=columns
        )

    for obj in session.new:
        if isinstance(obj, Case | Certificate):
            if obj.version is None:
                obj.version = 1
            note("case" if isinstance(obj, Case) else "certificate", obj, obj.version, ["*"])
        elif isinstance(obj, CaseEvent):
            note("case_event", obj, 1, ["*"])
        else:
            _note_up_only(session, obj, note)
    for obj in session.deleted:
        if getattr(obj, "sync_parent", None) is not None:
            _note_up_only(session, obj, note)
    for obj in session.dirty:
        if not isinstance(obj, Case | Certificate):
            if obj not in session.deleted and session.is_modified(obj, include_collections=False):
                _note_up_only(session, obj, note)
            continue
        if obj in session.deleted:
            continue
        if not session.is_modified(obj, include_collections=False):
            continue
        if id(obj) not in changed:
            changed[id(obj)] = (obj, _original_version(obj))
        # Kept for the transaction: a change flushed early is noted with the version moved later.
        columns = fields.setdefault(id(obj), set())
        columns |= _changed_columns(obj)
        # Noted when the version moved; a later change in the same transaction is noted again (its
        # columns too); else the commit moves the version, and notes it then.
        if attributes.get_history(obj, "version").has_changes() or obj.version != changed[id(obj)][1]:
            note("case" if isinstance(obj, Case) else "certificate", obj, obj.version, sorted(columns))
    # A case's row before its events' rows: the push sends them in that order too.
    session.add_all(sorted(entries.values(), key=lambda e: _ORDER.get(e.record_type, 3)))


def _note_up_only(session: Session, obj, note) -> None:
    """Queue an up-only record, or the record a changed part of it belongs to."""
    record_type = getattr(obj, "sync_type", None)
    if record_type is not None:
        if getattr(obj, "sync_travels", True):  # a model may send only some of its rows
            note(record_type, obj, 1, ["*"])  # sent whole: the street keeps the latest content
        return
    parent = getattr(obj, "sync_parent", None)
    if parent is None:
        return
    model, column = parent
    parent_id = getattr(obj, column)
    if parent_id is None:
        return
    with session.no_autoflush:
        record = session.get(model, parent_id)
    if record is not None and record not in session.deleted:
        note(model.sync_type, record, 1, ["*"])
