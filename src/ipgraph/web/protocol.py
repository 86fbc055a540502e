"""The SPARQL 1.1 Protocol side of ``/sparql``: reading the query from a request, refusing what a
read-only endpoint does not do (updates, SERVICE), and the service description."""

from __future__ import annotations

import re
import urllib.parse

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


async def sparql_text(request: Request) -> str | None:
    """The query of a SPARQL Protocol request, or None (a request for the service description)."""
    params = request.query_params
    if "update" in params:
        raise HttpError(403, READ_ONLY)
    if request.method == "GET":
        return params.get("query")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sparql-update":
        raise HttpError(403, READ_ONLY)
    if content_type == "application/sparql-query":
        return (await request.body()).decode("utf-8")
    if content_type == "application/x-www-form-urlencoded":
        form = urllib.parse.parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True)
        if "update" in form:
            raise HttpError(403, READ_ONLY)
        return form["query"][0] if "query" in form else None
    raise HttpError(
        415, f"unsupported Content-Type {content_type or '(none)'}: send application/sparql-query or a form"
    )


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
