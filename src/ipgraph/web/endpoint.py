"""The query routes: ``/sparql`` (SPARQL 1.1 Protocol), ``/queries.json`` and ``/queries/NAME.EXT``.

Handlers find the store, the limits and the engine in ``request.app.state`` (set by ``ipgraph.web.app``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ipgraph.sparql.library import NamedQuery, library, parse_header, query_form
from ipgraph.web.formats import EXTENSIONS, GRAPH_TYPES, negotiate, render
from ipgraph.web.limits import HttpError, error_response
from ipgraph.web.protocol import check_readonly, check_service, service_description, sparql_text


async def sparql(request: Request) -> Response:
    state = request.app.state
    try:
        text = await sparql_text(request)
        if text is None:
            return service_description(request, state.store)
        check_readonly(text)
        if not state.limits.allow_service:
            check_service(text)
        query = parse_header("query", text)
        fmt = negotiate(request, query_form(text))
        return render(await state.engine.run(query), fmt)
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
        return render(await request.app.state.engine.run(query, params), fmt)
    except HttpError as exc:
        return error_response(exc)


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
