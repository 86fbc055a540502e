"""Fast SHACL validation: the shapes compiled to SPARQL queries, run on the embedded Oxigraph store.

pySHACL (``ipgraph.shacl``) is the reference engine. It checks one focus node at a
time in Python, and re-runs every SPARQL-based constraint per node, so it needs tens of
seconds even for one task list. This engine compiles each constraint once into a
SPARQL query over *all* focus nodes and lets Oxigraph evaluate it, which is orders of
magnitude faster and scales linearly with the graph.

It implements the part of SHACL that ``shapes/`` uses — targets (class, node,
subjects-of, objects-of), predicate and inverse paths, value-type, cardinality,
string, range, logical (or/and/not/node), qualified-cardinality, ``hasValue``, ``in``,
``uniqueLang`` and SPARQL-based constraints — and raises :class:`Unsupported` for
anything else, so that callers fall back to pySHACL rather than give a wrong answer.
Oxigraph keeps xsd:integer-derived literals (xsd:positiveInteger, xsd:int, …) as
xsd:integer, so the store alone cannot tell ``"5"^^xsd:positiveInteger`` from
``"5"^^xsd:integer``. Datatype constraints on these types are therefore checked on the
original triples (the rdflib graph the store was loaded from, passed as ``data``): the
store finds the candidate values, the original graph says which datatype each was
written with, and reported values are shown with that datatype. Two cases raise
:class:`Unsupported` (callers then use pySHACL): no ``data`` when the shapes need it, and
data that writes one property's integers with more than one of these datatypes (then
the store would find equal values where pySHACL, comparing terms, does not).

Messages follow pySHACL's rules: a result carries the shape's ``sh:message`` values and,
for a SPARQL-based constraint, the constraint's own ones (filled from the solution, which
drops their language tag); the report shows the English one, else the last untagged one.

Tests check that both engines report the same violations on the real graph, on
fixtures and on mutated graphs.

Modules: ``checks`` (what a constraint compiles to), ``compiler`` (shapes → checks),
``merge`` and ``parallel`` (running their queries), ``integers`` (the datatypes the store
does not keep), ``display`` (values and messages as pySHACL shows them); this module runs
checks into a :class:`Report`.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from ipgraph.shacl.compiled.checks import Check, Unsupported
from ipgraph.shacl.compiled.compiler import Compiler, compile_shapes
from ipgraph.shacl.compiled.display import describe, message, text, value_shown
from ipgraph.shacl.compiled.integers import Originals, integer_literals, narrowed, original_datatype_rows
from ipgraph.shacl.compiled.parallel import all_rows, workers_for
from ipgraph.shacl.report import Report, Violation, report_order
from ipgraph.sparql.results import shorten
from ipgraph.sparql.run import paused_collection

__all__ = [
    "Check",
    "Compiler",
    "Unsupported",
    "compile_shapes",
    "integer_literals",
    "run_checks",
    "validate_graph",
    "validate_store",
    "workers_for",
]


def _solutions(check: Check, rows: list[dict], originals: Originals | None) -> list[tuple[dict, str | None]]:
    """The rows of one check that are violations, with the value as the report shows it."""
    if check.original_datatype is not None:
        if originals is None:
            raise Unsupported(f"sh:datatype {shorten(check.original_datatype)} needs the original triples")
        return original_datatype_rows(check, rows, originals)
    shown = originals.shown if originals is not None else (lambda _, value: value_shown(value))
    return [(row, shown(row["this"], row["value"]) if row.get("value") is not None else None) for row in rows]


def run_checks(store: ox.Store, checks: list[Check], data: Graph | None = None, workers: int | None = None) -> Report:
    """Run compiled checks; ``data`` is the graph the store was loaded from (see the module docstring).

    ``workers``: processes to run the queries in (default: :func:`workers_for`); the report
    does not depend on it.
    """
    with paused_collection():
        return _run_checks(store, checks, data, workers if workers is not None else workers_for(store))


def _run_checks(store: ox.Store, checks: list[Check], data: Graph | None, workers: int) -> Report:
    originals = Originals(data, store) if data is not None else None
    if originals is not None:
        checks = [narrowed(check, originals) for check in checks]
    rows_by_check = all_rows(store, checks, workers)
    found = [
        (check, row, value)
        for check, rows in zip(checks, rows_by_check, strict=True)
        for row, value in _solutions(check, rows, originals)
    ]
    focus_nodes = {row["this"] for _, row, _ in found}
    described = describe(store, focus_nodes)
    violations: dict[Violation, None] = {}
    for check, row, value in found:
        focus = row["this"]
        label, line = described.get(focus, ("", None))
        path = row.get("path")
        violation = _violation(
            focus=text(focus),
            label=label,
            line=line,
            path=shorten(path.value) if isinstance(path, ox.NamedNode) else check.path,
            constraint=check.component,
            check=check.name,
            shape=check.shape,
            message=message(check, row),
            value=value,
            severity=check.severity,
        )
        violations[violation] = None  # one result per distinct violation, as ipgraph.shacl reports
    ordered = sorted(violations, key=report_order)
    conforms = not any(v.severity == "Violation" for v in ordered)
    return Report(conforms, tuple(ordered))


def _violation(**values: Any) -> Violation:
    """A Violation from the fields it declares (the report format belongs to ``ipgraph.shacl``)."""
    declared: dict[str, Any] = {f.name: values.get(f.name) for f in fields(Violation)}
    return Violation(**declared)


def validate_store(store, shapes: Graph | None = None, data: Graph | None = None, workers: int | None = None) -> Report:
    """Validate an :class:`~ipgraph.sparql.store.EmbeddedStore` (or a pyoxigraph Store) against the shapes.

    ``data``: the rdflib graph the store was loaded from, needed when the shapes constrain a
    literal to an integer-derived datatype (the store keeps only xsd:integer). ``workers``: see
    :func:`run_checks`. Raises :class:`Unsupported` when the shapes need pySHACL.
    """
    from ipgraph.shacl.inputs import shapes_graph

    checks = compile_shapes(shapes if shapes is not None else shapes_graph())
    return run_checks(getattr(store, "store", store), checks, data, workers)


def validate_graph(data: Graph, shapes: Graph | None = None) -> Report:
    """Validate an rdflib graph with this engine (loaded into a temporary embedded store)."""
    from ipgraph.sparql.store import EmbeddedStore

    return validate_store(EmbeddedStore.from_rdflib(data), shapes, data)
