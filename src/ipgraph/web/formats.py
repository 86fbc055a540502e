"""Result formats: content negotiation, and writing a Result in the negotiated format."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ipgraph.sparql.results import Result
from ipgraph.web.limits import HttpError

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


def render(result: Result, fmt: str) -> Response:
    body = result.serialize(fmt)
    return Response(body, media_type=MEDIA[fmt])
