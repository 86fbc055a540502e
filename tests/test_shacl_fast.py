"""The fast SHACL engine reports exactly what pySHACL (the reference) reports."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from rdflib import Graph, Literal, URIRef

from ipgraph.shacl_fast import compile_shapes, validate_store
from ipgraph.store import EmbeddedStore
from ipgraph.validate import shapes_graph, validate

DOC = "https://w3id.org/ipgraph/id/cnipa-tasklist-2021"
IPG = "https://w3id.org/ipgraph/ontology#"
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
NOTATION = URIRef("http://www.w3.org/2004/02/skos/core#notation")
REFERENCES = URIRef("http://purl.org/dc/terms/references")
# Oxigraph stores xsd:integer-derived literals as xsd:integer (see ipgraph.shacl_fast).
DERIVED_INTEGER = re.compile(r"\^\^xsd:(positiveInteger|nonNegativeInteger|int|long)$")


def key(v) -> tuple:
    value = DERIVED_INTEGER.sub("^^xsd:integer", v.value) if v.value else v.value
    return (v.focus, v.path, v.constraint, v.check, value, v.severity, v.message, v.line)


def both(graph: Graph, shapes: Graph):
    fast = validate_store(EmbeddedStore.from_rdflib(graph), shapes)
    reference = validate(graph, shapes)
    return fast, reference


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph()


def node(path: str) -> URIRef:
    return URIRef(f"{DOC}/{path}")


def mutate(graph: Graph) -> Graph:
    """One graph with many independent defects, each aimed at a different constraint."""
    m = Graph()
    m += graph
    m.set((node("task/3"), URIRef(IPG + "number"), Literal(2)))  # duplicate number, gap after it
    for label in [x for x in m.objects(node("task/5"), RDFS_LABEL) if x.language == "en"]:
        m.remove((node("task/5"), RDFS_LABEL, label))  # no English label
    m.add((node("task/6"), RDFS_LABEL, Literal("x", lang="fr")))  # language not allowed
    m.add((node("task/7"), RDFS_LABEL, Literal("another", lang="en")))  # two English labels
    m.set((node("task/8/measure/1"), URIRef(IPG + "addressedTo"), node("section/1")))  # wrong class
    m.set((node("section/2"), NOTATION, Literal("2")))  # pattern
    m.set((node("task/9"), URIRef(IPG + "sourceLine"), Literal(0)))  # range, datatype, order
    m.add((node("task/10/measure/1"), REFERENCES, node("task/1")))  # sh:node / sh:or
    m.remove((node("task/11"), URIRef(IPG + "responsibleBody"), None))  # minCount
    return m


def test_every_shape_compiles(shapes):
    assert len(compile_shapes(shapes)) > 50


def test_real_graph_same_report(graph, shapes):
    fast, reference = both(graph, shapes)
    assert fast.conforms == reference.conforms
    assert Counter(map(key, fast.violations)) == Counter(map(key, reference.violations))


def test_mutated_graph_same_violations(graph, shapes):
    fast, reference = both(mutate(graph), shapes)
    assert not reference.conforms and not fast.conforms
    assert len(reference.violations) >= 9
    assert Counter(map(key, fast.violations)) == Counter(map(key, reference.violations))
    checks = {v.check for v in fast.violations}
    assert {"MinCount", "LanguageIn", "UniqueLang", "Class", "Pattern", "Node", "QualifiedMinCount"} <= checks
