"""The Open311 routes under ``/open311/v2/``; every path ends in ``.xml`` or ``.json``.

The query string and the form body are read here as plain text (no form parser is needed for
``application/x-www-form-urlencoded``), and every refusal is the spec's error document in the
asked format with its HTTP status: 400 bad input, 403 a missing or wrong ``api_key``, 404 an
unknown service, request, token or format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy.orm import Session, sessionmaker

from app.models.base import utcnow
from app.street.open311 import catalogue, documents, filing, reading
from app.street.open311.filing import Open311Error

PREFIX = "/open311/v2"
CHANGESET = "2026-12-05T00:00:00+08:00"
_TAGS = ["open311"]
_NAMES = {"services": "service_code", "requests": "service_request_id", "tokens": "token"}


def _split(name: str) -> tuple[str, str]:
    stem, dot, fmt = name.rpartition(".")
    if not dot or fmt not in documents.FORMATS:
        raise Open311Error(404, "地址须以 .xml 或 .json 结尾")
    return stem, fmt


def _answer(name: str, make: Callable[[str, str], Response]) -> Response:
    fmt = name.rpartition(".")[2]
    try:
        stem, fmt = _split(name)
        return make(stem, fmt)
    except Open311Error as exc:
        return documents.error(fmt, exc.status, exc.description)


def add_routes(
    app: FastAPI, sessions: sessionmaker[Session], now: Callable[[], dt.datetime] = utcnow
) -> None:
    """Put the Open311 endpoints on ``app`` (no key is needed to read; ``api_key`` to file)."""

    @app.get(PREFIX + "/{name}", tags=_TAGS, response_class=Response)
    def read(name: str, request: Request) -> Response:
        query = dict(request.query_params)

        def make(stem: str, fmt: str) -> Response:
            if stem == "discovery":
                return documents.discovery(fmt, str(request.base_url).rstrip("/"), CHANGESET)
            if stem == "services":
                return documents.services(fmt, catalogue.services())
            if stem == "requests":
                found = reading.find_requests(sessions, reading.parse_filters(query), now())
                return documents.requests(fmt, found)
            raise Open311Error(404, "没有这个地址")

        return _answer(name, make)

    @app.get(PREFIX + "/{kind}/{name}", tags=_TAGS, response_class=Response)
    def read_one(kind: str, name: str) -> Response:
        def make(stem: str, fmt: str) -> Response:
            reading.plain(stem, _NAMES.get(kind, kind))
            if kind == "services":
                service = catalogue.find(stem)
                if service is None:
                    raise Open311Error(404, "没有这个服务代码")
                attributes = catalogue.attributes(reading.community_choices(sessions))
                return documents.definition(fmt, service, attributes)
            if kind == "requests":
                return documents.requests(fmt, [reading.one_request(sessions, stem)])
            if kind == "tokens":
                return documents.token(fmt, *reading.by_token(sessions, stem))
            raise Open311Error(404, "没有这个地址")

        return _answer(name, make)

    @app.post(PREFIX + "/{name}", tags=_TAGS, response_class=Response)
    async def create(name: str, request: Request) -> Response:
        body = await request.body()
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=100)
        except (UnicodeDecodeError, ValueError):
            pairs = None

        async def make_async(stem: str, fmt: str) -> Response:
            if stem != "requests":
                raise Open311Error(404, "没有这个地址")
            if pairs is None:
                raise Open311Error(400, "请求体须为 UTF-8 的 application/x-www-form-urlencoded 表单")
            if any("\x00" in key + value for key, value in pairs):
                raise Open311Error(400, "表单中不能有空字符")
            form = dict(pairs)
            answer = await run_in_threadpool(filing.file_request, sessions, form, now())
            return documents.filed(fmt, answer)

        fmt = name.rpartition(".")[2]
        try:
            stem, fmt = _split(name)
            return await make_async(stem, fmt)
        except Open311Error as exc:
            return documents.error(fmt, exc.status, exc.description)
