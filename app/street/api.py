"""The street server's HTTP API (FastAPI): sync for the communities, answers and views for the
street office. ``create_app(db_url)`` builds it; docs/SYNC.md describes the protocol. The wire
format is in app.street.schemas, the guard every request passes in app.street.middleware, and the
street office's page in app.street.page, the limits in app.street.limits.

No request is answered 500 for what it holds: a malformed one is refused (4xx) before it reaches
the database, and whatever is stored can be written in every later answer (docs/SYNC.md, Limits).
"""

import base64
import binascii
import datetime as dt
import json
import os
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from pydantic_core import to_json
from sqlalchemy import text

from app import __version__
from app.street import admin, receive, store
from app.street.admin import Caller, authenticate
from app.street.incoming import AskedKey, Incoming
from app.street.limits import MAX_BODY_BYTES, MAX_KEYS, MAX_RECORDS, MAX_SAFE_INTEGER, unservable
from app.street.middleware import GuardMiddleware, access_log, ensure_log_handler
from app.street.models import StreetCase
from app.street.office.routes import add_routes as add_office_routes
from app.street.open311.routes import add_routes as add_open311_routes
from app.street.page import render_page
from app.street.schemas import (
    PUSH_SCHEMA,
    AnswerRequest,
    AnswerResponse,
    Health,
    KnownRequest,
    KnownResponse,
    PullResponse,
    PushRequest,
    PushResponse,
)
from app.street.stats_routes import add_routes as add_stats_routes

COOKIE_SECURE_ENV = "YICHUANG_STREET_COOKIE_SECURE"

# --- the application ---------------------------------------------------------------------------------


def create_app(
    db_url: str,
    *,
    migrate: bool = True,
    max_body: int = MAX_BODY_BYTES,
    today: Callable[[], dt.date] = dt.date.today,
    cookie_secure: bool | None = None,
) -> FastAPI:
    """The street server on ``db_url``; with ``migrate`` the schema is created or upgraded first.
    ``cookie_secure`` marks the street office's session cookie Secure (default: on, unless
    ``$YICHUANG_STREET_COOKIE_SECURE`` is 0; see docs/STREET.md)."""
    sessions = store.open_store(db_url, migrate=migrate)
    ensure_log_handler()
    app = FastAPI(
        title="yichuang street-office server",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        description="Sync protocol v2 between community desks and the street office; see docs/SYNC.md.",
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
        errors = [_without_input(error) for error in exc.errors()]
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
        if len(body.records) > MAX_RECORDS:
            raise HTTPException(413, f"一批最多 {MAX_RECORDS} 条记录")
        records = [Incoming(r.type, r.uuid, r.version, r.origin_community, r.data) for r in body.records]
        results, (first, receipt) = await run_in_threadpool(
            receive.push, sessions, who.code, str(body.batch_id), records
        )
        # Built by the store in the documented shape: sent as is (no second validation of 1000 results).
        payload = {
            "batch_id": str(body.batch_id),
            "server_time": store.now_iso(),
            "first_change": first,
            "receipt": receipt,
            "results": results,
        }
        return Response(to_json(payload), media_type="application/json")

    @app.post(
        "/api/v1/known",
        response_model=KnownResponse,
        tags=["sync"],
        responses={413: {"description": f"more than {MAX_KEYS} records"}},
    )
    def known(body: KnownRequest, who: Annotated[Caller, Depends(community)]):
        if len(body.records) > MAX_KEYS:
            raise HTTPException(413, f"一次最多询问 {MAX_KEYS} 条记录")
        keys = [AskedKey(k.type, k.uuid, k.version, k.hash or "") for k in body.records]
        payload = {"known": receive.known(sessions, who.code, keys), "server_time": store.now_iso()}
        return Response(to_json(payload), media_type="application/json")  # built in the documented shape

    @app.get("/api/v1/pull", response_model=PullResponse, tags=["sync"])
    def pull(
        who: Annotated[Caller, Depends(community)],
        cursor: Annotated[int, Query(ge=0, le=MAX_SAFE_INTEGER)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_RECORDS)] = 500,
        own_since: Annotated[int | None, Query(ge=0, le=MAX_SAFE_INTEGER)] = None,
        own_before: Annotated[int | None, Query(ge=1, le=MAX_SAFE_INTEGER)] = None,
    ):
        page = store.pull(sessions, who.code, cursor, limit, own_since, own_before)
        page["records"] = [record for record in page["records"] if _servable(record, who.code)]
        return Response(to_json(page), media_type="application/json")  # each record checked above

    @app.post("/api/v1/street/cases/{case_uuid}/answer", response_model=AnswerResponse, tags=["street"])
    def answer(
        body: AnswerRequest,
        case_uuid: Annotated[str, Path(pattern=r"^[0-9A-Za-z-]{1,36}$")],
        _who: Annotated[Caller, Depends(street)],
    ):
        # Checked before the answer is written, not after: an answer must never be committed and
        # then fail to be sent. Only a row stored before the limits can fail this; a push that
        # changes the case meanwhile is held to the limits, so the check still holds at commit.
        with sessions() as session:
            row = session.get(StreetCase, case_uuid)
            why = None if row is None else unservable(dict(store.case_record(row), version=row.version + 1))
        if why is not None:
            raise HTTPException(409, f"该办件在服务器上的记录超出限制（{why}），无法答复")
        answered = store.answer(sessions, case_uuid, body.status, body.note, body.owner_community)
        return Response(to_json(answered), media_type="application/json")

    @app.get("/api/v1/street/summary", tags=["street"])
    def summary(_who: Annotated[Caller, Depends(street)]) -> dict:
        return admin.summary(sessions, today())

    @app.get("/street", response_class=HTMLResponse, tags=["street"])
    def street_page(_who: Annotated[Caller, Depends(street)]):
        return render_page(admin.summary(sessions, today()), admin.list_cases(sessions))

    add_open311_routes(app, sessions)  # docs/OPEN311.md
    add_stats_routes(app, sessions, community=community, street=street, today=today)  # docs/REPORTS.md
    if cookie_secure is None:
        cookie_secure = os.environ.get(COOKIE_SECURE_ENV, "1").strip() not in ("0", "false", "no", "off")
    add_office_routes(app, sessions, today=today, cookie_secure=cookie_secure)  # docs/STREET.md
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


def _servable(record: dict, community: str) -> bool:
    """Whether a pulled record can travel. One that cannot (stored before the limits) is left
    out with a log line naming it, never its data, and the cursor passes it: it must not stop
    every later pull of the community."""
    why = unservable(record)
    if why is not None:
        access_log.warning(
            json.dumps(
                {
                    "event": "skipped",
                    "community": community,
                    "type": record["type"],
                    "uuid": record["uuid"],
                    "reason": why,
                },
                ensure_ascii=False,
            )
        )
    return why is None


def _without_input(error: dict) -> dict:
    """A validation error without the input, nor the exception object pydantic keeps in ctx."""
    kept = {k: v for k, v in error.items() if k not in ("input", "url")}
    ctx = {k: v for k, v in kept.pop("ctx", {}).items() if not isinstance(v, Exception)}
    return dict(kept, ctx=ctx) if ctx else kept


def _basic_password(header: str) -> str:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return ""
    try:
        return base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""
