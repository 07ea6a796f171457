"""The street server's HTTP API (FastAPI): sync for the communities, answers and views for the
street office. ``create_app(db_url)`` builds it; docs/SYNC.md describes the protocol.

Logs: one JSON line per request (method, path, status, community, duration) and never a body,
a query string or an exception's text (they may hold personal data).
"""

import base64
import binascii
import datetime as dt
import html
import json
import logging
import sys
import time
import uuid as uuidlib
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, ValidationError
from pydantic_core import to_json
from sqlalchemy import text

from app import __version__
from app.services.cases.workflow import STATUSES
from app.street import admin, receive, store
from app.street.admin import Caller, authenticate

MAX_BODY_BYTES = 5 * 1024 * 1024
access_log = logging.getLogger("yichuang.street.access")

STATUS_LABELS = STATUSES  # the same names the desks show


# --- schemas (the wire format of protocol v1) ------------------------------------------------------


class Record(BaseModel):
    type: Literal["case", "case_event", "certificate"]
    uuid: str = Field(min_length=1, max_length=36)
    version: int = Field(ge=1, le=2**53)
    origin_community: str = Field(min_length=1, max_length=15)
    data: dict[str, Any] = Field(description="the record's columns; a case_event's include case_uuid")


class PushRequest(BaseModel):
    batch_id: uuidlib.UUID
    records: list[Record] = Field(description=f"at most {store.MAX_RECORDS} records (more: 413)")


class RecordKey(BaseModel):
    type: Literal["case", "case_event", "certificate"]
    uuid: str = Field(min_length=1, max_length=36)
    version: int = Field(ge=1, le=2**53)


class KnownRequest(BaseModel):
    records: list[RecordKey] = Field(description=f"at most {receive.MAX_KEYS} records (more: 413)")


class KnownResponse(BaseModel):
    known: list[RecordKey] = Field(description="those the server holds as this community sent them")
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


class PushResponse(BaseModel):
    batch_id: str
    server_time: str
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


# --- middleware: size limit, access log, no tracebacks with data --------------------------------------


class _TooLarge(Exception):
    pass


