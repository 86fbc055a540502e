"""Connections that have not yet sent a whole request: deadlines, a head size limit, and room for new ones.

uvicorn closes idle keep-alive connections, but not a new connection that sends nothing, nor
one that sends its headers or body a byte at a time (slowloris); and its own connection cap
counts those idle sockets too, so a hundred of them would shut everyone out. Here each
connection's clock starts when it opens and again after each answer, and stops when its request
has arrived whole (``RequestClock`` says so from the ASGI side), so a long-running query is not
cut off. When ``connections`` are open, a new one makes room by closing the one that has waited
longest (over a second) for its request; only when none has is the new one turned away (503).

``GuardedProtocol`` wraps uvicorn's httptools protocol by composition, through the public
``asyncio.Protocol`` interface and uvicorn's ``http=`` option (a protocol class); it reads
nothing of the inner protocol's state.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, cast

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEAD_END = re.compile(rb"\r?\n\r?\n")
WAITING, READING, RUNNING = "waiting for a request", "reading a body", "running"
IDLE = 1.0  # seconds without a whole request before a connection may be closed to make room


def raw_answer(status: str, message: str) -> bytes:
    """A whole HTTP answer that closes the connection, for the guard to write itself."""
    body = message.encode("utf-8")
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Connection: close\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


def headers_too_large(max_header: int) -> str:
    return (
        f"the request line and headers are larger than {max_header} bytes, this server's limit; "
        "send a long query by POST\n"
    )


class Connections:
    """The open connections of one server, by client address, and the limits they are held to."""

    def __init__(self, request_timeout: float, max_header: int, cap: int):
        self.request_timeout = request_timeout
        self.max_header = max_header
        self.cap = cap
        self.open: dict[tuple[str, int], GuardedProtocol] = {}
        self.too_slow = raw_answer(
            "408 Request Timeout",
            f"the request did not arrive whole within {request_timeout:g} s, this server's limit\n",
        )
        self.too_large = raw_answer("431 Request Header Fields Too Large", headers_too_large(max_header))
        self.full = raw_answer(
            "503 Service Unavailable", f"the server has {cap} connections open and busy; try later\n"
        )

    def protocol(self, inner: type[asyncio.Protocol]) -> type[asyncio.Protocol]:
        """A protocol class for uvicorn's ``http=`` option: ``inner`` under these limits."""
        connections = self

        class Guarded(GuardedProtocol):
            def __init__(self, *args: Any, **kwargs: Any):
                super().__init__(connections, inner(*args, **kwargs))

        return Guarded

    def make_room(self, newcomer: GuardedProtocol) -> bool:
        """Close the connections that have waited longest for their request, while over the cap; whether
        there is room."""
        over = len(self.open) - self.cap
        if over <= 0:
            return True
        # A connection made a moment ago is not idle yet: its request may be on the way.
        idle_since = asyncio.get_running_loop().time() - min(IDLE, self.request_timeout / 2)
        waiting = sorted(
            (c for c in self.open.values() if c.state != RUNNING and c.since <= idle_since and c is not newcomer),
            key=_since,
        )
        for connection in waiting[:over]:
            connection.expire()
        return len(waiting) >= over

    def signal(self, scope: Scope, state: str) -> None:
        client = scope.get("client")
        guard = self.open.get((str(client[0]), int(client[1]))) if client else None
        if guard is not None:
            guard.enter(state)


def _since(connection: GuardedProtocol) -> float:
    return connection.since


class GuardedProtocol(asyncio.Protocol):
    """One connection: passes everything to the inner protocol, and holds the connection to its limits."""

    def __init__(self, connections: Connections, inner: asyncio.Protocol):
        self.connections = connections
        self.inner = inner
        self.transport: asyncio.Transport | None = None
        self.key: tuple[str, int] | None = None
        self.state = WAITING
        self.head = b""  # what arrived of the current request's head, while it is incomplete
        self.since = 0.0
        self.timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports are not asyncio's classes
        peer = transport.get_extra_info("peername")
        self.inner.connection_made(transport)
        if isinstance(peer, tuple):
            self.key = (str(peer[0]), int(peer[1]))
            self.connections.open[self.key] = self
        self.enter(WAITING)
        if not self.connections.make_room(self):
            self._close(self.connections.full)

    def data_received(self, data: bytes) -> None:
        if self.state == WAITING and not self._head_arrives(data):
            return
        self.inner.data_received(data)

    def _head_arrives(self, data: bytes) -> bool:
        """Watch the head grow: refuse it (431) once it passes the limit without ending; whether to go on."""
        self.head += data
        if HEAD_END.search(self.head, 0, self.connections.max_header + 4):
            self.state, self.head = READING, b""
            return True
        if len(self.head) > self.connections.max_header:
            self._close(self.connections.too_large)
            return False
        return True

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self._close(b"")
        self.inner.connection_lost(exc)

    def enter(self, state: str) -> None:
        """The request has arrived whole (RUNNING: the clock stops) or been answered (WAITING: it starts again)."""
        self._disarm()
        self.state, self.head = state, b""
        if state == WAITING and self.transport is not None and not self.transport.is_closing():
            loop = asyncio.get_running_loop()
            self.since = loop.time()
            self.timer = loop.call_later(self.connections.request_timeout, self.expire)

    def expire(self) -> None:
        """Close the connection; one still in its headers is told why."""
        self._close(self.connections.too_slow if self.state == WAITING else b"")

    def _close(self, answer: bytes) -> None:
        """Write ``answer`` (if any) and close; the connection no longer counts as open."""
        self._disarm()
        if self.key is not None and self.connections.open.get(self.key) is self:
            del self.connections.open[self.key]
        if self.transport is not None and not self.transport.is_closing():
            if answer:
                self.transport.write(answer)
            self.transport.close()

    def _disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


class RequestClock:
    """ASGI middleware telling ``Connections`` when a request has arrived whole and when it has been answered."""

    def __init__(self, app: ASGIApp, connections: Connections):
        self.app = app
        self.connections = connections

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def arriving() -> Message:
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body"):
                self.connections.signal(scope, RUNNING)
            return message

        async def answering(message: Message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.connections.signal(scope, WAITING)

        await self.app(scope, arriving, answering)
