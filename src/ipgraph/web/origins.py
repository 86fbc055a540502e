"""Requests from elsewhere: answer only the names the server was started with, and refuse
cross-origin POSTs.

A web page on another site can make a visitor's browser send requests to a server on the
visitor's machine: by a form POST (which needs no permission), or by a name of its own that it
points at 127.0.0.1 (DNS rebinding, which makes its page count as the same origin). Checking
``Host`` stops the second; refusing a POST whose ``Origin`` (or ``Sec-Fetch-Site``) says it comes
from another site stops the first. GET requests stay open to links from anywhere: a browser does
not let another site's page read their answers.
"""

from __future__ import annotations

import urllib.parse

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
EVERY_ADDRESS = {"0.0.0.0", "::", ""}


def host_names(host: str, extra: tuple[str, ...] = ()) -> set[str] | None:
    """The names requests to a server listening on ``host`` may use; None for any (all addresses)."""
    if host in EVERY_ADDRESS:
        return None
    names = set(LOOPBACK) if host in LOOPBACK else {host.lower()}
    return names | {name.lower() for name in extra}


def name_of(authority: str) -> str:
    """The host name of a ``Host`` header or URL authority, without its port or IPv6 brackets."""
    authority = authority.strip().lower()
    if authority.startswith("["):
        return authority[1:].split("]", 1)[0]
    return authority.rsplit(":", 1)[0] if authority.count(":") == 1 else authority


class SameOrigin:
    """ASGI middleware: 421 for a ``Host`` that is not one of ``names``; 403 for a cross-origin POST."""

    def __init__(self, app: ASGIApp, names: set[str] | None):
        self.app = app
        self.names = names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = self.refusal(scope)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> PlainTextResponse | None:
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if self.names is not None and name_of(host) not in self.names:
            shown = host.encode("ascii", "backslashreplace").decode("ascii")[:100]
            known = ", ".join(sorted(self.names))
            return PlainTextResponse(
                f"Host {shown!r} is not a name of this server ({known}); start it with --allowed-host to add one\n",
                status_code=421,
            )
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return None
        origin = headers.get("origin")
        site = headers.get("sec-fetch-site", "")
        foreign = site in ("cross-site", "same-site") or (
            origin is not None and urllib.parse.urlsplit(origin).netloc.lower() != host.lower()
        )
        if foreign:
            return PlainTextResponse(
                "a POST from another site's page is refused: this endpoint answers pages of its own origin, "
                "and other programs (which send no Origin header)\n",
                status_code=403,
            )
        return None
