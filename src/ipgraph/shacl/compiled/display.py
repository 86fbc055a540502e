"""How the compiled engine shows what it found, as pySHACL does: values, messages, focus labels and lines."""

from __future__ import annotations

import re

import pyoxigraph as ox

from ipgraph.prefixes import XSD_STRING
from ipgraph.shacl.compiled.checks import Check, component
from ipgraph.shacl.report import pick_label, shown_literal, source_line
from ipgraph.sparql.results import shorten

SOURCE_LINE = "https://w3id.org/ipgraph/ontology#sourceLine"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def text(node) -> str:
    """A term as the message templates and reports show it: IRIs and lexical forms, bare."""
    return node.value if isinstance(node, (ox.NamedNode, ox.Literal, ox.BlankNode)) else str(node)


def literal(lexical: str, datatype: str, language: str | None = None) -> str:
    """A literal as pySHACL reports show it (a simple literal without its xsd:string datatype)."""
    return shown_literal(lexical, None if datatype == XSD_STRING else datatype, language)


def value_shown(node) -> str:
    """A value as pySHACL reports show it: shortened IRIs, literals in Turtle notation (truncated)."""
    if isinstance(node, ox.NamedNode):
        return shorten(node.value)
    if not isinstance(node, ox.Literal):
        return text(node)
    return literal(node.value, node.datatype.value, node.language)


def _pick(candidates: list[tuple[str, str | None]]) -> str:
    """The message a report shows: English, else the last untagged one, else the first (as ipgraph.shacl)."""
    by_language = {}
    for text, language in candidates:
        by_language[language] = text
    return by_language.get("en") or by_language.get(None) or next(iter(by_language.values()), "")


def _fill(template: str, row: dict) -> str:
    return re.sub(r"\{[?$](\w+)\}", lambda m: text(row[m[1]]) if row.get(m[1]) is not None else m[0], template)


def message(check: Check, row: dict) -> str:
    """pySHACL's messages for a result: a SPARQL constraint's own ones, then the shape's; filled
    from the solution (which drops their language tag) for SPARQL constraints only."""
    if check.component != component("SPARQL"):
        return _pick([(str(m), m.language) for m in check.own])
    extra = [m for m in sorted(check.extra, key=str) if m not in check.own]
    return _pick([(_fill(str(m), row), None) for m in extra + list(check.own)])


def describe(store: ox.Store, nodes: set) -> dict:
    """focus IRI → (label, source line), chosen as ``ipgraph.shacl`` chooses them. Looked up
    node by node, by pattern: Oxigraph answers that faster than one query listing every focus
    node in VALUES (docs/performance.md)."""

    label, line, default = ox.NamedNode(LABEL), ox.NamedNode(SOURCE_LINE), ox.DefaultGraph()

    def literals(node: ox.NamedNode, predicate: ox.NamedNode) -> list[ox.Literal]:
        quads = store.quads_for_pattern(node, predicate, None, default)
        return [q.object for q in quads if isinstance(q.object, ox.Literal)]

    return {
        node: (
            pick_label([(o.language, o.value) for o in literals(node, label)]),
            source_line(o.value for o in literals(node, line)),
        )
        for node in nodes
        if isinstance(node, ox.NamedNode)
    }
