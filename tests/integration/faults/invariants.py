"""What must hold once the network is good again and every desk has synced until quiet: one
truth at every end.

- Nothing waits in any outbox, nothing is held back (refused for good, or not saved by a pull).
- Every record a desk holds is on the server; every case and event the server holds is at every
  desk it concerns (the case's origin, its owner, the community that escalated it), and every
  certificate at the desk that issued it.
- Wherever two ends hold a record, they hold the same version with the same content, as the
  record travels (docs/SYNC.md, "Records"); a desk that no longer owns a case it holds is held to
  this too: its staff still read it.
- No case number and no certificate serial is used for two records, and no desk failed to hand
  one out during the run.

Content is compared as the push sends it (app.services.sync.records.serialise) against what the
server would send down, leaving out what each end keeps for itself: local bookkeeping
(``updated_at``), which community's list the case sits in here (``community_code``), and the
owner the server decides (``owner_community``). The version is compared once, as the record's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any, NamedTuple

from sqlalchemy import select

from app.models import Case, CaseEvent, Certificate
from app.services.sync import pending
from app.services.sync import records as sync_records
from app.street import store
from app.street.models import StreetCase, StreetCaseEvent, StreetCertificate

PER_END = {"updated_at", "community_code", "owner_community", "uuid", "id"}
ENVELOPE = {"version"}  # compared as the record's version, not again inside its data
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SECRET = ("id_number", "hash", "qr_payload")  # never printed in a failure message


class Violation(NamedTuple):
    kind: str  # not_quiet, desk_error, held, waiting, missing_at_server, missing_at_desk, version,
    # content, duplicate
    record_type: str
    uuid: str
    label: str  # the case number or serial staff would read
    detail: str
    subject: str = ""  # the record whose history explains it: the case, for an event


class Holdings(NamedTuple):
    """One end's records, as they travel, by (type, uuid)."""

    records: dict[tuple[str, str], dict[str, Any]]
    waiting: int = 0
    refused: int = 0


def desk_holdings(db) -> Holdings:
    with db.sessions() as session:
        keys = [("case", u) for u in session.scalars(select(Case.uuid))]
        keys += [("case_event", u) for u in session.scalars(select(CaseEvent.uuid))]
        keys += [("certificate", u) for u in session.scalars(select(Certificate.uuid))]
        records, _missing = sync_records.serialise(session, keys)
        waiting = pending.count_waiting(session)
        refused = pending.count_waiting(session, refused=True)
    return Holdings({(r["type"], r["uuid"]): r for r in records}, waiting, refused)


def server_holdings(sessions) -> tuple[Holdings, dict[str, StreetCase]]:
    records: dict[tuple[str, str], dict[str, Any]] = {}
    with sessions() as session:
        cases = {row.uuid: row for row in session.scalars(select(StreetCase))}
        for row in cases.values():
            records[("case", row.uuid)] = store.case_record(row)
        for row in session.scalars(select(StreetCaseEvent)):
            records[("case_event", row.uuid)] = store.event_record(row)
        for row in session.scalars(select(StreetCertificate)):
            records[("certificate", row.uuid)] = {
                "type": "certificate",
                "uuid": row.uuid,
                "version": row.version,
                "origin_community": row.origin_community,
                "data": row.data,
            }
        session.expunge_all()
    return Holdings(records), cases


def check(
    desks: dict[str, Holdings],
    server: Holdings,
    cases: dict[str, StreetCase],
    *,
    names: dict[str, str],
    quiet: bool,
    heal_errors: list[str],
    desk_errors: list[str],
) -> list[Violation]:
    """Every broken invariant; ``desks`` by community code, ``names`` their short names."""
    found: list[Violation] = []
    if not quiet:
        found.append(
            Violation("not_quiet", "", "", "", "the desks still moved records after every healing pass")
        )
    found += [Violation("desk_error", "", "", "", error) for error in desk_errors]
    alike: dict[str, int] = {}
    for error in heal_errors:  # one line for a case's events not saved, with how many
        shape = UUID.sub("…", error, count=1)
        alike[shape] = alike.get(shape, 0) + 1
    for shape, times in alike.items():
        found.append(Violation("held", "", "", "", f"a healing round reported {times} time(s): {shape}"))
    for code, held in desks.items():
        if held.waiting:
            found.append(
                Violation("waiting", "", "", "", f"{held.waiting} records still wait at {names[code]}")
            )
        if held.refused:
            found.append(
                Violation("held", "", "", "", f"{held.refused} records at {names[code]} refused for good")
            )
    found += _Ends(desks, server, cases, names).judge()
    found += _duplicates(server)
    return found


