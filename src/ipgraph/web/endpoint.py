"""The query routes: ``/sparql`` (SPARQL 1.1 Protocol), ``/queries.json`` and ``/queries/NAME.EXT``.

Handlers find the store, the limits and the engine in ``request.app.state`` (set by ``ipgraph.web.app``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ipgraph.sparql.library import NamedQuery, parse_header, query_form
from ipgraph.sparql.run import Dataset
from ipgraph.web.formats import EXTENSIONS, GRAPH_TYPES, MEDIA, negotiate
from ipgraph.web.limits import HttpError, error_response
from ipgraph.web.protocol import check_readonly, check_service, service_description, sparql_request


async def sparql(request: Request) -> Response:
    state = request.app.state
    try:
        asked = await sparql_request(request)
        if asked.query is None:
            return service_description(request, state.store)
        text = asked.query
        check_readonly(text)
        if not state.limits.allow_service:
            check_service(text)
        fmt = negotiate(request, query_form(text))
        dataset = (
            Dataset(asked.default_graphs, asked.named_graphs) if asked.default_graphs or asked.named_graphs else None
        )
        return await answer(request, parse_header("query", text), {}, fmt, dataset)
    except HttpError as exc:
        return error_response(exc)


async def answer(
    request: Request, query: NamedQuery, params: dict[str, str], fmt: str, dataset: Dataset | None = None
) -> Response:
    """The query's answer in ``fmt``: the one already given to the same request, or a new one."""
    engine = request.app.state.engine

    async def compute() -> tuple[bytes, str]:
        answer = await engine.written(query, fmt, params, dataset)  # in the result's own kind if fmt misfits
        return answer.body, MEDIA[answer.fmt]

    body, media = await engine.answers.once((query.text, tuple(sorted(params.items())), dataset, fmt), compute)
    return Response(body, media_type=media)


async def queries(request: Request) -> Response:
    return JSONResponse([describe(q) for q in request.app.state.library.values()])


async def named(request: Request) -> Response:
    name, ext = request.path_params["name"], request.path_params["ext"]
    query = request.app.state.library.get(name)
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
        return await answer(request, query, params, fmt)
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
