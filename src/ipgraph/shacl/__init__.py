"""Stage 3 — check a graph against the SHACL shapes in ``shapes/``.

Two engines give the same :class:`Report`: the compiled one (``compiled/``, the shapes as
SPARQL on the embedded store) and pySHACL (``reference.py``). This module picks one.
Imports: ``ipgraph.sparql`` (the store) and ``ipgraph.graph`` (namespaces), never later stages.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

from ipgraph.errors import IpgraphError
from ipgraph.shacl.inputs import load_graph, shapes_graph
from ipgraph.shacl.reference import validate_pyshacl
from ipgraph.shacl.report import Report, Violation

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "Report",
    "Violation",
    "load_graph",
    "shapes_graph",
    "validate",
    "validate_file",
]

ENGINES = ("auto", "fast", "pyshacl")
DEFAULT_ENGINE = "auto"


def validate(data: Graph, shapes: Graph | None = None, engine: str = DEFAULT_ENGINE, store=None) -> Report:
    """Validate an rdflib graph; returns the results in a stable order (by source line, node, path).

    ``engine``: "pyshacl" is the reference; "fast" compiles the shapes to SPARQL on the
    embedded store (``ipgraph.shacl.compiled``; ``store`` may hold ``data`` already) and fails
    with :class:`~ipgraph.shacl.compiled.Unsupported` where it cannot answer exactly as pySHACL
    would; "auto" uses the fast engine and falls back to pySHACL in that case.
    """
    engine = _engine(engine)
    shapes = shapes if shapes is not None else shapes_graph()
    if engine == "pyshacl":
        return validate_pyshacl(data, shapes)
    from ipgraph.shacl.compiled import validate_graph, validate_store

    def fast() -> Report:
        return validate_store(store, shapes, data) if store is not None else validate_graph(data, shapes)

    return _fast_else_pyshacl(engine, fast, lambda: data, shapes)


# Graph files the fast engine reads itself (Oxigraph's parser); others go through rdflib.
FAST_SUFFIXES = (".ttl", ".nt")


def validate_file(path: str | Path, shapes: Graph | None = None, engine: str = DEFAULT_ENGINE, store=None) -> Report:
    """Validate a graph file: the same report as ``validate(load_graph(path), …)``.

    The fast engine loads a Turtle or N-Triples file straight into the embedded store and keeps
    of the original triples only its integer-typed literals (``compiled.integers.integer_literals``);
    rdflib parses the whole file (a minute for a million triples) only for pySHACL, that is
    for ``engine="pyshacl"`` or when "auto" falls back to it. ``store``: an
    :class:`~ipgraph.sparql.store.EmbeddedStore` holding the file already (its persistent store).
    """
    p = Path(path)
    if _engine(engine) == "pyshacl" or p.suffix not in FAST_SUFFIXES:
        return validate(load_graph(p), shapes, engine)
    from ipgraph.shacl.compiled import integer_literals, validate_store
    from ipgraph.sparql.store import FORMATS, EmbeddedStore

    shapes = shapes if shapes is not None else shapes_graph()

    def fast() -> Report:
        loaded = store if store is not None else EmbeddedStore.from_file(p)
        return validate_store(loaded.view(), shapes, integer_literals(p, FORMATS[p.suffix]))

    return _fast_else_pyshacl(engine, fast, lambda: load_graph(p), shapes)


def _engine(engine: str) -> str:
    if engine not in ENGINES:
        raise IpgraphError(f"unknown validation engine {engine!r}; choose one of {', '.join(ENGINES)}")
    return engine


def _fast_else_pyshacl(engine: str, fast: Callable[[], Report], data: Callable[[], Graph], shapes: Graph) -> Report:
    """The fast engine's report; where it cannot answer exactly, pySHACL's on ``data()`` for
    "auto", and the fast engine's error for "fast"."""
    from ipgraph.shacl.compiled import Unsupported

    try:
        return fast()
    except Unsupported:
        if engine == "fast":
            raise
    return validate_pyshacl(data(), shapes)
