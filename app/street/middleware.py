"""What every request of the street server passes through: the size limit, the access log, and no
traceback (nor any text of an error) in an answer.

Logs: one JSON line per request (method, path, status, community, duration) and never a body,
a query string or an exception's text (they may hold personal data).
"""

from __future__ import annotations

import json
import logging
import sys
import time

from app.street.store import now_iso

MAX_BODY_BYTES = 5 * 1024 * 1024
access_log = logging.getLogger("yichuang.street.access")


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


def ensure_log_handler() -> None:
    if not any(getattr(h, "_yichuang_street", False) for h in access_log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._yichuang_street = True  # type: ignore[attr-defined]
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
