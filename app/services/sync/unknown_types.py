"""Record types an older street server does not know yet.

A new type of community-life record (app.services.sync.life_types) reaches the desks with the
same release as the server that takes it, but the desks of a street are not all upgraded on the
day the server is. An older server refuses a whole request that names a type it does not know
(a 422 on ``records[i].type``), so one new record would stop every case from travelling. The push
and its ``known`` question read such a refusal, set the records of those types aside for the
round and send the rest; the records set aside wait in the outbox, not counted as refusals, and
travel in the first round after the server has been upgraded. Only up-only types are set aside
this way: cases, events and certificates every server knows, so a 422 about them stays the error
it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from app.services.sync.life_types import REGISTRY


def refused_types(response: httpx.Response, sent: Sequence[dict[str, Any]]) -> set[str] | None:
    """The types of the records ``sent`` that a 422 refuses for their type alone, when that is
    all it refuses and each is an up-only type; None for any other answer. The server leaves the
    offending value out of its answer (it may be personal data), so the type is read from the
    record at the position the error names."""
    if response.status_code != 422:
        return None
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return None
    if not isinstance(detail, list) or not detail:
        return None
    types: set[str] = set()
    for error in detail:
        where = error.get("loc") if isinstance(error, dict) else None
        if not (
            isinstance(where, list)
            and len(where) == 4
            and where[:2] == ["body", "records"]
            and where[3] == "type"
            and isinstance(where[2], int)
            and 0 <= where[2] < len(sent)
            and error.get("type") == "literal_error"
        ):
            return None
        types.add(str(sent[where[2]].get("type")))
    return types if types <= set(REGISTRY) else None


def held_back_note(types: set[str], count: int) -> str:
    """What the desk's sync status says of the records set aside."""
    names = "、".join(sorted(REGISTRY[t].label for t in types))
    return f"街道服务器版本较旧，暂不接收“{names}”记录（{count} 条）：已留在本机，服务器升级后自动上传"
