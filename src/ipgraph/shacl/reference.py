"""The reference engine: pySHACL on an rdflib graph, its results read into a :class:`Report`.

The shapes target the classes the builder writes explicitly; validation runs without
inference (``inference="none"``), so no ontology is mixed into the data.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from ipgraph.graph.namespaces import IPG, RDFS
from ipgraph.shacl.report import Report, Violation, pick_label, report_order, shown_literal, source_line
from ipgraph.sparql.results import shorten


@lru_cache(maxsize=256)
def _prepared(text: str):
    from rdflib.plugins.sparql import prepareQuery  # 0.3 s to import: only pySHACL needs it

    return prepareQuery(text)


class _PreparedQueryGraph(Graph):
    """A view of a graph that parses each distinct SPARQL text once.

    pySHACL runs a SPARQL-based constraint once per focus node, passing the same text
    with ``$this`` pre-bound; parsing dominates the cost, so it is cached here.
    """

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


def validate_pyshacl(data: Graph, shapes: Graph) -> Report:
    from pyshacl import validate as shacl_validate

    view = _PreparedQueryGraph(store=data.store, identifier=data.identifier)
    conforms, report, _ = shacl_validate(
        view,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
    )
    # a property shape shared by two node shapes that target the same node reports twice: keep one
    results = {_violation(data, report, shapes, result) for result in report.objects(None, SH.result)}
    return Report(bool(conforms), tuple(sorted(results, key=report_order)))


def _violation(data: Graph, report: Graph, shapes: Graph, result) -> Violation:
    focus = report.value(result, SH.focusNode)
    component = report.value(result, SH.sourceConstraintComponent)
    value = report.value(result, SH.value)
    return Violation(
        focus=str(focus),
        label=_label(data, focus),
        line=_line(data, focus),
        path=_path(report, report.value(result, SH.resultPath)),
        constraint=str(component),
        check=_check(report, shapes, result, component),
        shape=str(report.value(result, SH.sourceShape)),
        message=_message(report, result),
        value=_term(value) if value is not None else None,
        severity=str(report.value(result, SH.resultSeverity)).removeprefix(str(SH)),
    )


def _label(data: Graph, node) -> str:
    """The node's zh label (else en, else plain); the first in code-point order if it has several."""
    labels = [(x.language, str(x)) for x in data.objects(node, RDFS.label) if isinstance(x, Literal)]
    return pick_label(labels)


def _line(data: Graph, node) -> int | None:
    """The node's source line: the smallest if it has several (a violation of its own)."""
    return source_line(str(x) for x in data.objects(node, IPG.sourceLine) if isinstance(x, Literal))


def _message(report: Graph, result) -> str:
    """The English message (the shapes may also carry a Chinese one)."""
    messages = {getattr(m, "language", None): str(m) for m in report.objects(result, SH.resultMessage)}
    return messages.get("en") or messages.get(None) or next(iter(messages.values()), "")


def _check(report: Graph, shapes: Graph, result, component) -> str:
    """A SPARQL constraint's sh:name, else the component's local name without the suffix."""
    if component == SH.SPARQLConstraintComponent:
        constraint = report.value(result, SH.sourceConstraint)
        # named constraints are only referenced by the report; inline ones are copied into it
        name = shapes.value(constraint, SH.name) or report.value(constraint, SH.name)
        if name is not None:
            return str(name)
    return str(component).removeprefix(str(SH)).removesuffix("ConstraintComponent")


def _path(report: Graph, path) -> str:
    """A SHACL property path in SPARQL notation: ``ipg:task``, ``^ipg:task``, ``ipg:task/ipg:number``."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return shorten(str(path))
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path(report, inverse)
    if isinstance(path, BNode) and report.value(path, RDF.first) is not None:
        return "/".join(_path(report, step) for step in Collection(report, path))
    return str(path)


def _term(term) -> str:
    if isinstance(term, URIRef):
        return shorten(str(term))
    if isinstance(term, Literal):
        return shown_literal(str(term), str(term.datatype) if term.datatype else None, term.language)
    return str(term)
