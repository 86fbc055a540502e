"""What the query page's editor needs besides the endpoint: completions, edited named queries, citable pages.

- ``/completions.json``: the ontology's classes and properties as prefixed names, and the labels
  of the graph's resources with their IRIs, for the editor's completion.
- ``/queries/NAME.html?…``: the query page with that named query and its parameters, run on load.
- ``/edited/NAME.EXT?query=TEXT&PARAM=…``: a named query whose text was edited in the page, run
  with the parameters the named query declares (its header is kept: only the text changes).
"""

from __future__ import annotations

from functools import cache

import anyio
import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response

from ipgraph import paths
from ipgraph.prefixes import ID, PREFIXES
from ipgraph.sparql.library import NamedQuery, library
from ipgraph.sparql.store import EmbeddedStore
from ipgraph.web.describe import prefixed
from ipgraph.web.formats import EXTENSIONS, render
from ipgraph.web.limits import HttpError, error_response
from ipgraph.web.pages import WEB_DIR

MAX_TEXT = 100_000  # characters of an edited query
MAX_LABELS = 20_000  # labels offered for completion
TERM_KINDS = {
    "http://www.w3.org/2002/07/owl#Class": "class",
    "http://www.w3.org/2002/07/owl#ObjectProperty": "property",
    "http://www.w3.org/2002/07/owl#DatatypeProperty": "property",
    "http://www.w3.org/2002/07/owl#AnnotationProperty": "property",
}


async def query_page(request: Request) -> Response:
    """The query page; its script reads the query's name from the URL and runs it."""
    if request.path_params["name"] not in library():
        return PlainTextResponse(f"no named query {request.path_params['name']!r}; /queries.json lists them\n", 404)
    return FileResponse(WEB_DIR / "index.html", media_type="text/html; charset=utf-8")


async def edited(request: Request) -> Response:
    name, ext = request.path_params["name"], request.path_params["ext"]
    original = library().get(name)
    if original is None:
        return PlainTextResponse(f"no named query {name!r}; /queries.json lists them\n", status_code=404)
    try:
        fmt = EXTENSIONS.get(ext)
        if fmt is None:
            raise HttpError(404, f".{ext}: use one of .{', .'.join(EXTENSIONS)}")
        text = request.query_params.get("query", "")
        if not text.strip() or len(text) > MAX_TEXT:
            raise HttpError(400, f"give the edited text as query= (at most {MAX_TEXT} characters)")
        query = edited_query(original, text)
        params = {k: v for k, v in request.query_params.items() if k != "query" and v != ""}
        return render(await request.app.state.engine.run(query, params), fmt)
    except HttpError as exc:
        return error_response(exc)


def edited_query(original: NamedQuery, text: str) -> NamedQuery:
    """The named query with another text: same name, parameters and names to check."""
    return NamedQuery(
        original.name, None, text, original.title, original.zh, original.en, original.params, {}, original.names
    )


async def completions(request: Request) -> Response:
    store: EmbeddedStore = request.app.state.store
    labels = await anyio.to_thread.run_sync(resource_labels, store)
    return JSONResponse({"prefixes": PREFIXES, "terms": ontology_terms(), "labels": labels})


@cache
def ontology_terms() -> list[dict[str, str]]:
    """Each class and property the ontology declares: prefixed name, kind, English and Chinese label."""
    schema = ox.Store()
    schema.load(path=str(paths.ONTOLOGY), format=ox.RdfFormat.TURTLE)
    query = """SELECT ?term ?kind (SAMPLE(?en) AS ?label_en) (SAMPLE(?zh) AS ?label_zh) WHERE {
        ?term a ?kind . FILTER(isIRI(?term))
        OPTIONAL { ?term rdfs:label ?en FILTER(lang(?en) = "en") }
        OPTIONAL { ?term rdfs:label ?zh FILTER(lang(?zh) = "zh") }
    } GROUP BY ?term ?kind ORDER BY ?term"""
    terms = []
    for row in _select(schema, query):
        kind = TERM_KINDS.get(row["kind"].value)
        name = prefixed(row["term"].value)
        if kind and name != row["term"].value:
            en, zh = row["label_en"], row["label_zh"]
            terms.append({"name": name, "kind": kind, "en": en.value if en else "", "zh": zh.value if zh else ""})
    return terms


def resource_labels(store: EmbeddedStore) -> list[dict[str, str]]:
    """The labels of the minted resources (``id:``), each with its IRI."""
    query = f"""SELECT ?x ?label WHERE {{
        ?x rdfs:label ?label . FILTER(STRSTARTS(STR(?x), "{ID}"))
    }} ORDER BY ?label LIMIT {MAX_LABELS}"""
    return [
        {"label": row["label"].value, "iri": row["x"].value, "lang": row["label"].language or ""}
        for row in _select(store.store, query)
    ]


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query, prefixes=PREFIXES)
    if not isinstance(solutions, ox.QuerySolutions):
        raise ValueError(f"not a SELECT query: {query[:200]}")
    return solutions
