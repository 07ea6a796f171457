"""What every request of the street server passes through: the limits at the door (the body's
size and JSON nesting, app.street.limits), the access log, and no traceback (nor any text of an
error) in an answer.

The body is read here, whole and capped, before any route sees it: an oversized body is 413
whether or not it said its length (a chunked one is cut off as soon as it passes the cap), and
one nested deeper than MAX_DEPTH is 422 before a parser could recurse into it.

Logs: one JSON line per request (method, path, status, community, duration) and never a body,
a query string or an exception's text (they may hold personal data).
"""

from __future__ import annotations

import json
import logging
import sys
import time

from starlette.concurrency import run_in_threadpool

from app.street.limits import MAX_BODY_BYTES, MAX_DEPTH, nesting
from app.street.store import now_iso

access_log = logging.getLogger("yichuang.street.access")


SCAN_IN_THREAD = 256 * 1024  # bodies larger than this are scanned off the event loop


class _Gone(Exception):
    """The client went away before its body was read: there is no one to answer."""


class _Refused(Exception):
    def __init__(self, status: int, detail: object):
        super().__init__(status)
        self.status, self.detail = status, detail


def too_deep(limit: int = MAX_DEPTH) -> list[dict]:
    """The refusal of a body nested too deep, in FastAPI's 422 shape."""
    return [{"type": "json_too_deep", "loc": ["body"], "msg": f"JSON 嵌套超过 {limit} 层"}]


class GuardMiddleware:
    """Reads each request's body with a cap of ``max_body`` bytes (413 beyond it), refuses JSON
    nested deeper than MAX_DEPTH (422), writes the access log line, and turns any unexpected
    error into a plain 500."""

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

        async def reply(code: int, detail: object):
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

        try:
            body = await self._body(scope, receive)
            replayed = False

            async def replay():
                nonlocal replayed
                if replayed:  # after the body: a disconnect, when the client goes
                    return await receive()
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}

            await self.app(scope, replay, send_wrapper)
        except _Refused as refused:
            await reply(refused.status, refused.detail)
        except _Gone:
            status = 499  # nginx's name for it: the client closed the request
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
                        "time": now_iso(),
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "community": scope.get("state", {}).get("community"),
                        "duration_ms": round((time.perf_counter() - begin) * 1000, 1),
                    },
                    ensure_ascii=False,
                )
            )

    async def _body(self, scope, receive) -> bytes:
        """The whole body, or _Refused: 413 past the cap, 422 when nested too deep."""
        too_large = _Refused(413, f"请求体超过 {self.max_body} 字节")
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            raise too_large
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise _Gone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        deepest = await run_in_threadpool(nesting, body) if size > SCAN_IN_THREAD else nesting(body)
        if deepest > MAX_DEPTH:
            raise _Refused(422, too_deep())
        return body


def ensure_log_handler() -> None:
    if not any(getattr(h, "_yichuang_street", False) for h in access_log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._yichuang_street = True  # type: ignore[attr-defined]
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
