"""Stage 4 — run a query, embedded or remote, into a Result."""

from __future__ import annotations

import json

import pyoxigraph as ox

from .queries import NamedQuery
from .results import Result
from .store import EmbeddedStore


def run_embedded(
    store: EmbeddedStore, query: NamedQuery, params: dict[str, str] | None = None, max_rows: int | None = None
) -> Result:
    """Run a (named or ad-hoc) query on the embedded store."""
    answer = store.query(query.text, query.bind(params))
    if isinstance(answer, ox.QueryBoolean):
        return Result(boolean=bool(answer))
    if isinstance(answer, ox.QueryTriples):
        return Result(triples=answer.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8"))
    data = json.loads(answer.serialize(format=ox.QueryResultsFormat.JSON))
    rows = data["results"]["bindings"]
    truncated = max_rows is not None and len(rows) > max_rows
    return Result(variables=data["head"]["vars"], rows=rows[:max_rows] if truncated else rows, truncated=truncated)
