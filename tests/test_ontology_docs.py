"""ontology/README.md: every example query runs and answers, its figures match the source, every term is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from ipgraph import paths
from ipgraph.graph.build import build_sources
from ipgraph.sparql.entailment import entail
from ipgraph.sparql.run import evaluate
from ipgraph.sparql.store import EmbeddedStore

README = paths.RESOURCES / "ontology" / "README.md"
ONTOLOGY = paths.RESOURCES / "ontology" / "ipgraph.ttl"
SAMPLE = Path(__file__).parent / "fixtures" / "annual-plan-sample.txt"
IPG = "https://w3id.org/ipgraph/ontology#"
ORG = "http://www.w3.org/ns/org#"
EXAMPLE = re.compile(r"^### (?P<title>[^\n]+)\n\n```sparql\n(?P<query>.*?)^```", re.S | re.M)


def examples() -> dict[str, str]:
    """Each ```sparql block of the README, by the heading above it."""
    found = {m["title"]: m["query"] for m in EXAMPLE.finditer(README.read_text(encoding="utf-8"))}
    assert found, f"no ```sparql block under a ### heading in {README}"
    return found


EXAMPLES = examples()


@pytest.fixture(scope="module")
def two_documents() -> EmbeddedStore:
    """The 2021 task list and the annual-plan sample, with entailments: some examples compare documents."""
    store = EmbeddedStore.from_rdflib(build_sources([paths.SOURCES_DIR, SAMPLE]))
    entail(store)
    return store


@pytest.fixture(scope="module")
def entailed(graph) -> EmbeddedStore:
    """The 2021 graph as `ipgraph query` and `ipgraph serve` load it: with its entailments."""
    store = EmbeddedStore.from_rdflib(graph)
    entail(store)
    return store


def rows(store: EmbeddedStore, title: str) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in row.items()} for row in evaluate(store, EXAMPLES[title], {}).rows]


def test_every_sparql_block_has_a_heading():
    blocks = README.read_text(encoding="utf-8").count("```sparql")
    assert blocks == len(EXAMPLES)


@pytest.mark.parametrize("title", EXAMPLES)
def test_example_runs_on_the_bundled_graph(entailed, title):
    evaluate(entailed, EXAMPLES[title], {})  # no syntax or evaluation error


@pytest.mark.parametrize("title", EXAMPLES)
def test_example_answers(two_documents, title):
    assert rows(two_documents, title), f"{title}: no result"


def paragraphs(source_lines: list[str]) -> list[str]:
    """The measure paragraphs of the 2021 source: each starts with <p> in a table row."""
    return [part for line in source_lines for part in line.split("<p>")[1:]]


def test_province_example_counts_the_paragraphs_addressed_to_each_scope(entailed, source_lines):
    """广东省 must carry out every 各地区 paragraph and may carry out the 有关地区 / 有条件的地区 ones."""
    opening = {"各地区": 0, "有关地区": 0, "有条件的地区": 0}
    for paragraph in paragraphs(source_lines):
        for scope in opening:
            opening[scope] += paragraph.startswith(scope)
    answer = {
        row["scope"]: (row["obligation"], int(row["measures"]))
        for row in rows(entailed, "Provinces: what 广东省 must and may carry out")
    }
    assert answer == {
        "各地区": ("must", opening["各地区"]),
        "有关地区": ("possibly", opening["有关地区"]),
        "有条件的地区": ("possibly", opening["有条件的地区"]),
    }
    assert opening["各地区"] == 18  # the figure the README states


def test_topic_example_finds_every_paragraph_with_the_keyword(entailed, source_lines):
    found = rows(entailed, "Topics: the measures tagged 地理标志, with the keyword that matched")
    assert len(found) == sum("地理标志" in p for p in paragraphs(source_lines)) == 7
    lines = {int(row["line"]) for row in found}
    assert all("地理标志" in source_lines[line - 1] for line in lines)


def test_outside_example_lists_hong_kong_macao_taiwan(entailed):
    codes = [row["code"] for row in rows(entailed, "Provinces: the divisions outside the region scopes")]
    assert codes == ["710000", "810000", "820000"]


def test_every_ontology_term_is_documented():
    """Each ipg: class and property of ontology/ipgraph.ttl appears in the README's tables."""
    ontology = Graph().parse(ONTOLOGY, format="turtle")
    terms = {str(s) for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(IPG)}
    text = README.read_text(encoding="utf-8")
    missing = sorted(t for t in terms if f"`ipg:{t.removeprefix(IPG)}`" not in text)
    assert missing == []


def stated_instances(graph: Graph, cls: URIRef) -> set[str]:
    """Resources the graph types with ``cls`` or one of its subclasses, by the ontology read with rdflib."""
    ontology = Graph().parse(ONTOLOGY, format="turtle")
    classes = set(ontology.transitive_subjects(RDFS.subClassOf, cls))
    return {str(s) for c in classes for s in graph.subjects(RDF.type, c)}


def test_policy_document_example_lists_every_document_of_a_subclass(graph, entailed):
    found = rows(entailed, "Superclasses: every policy document, whatever its kind")
    expected = stated_instances(graph, URIRef(IPG + "PolicyDocument"))
    assert {row["document"] for row in found} == expected
    assert "https://w3id.org/ipgraph/id/cnipa-tasklist-2021" in expected  # the task list is a policy document
    assert {"专利法实施细则", "关于强化知识产权保护的意见"} <= {row["label"] for row in found}


def test_organisation_example_lists_departments_and_bodies(graph, entailed):
    found = rows(entailed, "Superclasses: every organisation, department or body")
    assert {row["organisation"] for row in found} == stated_instances(graph, URIRef(ORG + "Organization"))
    units = {row["label"] for row in found if row["unit"] == "true"}
    assert units == {str(o) for d in graph.subjects(RDF.type, URIRef(IPG + "Department")) for o in zh_labels(graph, d)}
    assert {"保护司", "专利局"} <= units


def zh_labels(graph: Graph, node) -> list[Literal]:
    return [o for o in graph.objects(node, RDFS.label) if getattr(o, "language", None) == "zh"]


def test_part_of_example_counts_sections_tasks_and_measures(entailed, store):
    title = "Part of: everything in the 2021 task list, at any depth"
    counts = {row["kind"].removeprefix(IPG): int(row["parts"]) for row in rows(entailed, title)}
    assert counts == {"Section": 8, "Task": 22, "Measure": 45}
    # stated data alone: sections state their enclosing heading or document; tasks and measures need the rules
    assert [(row["kind"].removeprefix(IPG), int(row["parts"])) for row in rows(store, title)] == [("Section", 8)]


def test_inverse_example_names_the_patent_offices_sub_units(graph, entailed):
    found = rows(entailed, "Inverses: CNIPA's units and the Patent Office's sub-units")
    departments = set(graph.subjects(RDF.type, URIRef(IPG + "Department")))
    assert len({row["unit"] for row in found}) == len(departments)
    assert {row["subUnit"] for row in found if row["unit"] == "专利局"} == {"专利局审查部", "专利局自动化部"}
