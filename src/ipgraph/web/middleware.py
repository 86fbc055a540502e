"""ASGI middleware of the app: request size limits, applied before any route sees the request."""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ipgraph.web.connections import headers_too_large


class RequestLimits:
    """Refuse oversize requests; read each body whole, up to ``max_body`` bytes, before the app.

    A request line and headers over ``max_header`` bytes are answered 431 (when they arrive
    in pieces, the connection guard does the same: ``ipgraph.web.connections``). A larger body (by its
    Content-Length, or as it arrives when chunked) is answered 413 at once and the
    connection closed; a client that goes away mid-body gets no answer.
    """

    def __init__(self, app: ASGIApp, max_body: int, max_header: int):
        self.app = app
        self.max_body = max_body
        self.max_header = max_header

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _head_size(scope) > self.max_header:
            text = headers_too_large(self.max_header)
            await PlainTextResponse(text, status_code=431, headers={"Connection": "close"})(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_body:
            await self._too_large(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body:
                await self._too_large(scope, receive, send)
                return
            if not message.get("more_body"):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request body is larger than {self.max_body} bytes, this server's limit\n"
        response = PlainTextResponse(message, status_code=413, headers={"Connection": "close"})
        await response(scope, receive, send)


def _head_size(scope: Scope) -> int:
    """Bytes of the request line and headers, about as sent."""
    line = len(scope["method"]) + len(scope["raw_path"]) + len(scope["query_string"]) + 12
    return line + sum(len(name) + len(value) + 4 for name, value in scope["headers"])


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body already read, then whatever the connection says next."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
