"""``ipgraph serve``: the graph as a read-only SPARQL 1.1 Protocol endpoint, with a browser page.

Routes (all read-only):

- ``/sparql`` — SPARQL 1.1 Protocol: GET ``?query=``, POST form ``query=`` or an
  ``application/sparql-query`` body; results by content negotiation (or ``?format=``).
  Without a query it answers with its SPARQL service description.
- ``/queries.json`` — the named query library (titles, questions, parameters, columns).
- ``/queries/NAME.EXT?param=…`` — a named query's answer as a citable URL
  (EXT: json, xml, csv, tsv; ttl, nt, jsonld for graph results; ``rq`` for the query text).
- ``/`` — the query page (``static/``); ``/network`` — the department network view.

Updates (and so ``LOAD``) are refused (403), and so is ``SERVICE`` — a federated query
would make the server send requests to other hosts — unless explicitly allowed. Each query
has a time limit and a row limit (both configurable); hitting either gives an HTTP error
saying which (503, 422). Queries run in a child process that ``ipgraph.sparql.run`` stops at the
time limit, waited for in a worker thread so that the event loop keeps serving other
clients; at most ``workers`` run at a time. Requests are bounded too: a body over
``max_body`` bytes is refused (413), and a client must send its whole request (headers and
body) within ``request_timeout`` seconds of connecting, or of its previous answer, else the
connection is closed (slow or idle clients cannot hold connections open).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import anyio
import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ipgraph.errors import IpgraphError, QueryTimeout
from ipgraph.sparql.library import NamedQuery, library, parse_header, query_form
from ipgraph.sparql.results import Result, serialize_graph
from ipgraph.sparql.run import run_embedded
from ipgraph.sparql.store import EmbeddedStore
from ipgraph.sparql.text import masked_text

WEB_DIR = Path(__file__).resolve().parent / "static"

# media type → short format name, per kind of result; the first is the default.
TABULAR_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "jsonld",
}
MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples; charset=utf-8",
    "jsonld": "application/ld+json",
}
EXTENSIONS = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "ttl": "turtle", "nt": "nt", "jsonld": "jsonld"}
UPDATE_RE = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)
PROLOGUE_RE = re.compile(r"^(?:\s+|#[^\n]*\n|(?:PREFIX\s+[\w.-]*:\s*|BASE\s*)<[^>]*>)*", re.I)
# The SERVICE keyword, in query text whose comments, IRIs and strings are masked: not part of a
# variable (?service), a prefixed or local name (service:x, ex:service), a blank node label or a language tag.
SERVICE_RE = re.compile(r"(?<![\w?$:@-])SERVICE(?![\w:-])", re.I)
MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    timeout: float = 30.0  # seconds per query
    max_rows: int = 10_000  # rows (or triples) per answer
    workers: int = 2  # queries running at once
    max_body: int = MiB  # bytes of a request body
    request_timeout: float = 10.0  # seconds to send a whole request (headers and body)
    max_header: int = 64 * 1024  # bytes of the request line and headers (a GET query travels there)
    connections: int = 100  # open connections and running requests; more are answered 503
    allow_service: bool = False  # SERVICE (federated queries to other hosts)


class HttpError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# ---------------------------------------------------------------- running queries


class Engine:
    """Runs queries on the embedded store within the limits."""

    def __init__(self, store: EmbeddedStore, limits: Limits):
        self.store = store
        self.limits = limits
        self._slots: anyio.Semaphore | None = None  # made on first use, inside the event loop

    @property
    def slots(self) -> anyio.Semaphore:
        if self._slots is None:
            self._slots = anyio.Semaphore(self.limits.workers)
        return self._slots

    def _run(self, query: NamedQuery, params: dict[str, str]) -> Result:
        return run_embedded(self.store, query, params, self.limits.max_rows, timeout=self.limits.timeout)

    async def run(self, query: NamedQuery, params: dict[str, str] | None = None) -> Result:
        """Run in a worker thread (the event loop goes on serving), after waiting at most the time limit for a slot."""
        try:
            with anyio.fail_after(self.limits.timeout):
                await self.slots.acquire()
        except TimeoutError:
            raise HttpError(
                503, f"the server is busy: {self.limits.workers} queries are still running; try later"
            ) from None
        try:
            result = await anyio.to_thread.run_sync(self._run, query, params or {})
        except QueryTimeout as exc:
            raise HttpError(503, str(exc)) from None
        except IpgraphError as exc:
            raise HttpError(400, str(exc)) from None
        finally:
            self.slots.release()
        if result.truncated or (result.triples and result.triples.count("\n") > self.limits.max_rows):
            raise HttpError(
                422,
                f"the answer has more than {self.limits.max_rows} rows, the server's row limit; "
                "narrow the query or add a LIMIT",
            )
        return result


# ---------------------------------------------------------------- formats


def negotiate(request: Request, form: str) -> str:
    """The short format name for this request: ``?format=`` first, then the Accept header."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    types = GRAPH_TYPES if graph else TABULAR_TYPES
    names = set(types.values())
    wanted = request.query_params.get("format")
    if wanted:
        wanted = {"ttl": "turtle"}.get(wanted, wanted)
        if wanted not in names:
            raise HttpError(406, f"format={wanted}: use one of {', '.join(sorted(names))} for a {form} query")
        return wanted
    accepted = _accept(request.headers.get("accept", "*/*"))
    for media in accepted:
        if media in types:
            return types[media]
        if media in ("*/*", "application/*", "text/*"):
            return "turtle" if graph else "json"
    raise HttpError(406, f"cannot answer a {form} query as {', '.join(accepted)}; use one of {', '.join(types)}")


