"""docs/vocabulary-contract.md lists every class and property the graph uses, and no other; its examples are true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, SKOS, Graph, Literal, URIRef

from ipgraph import paths
from ipgraph.graph.build import build_sources
from ipgraph.prefixes import PREFIXES
from ipgraph.sparql.entailment import entail, entailed_ntriples
from ipgraph.sparql.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "docs" / "vocabulary-contract.md"
ONTOLOGY_README = paths.RESOURCES / "ontology" / "README.md"
SAMPLE = Path(__file__).parent / "fixtures" / "annual-plan-sample.txt"
SERIES = Path(__file__).parent / "fixtures" / "series"  # three editions: series, alignment
CORPUS = Path(__file__).parent / "corpus"  # one document per layout feature the reader reads
TERM = re.compile(r"`([a-z]+:[A-Za-z0-9_]+)`")


def short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def table_terms(section: str) -> set[str]:
    """The terms in the first column of the table under ``## section``."""
    text = CONTRACT.read_text(encoding="utf-8")
    part = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in part.splitlines() if line.startswith("| `")]
    return {term for cell in rows for term in TERM.findall(cell)}


@pytest.fixture(scope="module")
def every_layout() -> tuple[Graph, Graph]:
    """A graph of every layout (2021 list, sample plan, test corpus, a series) and what the rules entail."""
    graph = build_sources([paths.SOURCES_DIR, SAMPLE, CORPUS, SERIES])
    store = EmbeddedStore.from_rdflib(graph)
    entail(store)
    return graph, Graph().parse(data=entailed_ntriples(store).decode("utf-8"), format="nt")


def used(graph: Graph) -> tuple[set[str], set[str]]:
    classes = {short(str(o)) for o in graph.objects(None, RDF.type)}
    return classes, {short(str(p)) for p in graph.predicates()}


@pytest.mark.slow
def test_the_contract_lists_every_class_the_graph_uses(every_layout):
    stated, entailed = every_layout
    assert table_terms("Classes") == used(stated)[0] | used(entailed)[0]


def test_the_contract_lists_every_property_the_graph_uses(every_layout):
    stated, entailed = every_layout
    assert table_terms("Properties") == used(stated)[1] | used(entailed)[1]


def test_task_level_references_exist_as_the_contract_says(graph):
    tasks = {
        int(n)
        for t in graph.subjects(RDF.type, URIRef(PREFIXES["ipg"] + "Task"))
        if (t, URIRef(PREFIXES["dcterms"] + "references"), None) in graph
        for n in graph.objects(t, URIRef(PREFIXES["ipg"] + "number"))
    }
    assert tasks == {1, 9, 19}
    assert "2021 tasks 1, 9 and 19" in CONTRACT.read_text(encoding="utf-8")


ALIAS_EXAMPLE = re.compile(r"([^\s(:]+) for ([^\s),|]+)")


@pytest.mark.parametrize("doc", [CONTRACT, ONTOLOGY_README], ids=["contract", "ontology-readme"])
def test_the_alias_examples_are_the_right_way_round(graph, doc):
    """'X for Y' in the skos:altLabel rows: X is an alias (altLabel) of what Y is the name of."""
    row = next(line for line in doc.read_text(encoding="utf-8").splitlines() if line.startswith("| `skos:altLabel`"))
    pairs = ALIAS_EXAMPLE.findall(row)
    assert pairs
    for alias, name in pairs:
        [named] = set(graph.subjects(SKOS.prefLabel, Literal(name, lang="zh")))
        assert Literal(alias, lang="zh") in set(graph.objects(named, SKOS.altLabel)), (alias, name)
