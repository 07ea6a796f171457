"""The HTTP side of a sync round and what a round reports.

Nothing here raises past the round on a network, server or key problem: each becomes a
:class:`SyncFailure` whose message is the one plain sentence the desk's indicator shows.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

OFFLINE = "无法连接街道服务器，稍后自动重试"
TIMEOUT = "连接街道服务器超时，稍后自动重试"
BAD_KEY = "街道服务器不接受本社区的同步密钥，请检查同步设置"
DB_BUSY = "本机数据库正忙，稍后自动重试"
UNREADABLE = "街道服务器的回复无法识别"


class SyncFailure(Exception):
    """The round had to stop; the message is for the person at the desk."""


class Unanswered(SyncFailure):
    """No answer came (the network, a timeout, a 5xx): the server may or may not have done the
    work. A request the server answers the same way however often it arrives (a push under its
    own batch id) can be sent again; a wrong key or a refusal cannot."""


@dataclass
class SyncReport:
    pushed: int = 0
    applied: int = 0
    unchanged: int = 0
    stale: int = 0
    rejected: int = 0
    pulled: int = 0
    reports_sent: int = 0  # monthly reports the street office took (app.services.sync.monthly)
    held_back: int = 0  # records of types the server does not know yet, kept for a later round
    held_back_note: str = ""  # what the desk's status line says of them
    errors: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # changes the server's rule did not take
    server_time: str | None = None
    offline: bool = False  # the round stopped on a network, server or key problem

    @property
    def ok(self) -> bool:
        return not self.offline

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def note_server_time(self, body: dict[str, Any]) -> None:
        if body.get("server_time"):
            self.server_time = str(body["server_time"])


RESENDS = 2  # a request whose answer did not come is sent again this many times
RESEND_DELAY_S = 1.0  # before the first resend; doubled before each next one


class Transport:
    """A client's connection to one street server with one key; the push and the pull build on it."""

    resends: int = RESENDS
    resend_delay_s: float = RESEND_DELAY_S

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        server_url: str,
        api_key: str,
        *,
        http: httpx.Client | None = None,
        timeout: float = 30.0,
    ):
        self.sessions = session_factory
        self.server_url = server_url.strip().rstrip("/")
        self.api_key = api_key
        self.http = http if http is not None else httpx.Client(timeout=timeout)
        self._own_http = http is None

    def close(self) -> None:
        if self._own_http:
            self.http.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.api_key}", **kwargs.pop("headers", {})}
        try:
            response = self.http.request(method, f"{self.server_url}{path}", headers=headers, **kwargs)
        except httpx.TimeoutException as exc:
            raise Unanswered(TIMEOUT) from exc
        except (httpx.TransportError, OSError) as exc:
            log.warning("sync: %s", type(exc).__name__)
            raise Unanswered(OFFLINE) from exc
        if response.status_code in (401, 403):
            raise SyncFailure(BAD_KEY)
        if response.status_code >= 500:
            raise Unanswered(f"街道服务器暂时出错（HTTP {response.status_code}），稍后自动重试")
        return response

    def _again(
        self, method: str, path: str, stopping: threading.Event | None = None, **kwargs: Any
    ) -> httpx.Response:
        """A request the server answers the same however often it arrives (a push under its own
        batch id, the question ``known``, a pull page), sent again when no answer came: a
        connection cut by a busy server, a keep-alive connection it closed as the request left, a
        timeout, a 5xx. A wrong key or a refusal is not sent again, nor anything once ``stopping``
        is set (the round is ending)."""
        for attempt in range(self.resends + 1):
            try:
                return self._request(method, path, **kwargs)
            except Unanswered:
                delay = self.resend_delay_s * 2**attempt
                if attempt == self.resends or (stopping.wait(delay) if stopping else _sleep(delay)):
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 400:
            raise SyncFailure(f"街道服务器不接受请求（HTTP {response.status_code}）")
        try:
            body = response.json()
        except ValueError as exc:
            raise SyncFailure(UNREADABLE) from exc
        if not isinstance(body, dict):
            raise SyncFailure(UNREADABLE)
        return body


def _sleep(seconds: float) -> bool:
    time.sleep(seconds)
    return False  # not stopped
