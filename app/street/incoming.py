"""What a community sends, as the routes hand it to app.street.receive: typed records, already
checked for shape by the wire schemas (app.street.schemas). Tuples, not dicts: a push carries up to
a thousand of them, and a repeated push of thousands is the server's most common heavy request."""

from __future__ import annotations

from typing import Any, NamedTuple


class Incoming(NamedTuple):
    """A pushed record."""

    type: str  # case, case_event, certificate
    uuid: str
    version: int  # the server version the change was made on (0: never seen by the server)
    origin_community: str
    data: dict[str, Any]  # a case_event's includes case_uuid


class AskedKey(NamedTuple):
    """A record a community asks about (POST /api/v1/known)."""

    type: str
    uuid: str
    version: int
    hash: str = ""  # content_hash of the record as the community holds it (case, certificate)
