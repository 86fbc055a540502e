"""The deterministic Turtle writer: the same triples give the same bytes, and read back as they were."""

from __future__ import annotations

import random

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from ipgraph.graph.writer import TurtleWriter, block, block_size, entries_of, entry, turtle
from ipgraph.prefixes import ID, IPG, XSD_STRING

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_the_2021_graph_reads_back_the_same_whatever_the_order(graph):
    triples = list(graph)
    text = turtle(triples)
    assert isomorphic(Graph().parse(data=text, format="turtle"), graph)
    random.Random(7).shuffle(triples)
    assert turtle(triples) == text
    assert sum(1 for _ in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)) == len(graph)


def test_awkward_literals_and_iris_round_trip():
    s = URIRef(ID + "doc-2030/task/1")
    values = [
        Literal('a "quoted" back\\slash\nnew line\ttab\x01 end', lang="zh"),
        Literal("plain"),
        Literal("7", datatype=URIRef(XSD + "integer")),
        Literal("007", datatype=URIRef(XSD + "positiveInteger")),
        Literal("-3", datatype=URIRef(XSD + "integer")),
        Literal("x", datatype=URIRef("https://example.org/type#odd")),
        URIRef(ID + "org/cnipa"),
    ]
    triples = [(s, URIRef(IPG + "text"), v) for v in values]
    text = turtle(triples)
    assert "ipg:text" in text and f"<{ID}doc-2030/task/1>" in text  # a local name with "/" is written in full
    back = Graph().parse(data=text, format="turtle")
    assert set(back) == set(triples)
    parsed = {str(q.object) for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)}
    assert any(text.endswith("^^<http://www.w3.org/2001/XMLSchema#positiveInteger>") for text in parsed)
    assert '"plain"' in parsed and XSD_STRING not in text


def test_a_block_reads_back_as_its_entries(graph):
    writer = TurtleWriter()
    subjects: dict = {}
    for s, p, o in graph:
        subjects.setdefault(writer.term(s), set()).add(entry(writer, p, o))
    for text, found in subjects.items():
        ordered = sorted(found)
        written = block(text, ordered)
        assert entries_of(written) == (text, ordered)
        assert block_size(written) == len(ordered)
