"""The SPARQL 1.1 Protocol side of ``/sparql``: reading the query from a request, refusing what a
read-only endpoint does not do (updates, SERVICE), and the service description."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from ipgraph.sparql.results import serialize_graph
from ipgraph.sparql.store import EmbeddedStore
from ipgraph.sparql.text import masked_text
from ipgraph.web.formats import MEDIA, negotiate
from ipgraph.web.limits import HttpError

UPDATE_RE = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)
PROLOGUE_RE = re.compile(r"^(?:\s+|#[^\n]*\n|(?:PREFIX\s+[\w.-]*:\s*|BASE\s*)<[^>]*>)*", re.I)
# The SERVICE keyword, in query text whose comments, IRIs and strings are masked: not part of a
# variable (?service), a prefixed or local name (service:x, ex:service), a blank node label or a language tag.
SERVICE_RE = re.compile(r"(?<![\w?$:@-])SERVICE(?![\w:-])", re.I)
READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"


@dataclass(frozen=True)
class ProtocolRequest:
    """What a SPARQL Protocol request asks: its query (None: the service description) and its dataset."""

    query: str | None
    default_graphs: tuple[str, ...] = ()  # default-graph-uri: the default graph is their merge
    named_graphs: tuple[str, ...] = ()  # named-graph-uri


async def sparql_request(request: Request) -> ProtocolRequest:
    """The query and dataset of a SPARQL Protocol request (GET or HEAD, a form POST, or a query POST)."""
    params = request.query_params
    if "update" in params:
        raise HttpError(403, READ_ONLY)
    if request.method in ("GET", "HEAD"):
        return _with_dataset(params.get("query"), params.getlist)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sparql-update":
        raise HttpError(403, READ_ONLY)
    if content_type == "application/sparql-query":
        return _with_dataset(_text(await request.body()), params.getlist)
    if content_type == "application/x-www-form-urlencoded":
        form = urllib.parse.parse_qs(_text(await request.body()), keep_blank_values=True)
        if "update" in form:
            raise HttpError(403, READ_ONLY)
        return _with_dataset(form["query"][0] if "query" in form else None, lambda key: form.get(key, []))
    raise HttpError(
        415, f"unsupported Content-Type {content_type or '(none)'}: send application/sparql-query or a form"
    )


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(
            400, f"the request body is not UTF-8 text (byte {exc.start + 1}); send queries in UTF-8"
        ) from None


def _with_dataset(query: str | None, values: Callable[[str], list[str]]) -> ProtocolRequest:
    default, named = tuple(values("default-graph-uri")), tuple(values("named-graph-uri"))
    for iri in (*default, *named):
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*$", iri):
            shown = iri.encode("ascii", "backslashreplace").decode("ascii")[:200]
            raise HttpError(400, f"default-graph-uri / named-graph-uri {shown!r}: not an absolute IRI")
    return ProtocolRequest(query, default, named)


def check_readonly(text: str) -> None:
    prologue = PROLOGUE_RE.match(text)
    if UPDATE_RE.match(text[prologue.end() if prologue else 0 :]):
        raise HttpError(403, READ_ONLY)


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
