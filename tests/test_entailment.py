"""The entailed part of the graph (ontology/rules/): what it adds; separable, deterministic, loaded by default."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, URIRef

from ipgraph import paths
from ipgraph.cli import main
from ipgraph.graph.build import build_sources
from ipgraph.sparql.entailment import ENTAILED_GRAPH, entail, entailed_ntriples, rules
from ipgraph.sparql.library import library
from ipgraph.sparql.run import run_embedded
from ipgraph.sparql.store import EmbeddedStore

SAMPLE = Path(__file__).parent / "fixtures" / "annual-plan-sample.txt"
IPG = "https://w3id.org/ipgraph/ontology#"
DCTERMS = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
# the named queries' answers must not change with the entailments, except those that return every triple
EVERY_TRIPLE = {"network-all-triples", "describe-task-lists"}
EXAMPLE_PARAMS = {
    "concept-departments": {"topic": "地理标志"},
    "concept-sections": {"topic": "国际合作"},
    "department-tasks": {"dept": "保护司"},
    "policy-citations": {"policy": "RCEP"},
    "region-province-measures": {"province": "广东"},
    "search-measures": {"word": "地理标志"},
    "task-provenance": {"task": "9"},
}


@pytest.fixture(scope="module")
def two_documents() -> Graph:
    return build_sources([paths.SOURCES_DIR, SAMPLE])


@pytest.fixture(scope="module")
def entailed(graph) -> EmbeddedStore:
    store = EmbeddedStore.from_rdflib(graph)
    entail(store)
    return store


def count(store: EmbeddedStore, where: str) -> int:
    return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")))["n"].value)


def test_every_rule_says_what_it_entails_in_both_languages():
    found = rules()
    assert [r.name for r in found] == ["1-superproperties", "2-inverses", "3-superclasses"]
    assert all(r.title and r.zh and r.en for r in found)


def test_superclass_questions_answer(graph, entailed, store):
    ontology = Graph().parse(paths.ONTOLOGY, format="turtle")
    for cls in ("https://w3id.org/ipgraph/ontology#PolicyDocument", ORG + "Organization"):
        subclasses = set(ontology.transitive_subjects(RDFS.subClassOf, URIRef(cls)))
        stated = {s for c in subclasses for s in graph.subjects(RDF.type, c)}
        assert count(entailed, f"?x a <{cls}>") == len(stated) > 0
    # cited documents carry their leaf class only: the task list and every cited law are LegalResources after entailment
    assert count(store, "?x a eli:LegalResource") == 0
    assert count(entailed, "?x a eli:LegalResource") == count(entailed, "?x a ipg:PolicyDocument")


def test_part_of_follows_the_hierarchy(entailed, store):
    sections, tasks, measures = 8, 22, 45
    # stated: each section's enclosing heading or document (nested headings); the rest is entailed
    assert count(store, "?x dcterms:isPartOf ?list") == sections
    assert count(entailed, "?x dcterms:isPartOf id:cnipa-tasklist-2021") == sections + tasks
    assert count(entailed, "?x dcterms:isPartOf+ id:cnipa-tasklist-2021") == sections + tasks + measures
    assert count(entailed, "id:cnipa-tasklist-2021 dcterms:hasPart ?x") == sections + tasks


def test_declared_inverses_hold_both_ways(graph, entailed):
    for stated, inverse in (("unitOf", "hasUnit"), ("subOrganizationOf", "hasSubOrganization")):
        pairs = set(graph.subject_objects(URIRef(ORG + stated)))
        assert count(entailed, f"?x org:{inverse} ?y") == len(pairs) > 0
        assert count(entailed, f"?x org:{stated} ?y . ?y org:{inverse} ?x") == len(pairs)


def test_entailments_are_new_deterministic_and_complete(graph, entailed):
    data = entailed_ntriples(entailed)
    added = Graph().parse(data=data.decode("utf-8"), format="nt")
    assert len(added) > 300
    assert not any(t in graph for t in added)  # only what the graph does not state
    again = EmbeddedStore.from_rdflib(graph)
    assert entail(again) == len(added)
    assert entail(again) == 0  # a second run finds nothing new
    assert entailed_ntriples(again) == data  # the same bytes


def test_entailments_sit_in_their_own_named_graph_as_well(entailed, store):
    in_named = count(entailed, f"GRAPH <{ENTAILED_GRAPH}> {{ ?s ?p ?o }}")
    assert count(entailed, "?s ?p ?o") == count(store, "?s ?p ?o") + in_named
    stated_only = f"?s ?p ?o FILTER NOT EXISTS {{ GRAPH <{ENTAILED_GRAPH}> {{ ?s ?p ?o }} }}"
    assert count(entailed, stated_only) == count(store, "?s ?p ?o")


def test_named_queries_answer_the_same_with_entailments(two_documents):
    plain = EmbeddedStore.from_rdflib(two_documents)
    full = EmbeddedStore.from_rdflib(two_documents)
    entail(full)
    for name, query in library().items():
        if name in EVERY_TRIPLE:
            continue
        results = [run_embedded(s, query, EXAMPLE_PARAMS.get(name)) for s in (plain, full)]
        answers = [sorted(r.serialize("nt" if r.kind == "graph" else "csv").splitlines()) for r in results]
        assert answers[0] == answers[1], name


def run_cli(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_query_loads_entailments_unless_told_not_to(capsys, graph, tmp_path):
    path = tmp_path / "graph.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?x a ipg:PolicyDocument }"
    with_them = json.loads(run_cli(capsys, "query", text, "--graph", str(path), "--format", "json"))
    without = json.loads(run_cli(capsys, "query", text, "--graph", str(path), "--format", "json", "--no-entailments"))
    assert int(with_them["results"]["bindings"][0]["n"]["value"]) > 0
    assert without["results"]["bindings"][0]["n"]["value"] == "0"


def test_export_writes_the_entailments_alone(capsys, graph, tmp_path):
    path, out = tmp_path / "graph.nt", tmp_path / "entailed.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    assert main(["export", "--entailments", "--format", "nt", "--graph", str(path), "-o", str(out)]) == 0
    exported = out.read_bytes()
    store = EmbeddedStore.from_rdflib(graph)
    entail(store)
    assert sorted(exported.splitlines()) == sorted(entailed_ntriples(store).splitlines())
    assert ox.NamedNode(DCTERMS + "isPartOf").value.encode() in exported
