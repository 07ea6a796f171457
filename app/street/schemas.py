"""The wire format of protocol v2 (docs/SYNC.md) as pydantic models: what the routes accept and
answer, and what the OpenAPI document at /openapi.json describes. The validators hold what comes
in to the limits of app.street.limits, so a malformed request is a 422 before anything is read
from or written to the database."""

from __future__ import annotations

import uuid as uuidlib
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from app.services.sync.life_types import REGISTRY
from app.street.limits import MAX_KEYS, MAX_RECORDS, MAX_SAFE_INTEGER, MAX_VERSION, breach, key_text

# Cases, events and certificates; and the up-only records of community life (app.street.life).
RecordType = Literal[("case", "case_event", "certificate", *REGISTRY)]  # type: ignore[valid-type]


def _key(value: str) -> str:
    if (why := key_text(value)) is not None:
        raise ValueError(why)
    return value


class Record(BaseModel):
    type: RecordType
    uuid: str = Field(min_length=1, max_length=36)
    version: int = Field(
        ge=0,
        le=MAX_VERSION,
        description="pushed: the server version the change is based on (0: new); pulled: the server's",
    )
    origin_community: str = Field(min_length=1, max_length=15)
    data: dict[str, Any] = Field(description="the record's columns; a case_event's include case_uuid")

    _uuid = field_validator("uuid")(_key)

    @field_validator("data")
    @classmethod
    def _within_limits(cls, data: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        # NUL and lone surrogates inside data are left to the push, which refuses such a record
        # on its own (docs/SYNC.md); only an event's case_uuid is looked up before that.
        if (why := breach(data)) is not None:
            raise ValueError(why)
        case_uuid = data.get("case_uuid")
        is_key = info.data.get("type") == "case_event" and isinstance(case_uuid, str)
        if is_key and (why := key_text(case_uuid)) is not None:
            raise ValueError(f"case_uuid {why}")
        return data


class PushRequest(BaseModel):
    batch_id: uuidlib.UUID
    records: list[Record] = Field(description=f"at most {MAX_RECORDS} records (more: 413)")


class RecordKey(BaseModel):
    type: RecordType
    uuid: str = Field(min_length=1, max_length=36)
    # Up to what JSON holds exactly: a desk may ask about a version the server itself raised.
    version: int = Field(ge=0, le=MAX_SAFE_INTEGER)
    hash: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{64}$", description="the content hash (cases, certificates)"
    )

    _uuid = field_validator("uuid")(_key)


class KnownRequest(BaseModel):
    records: list[RecordKey] = Field(description=f"at most {MAX_KEYS} records (more: 413)")


class KnownKey(BaseModel):
    type: RecordType
    uuid: str
    version: int = Field(description="as asked")
    server_version: int = Field(description="the version the server holds that content at")


class KnownResponse(BaseModel):
    known: list[KnownKey] = Field(description="those the server holds as this community sent them")
    server_time: str


# The push body's schema for the OpenAPI document (the endpoint parses the body itself); Record is
# among the document's components through the pull and answer responses.
PUSH_SCHEMA = {
    key: value
    for key, value in PushRequest.model_json_schema(ref_template="#/components/schemas/{model}").items()
    if key != "$defs"
}


class RecordResult(BaseModel):
    uuid: str
    type: str
    status: Literal["applied", "unchanged", "stale", "rejected"]
    server_version: int | None
    reason: str
    refusal: Literal["not_owner"] | None = Field(
        default=None,
        description="rejected: not_owner when the case is handled by another community now; "
        "the step will never be taken, and record holds the case as the server has it",
    )
    record: Record | None = Field(
        default=None,
        description="stale: the server's copy, to rebase on; rejected as not_owner: the case",
    )


class PushResponse(BaseModel):
    batch_id: str
    server_time: str
    first_change: int = Field(description="the first change number this batch took (0: none)")
    receipt: int = Field(description="the last change number this batch took (0: none)")
    results: list[RecordResult]


class PullResponse(BaseModel):
    records: list[Record]
    cursor: int
    more: bool
    server_time: str


class AnswerRequest(BaseModel):
    status: Literal["in_progress", "completed"]
    note: str = Field(max_length=2000, pattern=r"^[^\x00]*$")
    owner_community: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{1,15}$",
        description="transfer the case to this community (一体通办)",
    )


class AnswerResponse(BaseModel):
    case: Record
    event: Record


class Health(BaseModel):
    status: str
    database: str