class _Ends:
    """The desks and the server side by side."""

    def __init__(self, desks, server: Holdings, cases: dict[str, StreetCase], names: dict[str, str]):
        self.desks, self.server, self.cases, self.names = desks, server, cases, names

    def judge(self) -> list[Violation]:
        found: list[Violation] = []
        for code, held in self.desks.items():
            for key, record in held.records.items():
                there = self.server.records.get(key)
                if there is None:
                    found.append(
                        self._violation(
                            "missing_at_server", record, f"at {self.names[code]}, not on the server"
                        )
                    )
                else:
                    found += self._compare(code, record, there)
        for key, record in self.server.records.items():
            for code in sorted(self._should_hold(record)):
                if key not in self.desks[code].records:
                    found.append(
                        self._violation(
                            "missing_at_desk", record, f"on the server, not at {self.names[code]}"
                        )
                    )
        return found

    def _should_hold(self, record: dict[str, Any]) -> set[str]:
        if record["type"] == "certificate":
            return {record["origin_community"]} & set(self.desks)
        case = self.cases.get(self._subject(record))
        if case is None:
            return set()
        concerned = {case.origin_community, case.owner_community, case.escalated_from} & set(self.desks)
        if record["type"] == "case_event":  # a case missing at a desk is reported once, as the case
            concerned = {code for code in concerned if ("case", case.uuid) in self.desks[code].records}
        return concerned

    @staticmethod
    def _subject(record: dict[str, Any]) -> str:
        return str(record["data"].get("case_uuid")) if record["type"] == "case_event" else record["uuid"]

    def _violation(self, kind: str, record: dict[str, Any], detail: str) -> Violation:
        data, subject = record["data"], self._subject(record)
        if record["type"] == "certificate":
            label = str(data.get("serial", ""))
        else:
            case = self.cases.get(subject)
            label = str(data.get("case_no") or (case.case_no if case is not None else ""))
        return Violation(kind, record["type"], record["uuid"], label, detail, subject)

    def _compare(self, code: str, mine: dict[str, Any], theirs: dict[str, Any]) -> list[Violation]:
        name = self.names[code]
        if mine["type"] != "case_event" and mine["version"] != theirs["version"]:
            detail = (
                f"{name} holds version {mine['version']} (status {mine['data'].get('status')}), "
                f"the server {theirs['version']} (status {theirs['data'].get('status')})"
            )
            return [self._violation("version", mine, detail)]
        a, b = _content(mine["data"]), _content(theirs["data"])
        differing = sorted(k for k in a.keys() | b.keys() if a.get(k, "<absent>") != b.get(k, "<absent>"))
        if not differing:
            return []
        shown = "; ".join(
            f"{k}: {name} {_show(k, a.get(k, '<absent>'))} / server {_show(k, b.get(k, '<absent>'))}"
            for k in differing[:4]
        )
        version = f" at the same version {mine['version']}" if mine["type"] != "case_event" else ""
        return [self._violation("content", mine, f"{name} and the server differ{version}: {shown}")]


def _content(data: dict[str, Any]) -> dict[str, Any]:
    return {key: _normal(key, value) for key, value in data.items() if key not in PER_END | ENVELOPE}


def _normal(key: str, value: Any) -> Any:
    """A moment is a moment however it was written (the street writes "...000Z", a desk keeps
    naive UTC)."""
    if isinstance(value, str) and (key == "at" or key.endswith("_at")) and value:
        try:
            return sync_records.parse_datetime(value).isoformat()
        except ValueError:
            return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _show(key: str, value: Any) -> str:
    if any(secret in key for secret in SECRET) and value not in ("", None, "<absent>"):
        return "<hidden>"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _duplicates(server: Holdings) -> list[Violation]:
    found: list[Violation] = []
    used: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (record_type, uuid), record in server.records.items():
        if record_type == "case":
            used[("case", str(record["data"].get("case_no")))].append(uuid)
        elif record_type == "certificate":
            used[("certificate", str(record["data"].get("serial")))].append(uuid)
    for (record_type, number), uuids in sorted(used.items()):
        if len(uuids) > 1:
            first = sorted(uuids)[0]
            detail = f"{number} is used by {len(uuids)} records: {', '.join(sorted(uuids))}"
            found.append(Violation("duplicate", record_type, first, number, detail, first))
    return found
