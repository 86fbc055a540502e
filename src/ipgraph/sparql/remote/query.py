"""Running queries on a remote SPARQL 1.1 store (Protocol: POST form), answers read into a Result."""

from __future__ import annotations

import json

import pyoxigraph as ox

from ipgraph.errors import StoreError
from ipgraph.sparql.library import NamedQuery, query_form, resolve
from ipgraph.sparql.remote.http import request
from ipgraph.sparql.remote.text import remote_text
from ipgraph.sparql.results import Result, Runner

DEFAULT_TIMEOUT = 60.0


def _normalise_term(term: dict) -> dict:
    """SPARQL JSON as of the 2013 Recommendation: the old ``typed-literal`` type is a ``literal``."""
    return {**term, "type": "literal"} if term.get("type") == "typed-literal" else term


def _to_result(form: str, body: bytes, max_rows: int | None) -> Result:
    if form in ("CONSTRUCT", "DESCRIBE"):
        triples = ox.parse(body, format=ox.RdfFormat.TURTLE)
        return Result(triples="".join(f"{t.triple} .\n" for t in triples))
    data = json.loads(body.decode("utf-8"))
    if "boolean" in data:
        return Result(boolean=bool(data["boolean"]))
    rows = [{var: _normalise_term(term) for var, term in row.items()} for row in data["results"]["bindings"]]
    truncated = max_rows is not None and len(rows) > max_rows
    return Result(variables=data["head"]["vars"], rows=rows[:max_rows] if truncated else rows, truncated=truncated)


def run_text(
    endpoint: str,
    text: str,
    max_rows: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    default_graph: str | None = None,
) -> Result:
    """Send complete SPARQL text to a remote endpoint and read its answer into a Result."""
    form = query_form(text)
    graph = form in ("CONSTRUCT", "DESCRIBE")
    fields = {"query": text} | ({"default-graph-uri": default_graph} if default_graph else {})
    accept = "text/turtle" if graph else "application/sparql-results+json"
    body = request("POST", endpoint, timeout, "query", data=fields, headers={"Accept": accept})
    try:
        return _to_result(form, body, max_rows)
    except (ValueError, SyntaxError, KeyError, TypeError) as exc:
        raise StoreError(
            f"{endpoint}: the answer is incomplete or not SPARQL results ({exc}); "
            "the store may have cut it off at its own time limit"
        ) from None


def run_remote(
    endpoint: str,
    query: NamedQuery,
    params: dict[str, str] | None = None,
    max_rows: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    default_graph: str | None = None,
) -> Result:
    """Run a (named or ad-hoc) query on a remote SPARQL 1.1 endpoint; the answer as ``run_embedded`` gives it."""
    return run_text(endpoint, remote_text(query, params), max_rows, timeout, default_graph)


def remote_runner(endpoint: str, timeout: float = DEFAULT_TIMEOUT, default_graph: str | None = None) -> Runner:
    """A runner ``(query_name, params) -> Result`` that asks the remote endpoint."""

    def runner(name: str, params: dict[str, str] | None = None) -> Result:
        return run_remote(endpoint, resolve(name), params, timeout=timeout, default_graph=default_graph)

    return runner