class GuardMiddleware:
    """Refuses bodies over ``max_body`` bytes with 413 (by Content-Length, or while reading a
    chunked body), writes the access log line, and turns any unexpected error into a plain 500."""

    def __init__(self, app, max_body: int = MAX_BODY_BYTES):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started, status, begin = False, 500, time.perf_counter()

        async def send_wrapper(message):
            nonlocal started, status
            if message["type"] == "http.response.start":
                started, status = True, message["status"]
            await send(message)

        async def reply(code: int, detail: str):
            body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
            await send_wrapper(
                {
                    "type": "http.response.start",
                    "status": code,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send_wrapper({"type": "http.response.body", "body": body})

        received = 0

        async def receive_wrapper():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge
            return message

        try:
            length = dict(scope["headers"]).get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body):
                await reply(413, f"请求体超过 {self.max_body} 字节")
            else:
                await self.app(scope, receive_wrapper, send_wrapper)
        except _TooLarge:
            if not started:
                await reply(413, f"请求体超过 {self.max_body} 字节")
        except Exception as exc:  # noqa: BLE001 — the text of a database error may hold personal data
            access_log.error(
                json.dumps({"event": "error", "path": scope["path"], "error": type(exc).__name__})
            )
            if not started:
                await reply(500, "服务器内部错误")
        finally:
            access_log.info(
                json.dumps(
                    {
                        "time": store.now_iso(),
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "community": scope.get("state", {}).get("community"),
                        "duration_ms": round((time.perf_counter() - begin) * 1000, 1),
                    },
                    ensure_ascii=False,
                )
            )


def _ensure_log_handler() -> None:
    if not any(getattr(h, "_yichuang_street", False) for h in access_log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._yichuang_street = True  # type: ignore[attr-defined]
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)


# --- the application ---------------------------------------------------------------------------------


def create_app(
    db_url: str,
    *,
    migrate: bool = True,
    max_body: int = MAX_BODY_BYTES,
    today: Callable[[], dt.date] = dt.date.today,
) -> FastAPI:
    """The street server on ``db_url``; with ``migrate`` the schema is created or upgraded first."""
    sessions = store.open_store(db_url, migrate=migrate)
    _ensure_log_handler()
    app = FastAPI(
        title="yichuang street-office server",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        description="Sync protocol v1 between community desks and the street office; see docs/SYNC.md.",
    )
    app.add_middleware(GuardMiddleware, max_body=max_body)
    app.state.sessions = sessions
    bearer = HTTPBearer(auto_error=False, description="the community's or street office's API key")

    def caller(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
    ) -> Caller:
        key = (
            credentials.credentials
            if credentials
            else _basic_password(request.headers.get("authorization", ""))
        )
        found = authenticate(sessions, key) if key else None
        if found is None:
            raise HTTPException(
                401,
                "缺少或错误的 API 密钥",
                headers={"WWW-Authenticate": 'Bearer, Basic realm="yichuang street"'},
            )
        request.state.community = found.code
        return found

    def community(who: Annotated[Caller, Depends(caller)]) -> Caller:
        if who.role != "community":
            raise HTTPException(403, "只有社区的密钥可以同步")
        return who

    def street(who: Annotated[Caller, Depends(caller)]) -> Caller:
        if who.role != "street":
            raise HTTPException(403, "只有街道办事处的密钥可以访问")
        return who

    @app.exception_handler(RequestValidationError)
    def invalid_request(_request: Request, exc: RequestValidationError):
        # FastAPI's shape without the offending input: it may hold personal data, or text that
        # cannot be written as UTF-8 (a lone surrogate), which would turn a 422 into a 500.
        errors = [{k: v for k, v in error.items() if k != "input"} for error in exc.errors()]
        return Response(json.dumps({"detail": jsonable_encoder(errors)}), 422, media_type="application/json")

    @app.exception_handler(store.StoreError)
    def store_error(_request: Request, exc: store.StoreError):
        return JSONResponse({"detail": str(exc)}, status_code=exc.status_code)

    @app.get("/health", response_model=Health, tags=["ops"])
    def health():
        try:
            with sessions() as session:
                session.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return {"status": "ok", "database": "ok"}

    @app.post(
        "/api/v1/push",
        response_model=PushResponse,
        tags=["sync"],
        responses={413: {"description": "body over 5 MB or more than 1000 records"}},
        openapi_extra={
            "requestBody": {"required": True, "content": {"application/json": {"schema": PUSH_SCHEMA}}}
        },
    )
    async def push(request: Request, who: Annotated[Caller, Depends(community)]):
        body = _push_body(await request.body())
        if len(body.records) > store.MAX_RECORDS:
            raise HTTPException(413, f"一批最多 {store.MAX_RECORDS} 条记录")
        records = [dict(r) for r in body.records]  # shallow: no copy of each record's data
        results = await run_in_threadpool(receive.push, sessions, who.code, str(body.batch_id), records)
        # Built by the store in the documented shape: sent as is (no second validation of 1000 results).
        payload = {"batch_id": str(body.batch_id), "server_time": store.now_iso(), "results": results}
        return Response(to_json(payload), media_type="application/json")

    @app.post(
        "/api/v1/known",
        response_model=KnownResponse,
        tags=["sync"],
        responses={413: {"description": f"more than {receive.MAX_KEYS} records"}},
    )
    def known(body: KnownRequest, who: Annotated[Caller, Depends(community)]):
        if len(body.records) > receive.MAX_KEYS:
            raise HTTPException(413, f"一次最多询问 {receive.MAX_KEYS} 条记录")
        keys = [dict(k) for k in body.records]
        payload = {"known": receive.known(sessions, who.code, keys), "server_time": store.now_iso()}
        return Response(to_json(payload), media_type="application/json")  # built in the documented shape

    @app.get("/api/v1/pull", response_model=PullResponse, tags=["sync"])
    def pull(
        who: Annotated[Caller, Depends(community)],
        cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=store.MAX_RECORDS)] = 500,
    ):
        return store.pull(sessions, who.code, cursor, limit)

    @app.post("/api/v1/street/cases/{case_uuid}/answer", response_model=AnswerResponse, tags=["street"])
    def answer(
        body: AnswerRequest,
        case_uuid: Annotated[str, Path(pattern=r"^[0-9A-Za-z-]{1,36}$")],
        _who: Annotated[Caller, Depends(street)],
    ):
        return store.answer(sessions, case_uuid, body.status, body.note, body.owner_community)

    @app.get("/api/v1/street/summary", tags=["street"])
    def summary(_who: Annotated[Caller, Depends(street)]) -> dict:
        return admin.summary(sessions, today())

    @app.get("/street", response_class=HTMLResponse, tags=["street"])
    def street_page(_who: Annotated[Caller, Depends(street)]):
        return render_page(admin.summary(sessions, today()), admin.list_cases(sessions))

    return app


