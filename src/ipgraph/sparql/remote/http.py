"""The one HTTP client of remote stores (httpx): credentials, a deadline per request, redirects, errors.

Each request has one deadline for the whole exchange (connecting, sending, and reading the whole
answer): a store that trickles its answer a byte at a time cannot hold a command past it. Requests
run on an anyio event loop so that the deadline can cancel them wherever they wait.

Credentials come from ``IPGRAPH_ENDPOINT_USER`` / ``IPGRAPH_ENDPOINT_PASSWORD``
(``IPGRAPH_ENDPOINT_AUTH=basic|digest``, default basic) or a netrc file
(``$NETRC`` or ``~/.netrc``), never from the command line. They are sent to the store's own
origin only: a redirect to another origin is refused when there are credentials to send
(followed without them otherwise).
"""

from __future__ import annotations

import contextlib
import functools
import netrc
import os
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx

from ipgraph.errors import StoreError

AGENT = "ipgraph (httpx)"
MAX_REDIRECTS = 5
MAX_DETAIL = 500  # characters of a store's error message that are shown


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str
    scheme: str = "basic"  # or "digest"


def credentials_for(url: str) -> Credentials | None:
    """Credentials for a URL: from the environment, else the netrc file's entry for its host."""
    scheme = os.environ.get("IPGRAPH_ENDPOINT_AUTH", "basic").strip().lower()
    if scheme not in ("basic", "digest"):
        raise StoreError(f"IPGRAPH_ENDPOINT_AUTH={scheme!r}: use basic or digest")
    user = os.environ.get("IPGRAPH_ENDPOINT_USER")
    if user:
        return Credentials(user, os.environ.get("IPGRAPH_ENDPOINT_PASSWORD", ""), scheme)
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except netrc.NetrcParseError as exc:
        raise StoreError(f"{exc.filename}:{exc.lineno}: cannot read netrc file: {exc.msg}") from None
    return Credentials(entry[0], entry[2] or "", scheme) if entry else None


def _auth(url: str) -> httpx.Auth | None:
    creds = credentials_for(url)
    if creds is None:
        return None
    if creds.scheme == "digest":
        return httpx.DigestAuth(creds.user, creds.password)
    return httpx.BasicAuth(creds.user, creds.password)


def printable(text: str, limit: int = MAX_DETAIL) -> str:
    """A store's text for a message: whitespace runs as one space, control characters (terminal
    escape sequences) as ``\\xNN``, at most ``limit`` characters."""
    text = " ".join(text.split())[:limit]
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def request(method: str, url: str, timeout: float, what: str = "request", **kwargs: Any) -> bytes:
    """The body of a successful answer to one HTTP request, all of it within ``timeout`` seconds.

    ``what`` is "query" for SPARQL queries (a 400 answer is then a malformed query)."""
    try:
        return anyio.run(functools.partial(_exchange, method, url, timeout, what, kwargs))
    except TimeoutError:
        raise StoreError(f"{url}: no answer within {timeout:g} s (timed out)") from None
    except httpx.ConnectError as exc:
        raise StoreError(f"{url}: cannot reach the store: {exc}") from None
    except (httpx.TransportError, ConnectionError) as exc:
        detail = str(exc) or type(exc).__name__
        raise StoreError(
            f"{url}: the connection was lost before the store answered (has it stopped?): {detail}"
        ) from None


async def _exchange(method: str, url: str, timeout: float, what: str, kwargs: dict[str, Any]) -> bytes:
    auth = _auth(url)
    origin = _origin(url)
    with anyio.fail_after(timeout):
        async with httpx.AsyncClient(timeout=timeout, headers={"User-Agent": AGENT}) as client:
            message = client.build_request(method, url, **kwargs)
            if isinstance(auth, httpx.DigestAuth) and kwargs.get("content"):
                await _challenge(client, url, auth)
            for _ in range(MAX_REDIRECTS + 1):
                response = await client.send(message, auth=auth if _origin(str(message.url)) == origin else None)
                if not response.is_redirect:
                    return _checked(url, response, what)
                message = _redirected(url, response, auth is not None, origin)
    raise StoreError(f"{url}: more than {MAX_REDIRECTS} redirects")


async def _challenge(client: httpx.AsyncClient, url: str, auth: httpx.DigestAuth) -> None:
    """Take the store's digest challenge with a request that has no body.

    The first request under digest authentication goes without credentials and is refused; a store
    may close the connection before it has read a large body (Virtuoso does), which loses the
    answer. With the challenge in hand, ``auth`` signs the real request on its first sending."""
    with contextlib.suppress(httpx.TransportError):
        await client.request("HEAD", url, auth=auth)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = httpx.URL(url)
    return parts.scheme, parts.host, parts.port


def _redirected(url: str, response: httpx.Response, with_credentials: bool, origin: tuple) -> httpx.Request:
    following = response.next_request
    if following is None:
        raise StoreError(f"{url}: HTTP {response.status_code} redirect without a Location")
    if with_credentials and _origin(str(following.url)) != origin:
        target = printable(str(following.url))
        raise StoreError(
            f"{url}: the store redirects to another origin ({target}); credentials are never sent to "
            "another origin, so the redirect is not followed (give that URL instead if you trust it)"
        )
    return following


def _checked(url: str, response: httpx.Response, what: str) -> bytes:
    if response.status_code < 400:
        return response.content
    detail = printable(response.content.decode("utf-8", "replace"))
    if response.status_code == 401:
        raise StoreError(f"{url}: authentication refused (set IPGRAPH_ENDPOINT_USER/PASSWORD or ~/.netrc)")
    if what == "query" and response.status_code == 400:
        raise StoreError(f"{url}: the store refused the query as malformed: {detail}")
    raise StoreError(f"{url}: HTTP {response.status_code} {printable(response.reason_phrase)}: {detail}")
