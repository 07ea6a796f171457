"""A loopback TCP proxy between the desks and the street server that breaks requests the way a
bad network does: refused connections, a request cut before its end, a reply cut before its end
(the server committed, the desk never learns it), a request or reply stalled past the client's
timeout, a request delivered late, after the client gave up, and the server killed with kill -9
while a push is in flight.

One connection carries one request: the clients the fault test makes keep no connection alive,
and the proxy asks the server to close after its reply, so a fault hits exactly one request and
the reply is whatever the server wrote before closing. Which fault hits which request is drawn
from the seeded ``random.Random`` in the order requests arrive; the desks send one request at a
time, so a seed gives the same draws for the same requests.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from random import Random

FAULTS = ("refuse", "cut_request", "cut_reply", "stall_request", "stall_reply", "late")
HEAD_LIMIT = 64 * 1024


@dataclass(frozen=True, slots=True)
class Fault:
    kind: str  # "pass", one of FAULTS, or "kill"
    fraction: float  # where a cut falls, as a share of the bytes; for a kill, under 0.5 is before the commit


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    head: bytes  # rewritten to ask the server to close after its reply
    body: bytes

    @property
    def raw(self) -> bytes:
        return self.head + self.body


class FaultyProxy:
    """Forwards 127.0.0.1:``port`` to 127.0.0.1:``target_port`` with faults at ``rate`` per
    request; ``heal()`` makes it a plain proxy."""

    def __init__(self, target_port: int, rng: Random, *, rate: float, stall_s: float):
        self.target_port = target_port
        self.rng = rng
        self.rate = rate
        self.stall_s = stall_s
        self.port = 0
        self.forced: deque[Fault] = deque()  # faults for the next requests, before any draw
        self.injected: Counter[str] = Counter()
        self.paths: Counter[str] = Counter()
        self._kill: tuple[str, Callable[[], None]] | None = None
        self._active = 0
        self._idle = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy", daemon=True)
        self._server: asyncio.base_events.Server | None = None

    # --- control, from the test's thread --------------------------------------------------------
    def start(self) -> int:
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0, limit=HEAD_LIMIT), self._loop
        )
        self._server = started.result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def heal(self) -> None:
        self.rate = 0.0
        self._kill = None

    def arm_kill(self, path: str, kill: Callable[[], None]) -> None:
        """The next request to ``path`` reaches the server, which is then killed before it can
        answer: as soon as the request is in (before its commit) or once it has replied (after)."""
        self._kill = (path, kill)

    def disarm(self) -> bool:
        """Whether an armed kill was never used."""
        armed, self._kill = self._kill is not None, None
        return armed

    def wait_idle(self, timeout: float) -> bool:
        """Until every connection is over (a late request delivered, a stall sat out)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._active == 0, timeout=timeout)

    # --- the proxy, on its own thread -----------------------------------------------------------
    def _draw(self, request: Request) -> Fault:
        if self.forced:
            return self.forced.popleft()
        if self._kill is not None and request.path.startswith(self._kill[0]):
            return Fault("kill", self.rng.random())
        if self.rate > 0 and self.rng.random() < self.rate:
            return Fault(self.rng.choice(FAULTS), self.rng.random())
        return Fault("pass", 0.0)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self._idle:
            self._active += 1
        try:
            request = await _read_request(reader)
            if request is not None:
                fault = self._draw(request)
                self.paths[request.path.split("?")[0]] += 1
                if fault.kind != "pass":
                    self.injected[fault.kind] += 1
                await self._serve(request, fault, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            pass
        finally:
            writer.close()
            with self._idle:
                self._active -= 1
                self._idle.notify_all()

    async def _serve(self, request: Request, fault: Fault, client: asyncio.StreamWriter) -> None:
        kind = fault.kind
        if kind == "refuse":
            return
        if kind == "stall_request":  # the client times out; the request never arrives
            await asyncio.sleep(self.stall_s)
            return
        if kind == "late":  # arrives after the client gave up; the answer goes nowhere
            await asyncio.sleep(self.stall_s)
            await self._exchange(request.raw)
            return
        if kind == "cut_request":
            cut = int(len(request.raw) * fault.fraction)
            await self._exchange(request.raw[: min(cut, len(request.raw) - 1)], answer=False)
            return
        if kind == "kill":  # before the server could commit, or after, its answer never sent
            await self._exchange(request.raw, kill="after" if fault.fraction >= 0.5 else "before")
            return
        reply = await self._exchange(request.raw)
        if kind == "stall_reply":
            await asyncio.sleep(self.stall_s)
        elif kind == "cut_reply":
            reply = reply[: int(len(reply) * fault.fraction)]
        client.write(reply)
        await client.drain()

    async def _exchange(self, raw: bytes, *, answer: bool = True, kill: str = "") -> bytes:
        """Send ``raw`` to the server and read its whole reply (b"" when the server dies). With
        ``kill``, the server is killed as soon as the request is sent ("before": it has not had
        the time to commit) or once its reply has come ("after": it committed, nobody learns it);
        a kill somewhere inside the transaction would make a seed's run depend on timing."""
        try:
            upstream_reader, upstream = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            return b""
        try:
            upstream.write(raw)
            await upstream.drain()
            reply = await upstream_reader.read() if answer and kill != "before" else b""
            if kill:
                armed, self._kill = self._kill, None
                if armed is not None:
                    await asyncio.get_running_loop().run_in_executor(None, armed[1])
                return b""
            return reply
        except (ConnectionError, OSError):
            return b""
        finally:
            upstream.close()


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    """One HTTP/1.1 request with its Content-Length body, its head asking the server to close."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head[:-4].split(b"\r\n")
    method, path, _ = lines[0].decode("latin-1").split(" ", 2)
    length = 0
    kept = [lines[0]]
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"connection":
            continue
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        kept.append(line)
    kept.append(b"Connection: close")
    body = await reader.readexactly(length) if length else b""
    return Request(method, path, b"\r\n".join(kept) + b"\r\n\r\n", body)