def _push_body(raw: bytes) -> PushRequest:
    """The push body, parsed and checked in one step by pydantic-core rather than json.loads,
    validation and model_dump: a push of 500 records is the server's most common request.
    JSON that pydantic-core refuses but Python's reader takes (a lone surrogate escape) goes the
    slow way, so such a record is refused on its own in the answer, not with its whole batch."""
    try:
        return PushRequest.model_validate_json(raw)
    except ValidationError as exc:
        if not any(error["type"] == "json_invalid" for error in exc.errors()):
            raise _invalid(exc) from None
    try:
        data = json.loads(raw)
    except ValueError:
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error", "input": {}}]
        ) from None
    try:
        return PushRequest.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc) from None


def _invalid(exc: ValidationError) -> RequestValidationError:
    """FastAPI's own shape: locations start at "body"."""
    return RequestValidationError(
        [dict(error, loc=("body", *error["loc"])) for error in exc.errors(include_url=False)]
    )


def _basic_password(header: str) -> str:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return ""
    try:
        return base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""


def _label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def render_page(summary: dict, cases: list) -> str:
    """The street office's read-only overview, server-rendered (no script)."""
    e = html.escape
    statuses = sorted(
        {s for c in summary["communities"] for s in c["counts"]},
        key=lambda s: list(STATUS_LABELS).index(s) if s in STATUS_LABELS else 99,
    )
    head = "".join(f"<th>{e(_label(s))}</th>" for s in statuses)
    rows = "".join(
        f"<tr><td>{e(c['code'])}</td><td>{e(c['name'])}</td>"
        + "".join(f"<td>{c['counts'].get(s, 0)}</td>" for s in statuses)
        + f"<td>{c['total']}</td></tr>"
        for c in summary["communities"]
    )
    overdue = (
        "".join(
            f"<tr><td>{e(o['case_no'])}</td><td>{e(o['origin_community'])}</td><td>{e(o['item_name'])}</td>"
            f"<td>{e(o['due_date'])}</td><td>{o['days_overdue']}</td></tr>"
            for o in summary["overdue"]
        )
        or '<tr><td colspan="5">无</td></tr>'
    )
    listing = "".join(
        f"<tr><td>{e(c.case_no)}</td><td>{e(c.origin_community)}</td><td>{e(c.owner_community)}</td>"
        f"<td>{e(str(c.data.get('item_name', '')))}</td><td>{e(_label(c.status))}</td>"
        f"<td>{e(c.due_date.isoformat() if c.due_date else '')}</td><td>{c.version}</td></tr>"
        for c in cases
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>街道办件总览</title>
<style>body{{font-family:sans-serif;margin:1.5em}}table{{border-collapse:collapse;margin-bottom:1.5em}}
td,th{{border:1px solid #999;padding:.25em .6em;text-align:left}}th{{background:#eee}}.late td{{color:#a00}}</style>
</head><body>
<h1>街道办件总览</h1><p>日期：{e(summary["today"])}（只读）</p>
<h2>各社区办件数</h2>
<table><tr><th>社区代码</th><th>社区</th>{head}<th>合计</th></tr>{rows}</table>
<h2>逾期未答复的上报办件（{len(summary["overdue"])} 件）</h2>
<table class="late"><tr><th>办件编号</th><th>社区</th><th>事项</th><th>办结期限</th><th>逾期天数</th></tr>{overdue}</table>
<h2>全部办件（{len(cases)} 件）</h2>
<table><tr><th>办件编号</th><th>受理社区</th><th>现办理方</th><th>事项</th><th>状态</th><th>办结期限</th><th>版本</th></tr>
{listing}</table>
</body></html>"""