def _accept(header: str) -> list[str]:
    """Media types of an Accept header, best first (by q, then by order)."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        media, *options = (piece.strip() for piece in part.split(";"))
        q = 1.0
        for option in options:
            if option.startswith("q="):
                try:
                    q = float(option[2:])
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranked.append((-q, position, media.lower()))
    return [media for _, _, media in sorted(ranked)] or ["*/*"]


def results_xml(result: Result) -> str:
    """SPARQL Query Results XML Format."""
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.boolean is not None:
        out += ["<head/>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables) + "</head>")
    out.append("<results>")
    for row in result.rows:
        out.append("<result>" + "".join(_xml_binding(var, term) for var, term in row.items()) + "</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _xml_binding(var: str, term: dict) -> str:
    value = escape(term["value"])
    if term["type"] == "uri":
        inner = f"<uri>{value}</uri>"
    elif term["type"] == "bnode":
        inner = f"<bnode>{value}</bnode>"
    elif "xml:lang" in term:
        inner = f"<literal xml:lang={quoteattr(term['xml:lang'])}>{value}</literal>"
    elif "datatype" in term:
        inner = f"<literal datatype={quoteattr(term['datatype'])}>{value}</literal>"
    else:
        inner = f"<literal>{value}</literal>"
    return f"<binding name={quoteattr(var)}>{inner}</binding>"


def render(result: Result, fmt: str) -> Response:
    if fmt == "xml":
        body = results_xml(result)
    elif result.kind == "graph":
        body = serialize_graph(result.triples or "", fmt)
    else:
        body = result.serialize(fmt)
    return Response(body, media_type=MEDIA[fmt])


# ---------------------------------------------------------------- the endpoint


async def sparql_text(request: Request) -> str | None:
    """The query of a SPARQL Protocol request, or None (a request for the service description)."""
    params = request.query_params
    if "update" in params:
        raise HttpError(403, "this endpoint is read-only: SPARQL Update is not accepted")
    if request.method == "GET":
        return params.get("query")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sparql-update":
        raise HttpError(403, "this endpoint is read-only: SPARQL Update is not accepted")
    if content_type == "application/sparql-query":
        return (await request.body()).decode("utf-8")
    if content_type == "application/x-www-form-urlencoded":
        form = urllib.parse.parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True)
        if "update" in form:
            raise HttpError(403, "this endpoint is read-only: SPARQL Update is not accepted")
        return form["query"][0] if "query" in form else None
    raise HttpError(
        415, f"unsupported Content-Type {content_type or '(none)'}: send application/sparql-query or a form"
    )


def check_readonly(text: str) -> None:
    if UPDATE_RE.match(text[PROLOGUE_RE.match(text).end() :]):
        raise HttpError(403, "this endpoint is read-only: SPARQL Update is not accepted")


def check_service(text: str) -> None:
    """Refuse federated queries: the engine would send a request to the SERVICE's host.

    The keyword is looked for outside comments, IRIs and strings, in any letter case;
    a query that merely looks like one (``ex:service``, ``?service``) is not refused.
    """
    found = SERVICE_RE.search(masked_text(text))
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise HttpError(
            403,
            f"SERVICE (line {line}) is not allowed: this endpoint does not send queries to other hosts "
            "(start it with --allow-service to permit federated queries)",
        )


def service_description(request: Request, store: EmbeddedStore) -> Response:
    url = str(request.url.replace(query="", fragment=""))
    fmt_iri = "http://www.w3.org/ns/formats/"
    names = [f"SPARQL_Results_{kind}" for kind in ("JSON", "XML", "CSV", "TSV")] + ["Turtle", "N-Triples", "JSON-LD"]
    formats = ", ".join(f"<{fmt_iri}{name}>" for name in names)
    turtle = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
<{url}> a sd:Service ;
  sd:endpoint <{url}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:resultFormat {formats} ;
  sd:defaultDataset [ a sd:Dataset ;
    sd:defaultGraph [ a sd:Graph, void:Dataset ; void:triples {len(store)} ] ] .
"""
    ntriples = "".join(f"{q.triple} .\n" for q in ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    fmt = negotiate(request, "DESCRIBE")
    return Response(serialize_graph(ntriples, fmt) if fmt != "turtle" else turtle, media_type=MEDIA[fmt])


def error_response(exc: HttpError) -> Response:
    return PlainTextResponse(exc.message + "\n", status_code=exc.status)


class RequestLimits:
    """ASGI middleware: refuse oversize requests; read each body whole, up to ``max_body`` bytes, before the app.

    A request line and headers over ``max_header`` bytes are answered 431 (when they arrive
    in pieces, the protocol does the same: ``guarded_protocol``). A larger body (by its
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
            message = headers_too_large(self.max_header)
            await PlainTextResponse(message, status_code=431, headers={"Connection": "close"})(scope, receive, send)
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


def headers_too_large(max_header: int) -> str:
    return (
        f"the request line and headers are larger than {max_header} bytes, this server's limit; "
        "send a long query by POST\n"
    )


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


def create_app(
    store: EmbeddedStore, limits: Limits | None = None, network_page: Callable[[], str] | None = None
) -> Starlette:
    """The web application: a SPARQL endpoint, named-query URLs and the browser page over ``store``."""
    limits = limits or Limits()
    engine = Engine(store, limits)

    async def sparql(request: Request) -> Response:
        try:
            text = await sparql_text(request)
            if text is None:
                return service_description(request, store)
            check_readonly(text)
            if not limits.allow_service:
                check_service(text)
            query = parse_header("query", text)
            fmt = negotiate(request, query_form(text))
            return render(await engine.run(query), fmt)
        except HttpError as exc:
            return error_response(exc)

    async def queries(request: Request) -> Response:
        return JSONResponse([describe(q) for q in library().values()])

    async def named(request: Request) -> Response:
        name, ext = request.path_params["name"], request.path_params["ext"]
        query = library().get(name)
        if query is None:
            return PlainTextResponse(f"no named query {name!r}; /queries.json lists them\n", status_code=404)
        if ext == "rq":
            return PlainTextResponse(query.text, media_type="application/sparql-query; charset=utf-8")
        try:
            fmt = EXTENSIONS.get(ext)
            if fmt is None:
                raise HttpError(404, f".{ext}: use one of .{', .'.join(EXTENSIONS)} or .rq")
            graph_result = query_form(query.text) in ("CONSTRUCT", "DESCRIBE")
            if graph_result != (fmt in GRAPH_TYPES.values()):
                raise HttpError(404, f".{ext} does not fit a {query_form(query.text)} query")
            params = {k: v for k, v in request.query_params.items() if v != ""}
            return render(await engine.run(query, params), fmt)
        except HttpError as exc:
            return error_response(exc)

    async def index(request: Request) -> Response:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html; charset=utf-8")

    async def network(request: Request) -> Response:
        if network_page is None:
            return PlainTextResponse("the network view is not available in this installation\n", status_code=404)
        return HTMLResponse(await anyio.to_thread.run_sync(network_page))

    routes = [
        Route("/", index),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/queries.json", queries),
        Route("/queries/{name:str}.{ext:str}", named),
        Route("/network", network),
        Mount("/static", StaticFiles(directory=WEB_DIR), name="static"),
    ]
    limit = Middleware(RequestLimits, max_body=limits.max_body, max_header=limits.max_header)
    return Starlette(routes=routes, middleware=[limit])


def describe(query: NamedQuery) -> dict:
    """A named query as the browser page needs it."""
    return {
        "name": query.name,
        "title": query.title,
        "zh": query.zh,
        "en": query.en,
        "form": query_form(query.text),
        "text": query.text,
        "params": [
            {"name": p.name, "type": p.type, "default": p.default, "doc": p.doc, "optional": p.optional}
            for p in query.params
        ],
        "columns": query.columns,
    }


def default_network_page(store: EmbeddedStore) -> Callable[[], str] | None:
    """The department network view of ``ipgraph.export``, when that module is installed."""
    try:
        from ipgraph.export import html_view
        from ipgraph.network import store_runner
    except ImportError:
        return None
    return lambda: html_view(store_runner(store))


def check_host(host: str) -> None:
    if host not in ("127.0.0.1", "localhost", "::1"):
        import sys

        print(f"ipgraph: serving on {host}: reachable from other machines", file=sys.stderr)


def raw_answer(status: str, message: str) -> bytes:
    """A whole HTTP answer that closes the connection, for the protocol to write itself."""
    body = message.encode("utf-8")
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Connection: close\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


def guarded_protocol(limits: Limits) -> type:
    """uvicorn's h11 protocol, closing connections whose request does not arrive whole in time.

    uvicorn times out idle keep-alive connections, but not a new connection that sends
    nothing, nor one that sends its headers or body a byte at a time (slowloris). The clock
    starts when the connection opens and again after each answer; it stops when a request
    has arrived whole, so a long-running query is not cut off. Headers that outgrow
    ``limits.max_header`` before they end are answered 431, as ``RequestLimits`` answers
    whole ones.
    """
    from uvicorn.protocols.http.h11_impl import H11Protocol

    too_slow = raw_answer(
        "408 Request Timeout",
        f"the request did not arrive whole within {limits.request_timeout:g} s, this server's limit\n",
    )
    too_large = raw_answer("431 Request Header Fields Too Large", headers_too_large(limits.max_header))

    class GuardedH11Protocol(H11Protocol):
        def connection_made(self, transport) -> None:  # type: ignore[no-untyped-def]
            super().connection_made(transport)
            self._deadline = None
            self._arm(after=None)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._settle()

        def on_response_complete(self) -> None:
            answered = self.cycle
            super().on_response_complete()  # may start a pipelined request at once
            if not self.transport.is_closing():
                self._arm(after=answered)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self, after: object) -> None:
            self._disarm()
            self._answered = after
            self._deadline = self.loop.call_later(limits.request_timeout, self._too_slow)
            self._settle()

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _settle(self) -> None:
            """Stop the clock once the request after the last answer has arrived whole."""
            cycle = self.cycle
            if cycle is not None and cycle is not self._answered and not cycle.more_body:
                self._disarm()

        def _too_slow(self) -> None:
            self._deadline = None
            if self.transport.is_closing():
                return
            if self.cycle is None or self.cycle is self._answered:  # still in the headers: say why
                self.transport.write(too_slow)
            self.transport.close()

        def send_400_response(self, msg: str) -> None:
            if len(self.conn.trailing_data[0]) > limits.max_header:  # h11 gave up on headers this long
                self.transport.write(too_large)
                self.transport.close()
                return
            super().send_400_response(msg)

    return GuardedH11Protocol


def server_config(app: ASGIApp, host: str, port: int, limits: Limits):
    """The uvicorn configuration that enforces the connection limits of ``limits``."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        http=guarded_protocol(limits),
        h11_max_incomplete_event_size=limits.max_header,
        limit_concurrency=limits.connections,
        timeout_keep_alive=5,
    )


def serve(store: EmbeddedStore, host: str = "127.0.0.1", port: int = 8000, limits: Limits | None = None) -> None:
    """Serve until interrupted."""
    import uvicorn

    if not 0 <= port <= 65535:
        raise IpgraphError(f"--port {port}: not a TCP port")
    check_host(host)
    limits = limits or Limits()
    app = create_app(store, limits, default_network_page(store))
    uvicorn.Server(server_config(app, host, port, limits)).run()
