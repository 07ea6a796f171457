"""What the street server does with the records of community life a community pushes (up only:
app.services.sync.life_types registers the types and what each may hold). Judged per record in
the push's transaction, like a certificate but simpler, as the community is the only writer:

- another community's record (``origin_community`` not the caller) is rejected; the key is
  (community, type, uuid), so a uuid another community used names a record of the caller's own;
- data that is not the type's registered fields, of their kinds and sizes (or that holds a full
  ID number or a phone number), is rejected with the reason;
- the content the server holds already (same hash) is unchanged; any other is stored as the next
  version (a new record as version 1): the pushed version is not compared, the desk sends the
  record's current content every time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from app.models.base import utcnow
from app.services.sync.life_types import REGISTRY, invalid
from app.street.answers import result, unstorable
from app.street.incoming import Incoming
from app.street.models import StreetLifeRecord

LIFE_TYPES = tuple(REGISTRY)


class LifeBatch:
    """The up-only records of one pushed batch, against the rows the server holds of them."""

    def __init__(self, session: Session, community: str, records: list[Incoming]):
        self.session, self.community = session, community
        uuids = sorted({r.uuid for r in records if r.type in REGISTRY and r.origin_community == community})
        self.rows: dict[tuple[str, str], StreetLifeRecord] = {}
        t = StreetLifeRecord
        for start in range(0, len(uuids), 500):
            query = (
                select(t)
                .options(defer(t.data))
                .where(t.origin_community == community, t.uuid.in_(uuids[start : start + 500]))
            )
            self.rows.update({(row.type, row.uuid): row for row in session.scalars(query)})

    def put(self, rec: Incoming, digest: str) -> dict[str, Any]:
        """One record's answer."""
        if rec.origin_community != self.community:
            return result(rec, "rejected", None, f"只能上传本社区（{self.community}）的记录")
        row = self.rows.get((rec.type, rec.uuid))
        held = row.version if row is not None else None
        if row is not None and row.data_hash == digest:
            return result(rec, "unchanged", row.version)
        if (why := invalid(rec.type, rec.data)) is not None:
            return result(rec, "rejected", held, why)
        if refused := unstorable(rec, held):
            return refused
        if row is None:
            row = StreetLifeRecord(origin_community=self.community, type=rec.type, uuid=rec.uuid, version=0)
            self.session.add(row)
            self.rows[(rec.type, rec.uuid)] = row
        row.version, row.data, row.data_hash, row.received_at = row.version + 1, rec.data, digest, utcnow()
        return result(rec, "applied", row.version)


def held_keys(
    session: Session, record_type: str, community: str, uuids: list[str]
) -> list[tuple[str, int, str]]:
    """(uuid, version, hash) of the caller's own records of this type among ``uuids``."""
    t = StreetLifeRecord
    return list(
        session.execute(
            select(t.uuid, t.version, t.data_hash).where(
                t.origin_community == community, t.type == record_type, t.uuid.in_(uuids)
            )
        ).tuples()
    )
