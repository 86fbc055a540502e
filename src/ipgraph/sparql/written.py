"""A query's answer written in the format a client asked for, by the query worker that computed it,
so that the server only sends bytes on (:mod:`ipgraph.sparql.pool`)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ipgraph.sparql.results import GRAPH, Result


@dataclass(frozen=True)
class Written:
    """A result as the worker wrote it: ``body`` in ``fmt`` (the format asked for, or the result's
    default when the format does not fit its kind), and what the server still needs to know of it."""

    kind: str  # "bindings", "boolean" or "graph"
    fmt: str
    body: bytes
    variables: tuple[str, ...] = ()
    empty: bool = False
    truncated: bool = False


def written(result: Result, fmt: str) -> Written:
    graph = result.kind == "graph"
    if (fmt in GRAPH) != graph:  # the text misled the guess of its form
        fmt = "turtle" if graph else "json"
    if fmt == "json":  # compact: the standard library writes indented JSON in Python, ten times slower
        body = json.dumps(result.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
    else:
        body = result.serialize(fmt).encode("utf-8")
    empty = not result.rows if result.kind == "bindings" else False
    return Written(result.kind, fmt, body, tuple(result.variables), empty, result.truncated)
