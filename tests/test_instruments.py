"""The policy-instrument scheme, its tags on the 2021 list, the review table and the mix queries.

Expected tags are counted from the measure paragraphs of the source text itself.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from ipgraph import paths
from ipgraph.graph.build import build_sources
from ipgraph.graph.concepts import rules
from ipgraph.graph.instruments import SCHEME
from ipgraph.graph.namespaces import DCTERMS, ID, IPG, RDF, SKOS
from ipgraph.sparql.library import resolve
from ipgraph.sparql.run import run_embedded
from ipgraph.sparql.store import EmbeddedStore
from tools import concept_review, instrument_review

SAMPLE = Path(__file__).parent / "fixtures" / "annual-plan-sample.txt"
GROUPS = {"supply-side": 4, "environment-side": 5, "demand-side": 4}


def texts(graph: Graph, node, prop) -> dict[str, str]:
    return {v.language: str(v) for v in graph.objects(node, prop) if isinstance(v, Literal)}


@pytest.fixture(scope="module")
def kinds(graph) -> dict[str, tuple[str, ...]]:
    """notation → keywords of every kind of instrument."""
    return {rule.notation: rule.keywords for rule in rules(graph, SCHEME)}


@pytest.fixture(scope="module")
def paragraphs(source_lines) -> list[str]:
    """The 45 measure paragraphs of the 2021 source (each follows a <p> in a table row)."""
    return [part.split("</p>")[0] for line in source_lines for part in line.split("<p>")[1:]]


def test_scheme_has_three_groups_and_thirteen_kinds(graph, kinds):
    groups = set(graph.objects(SCHEME, SKOS.hasTopConcept))
    assert {str(graph.value(g, SKOS.notation)) for g in groups} == set(GROUPS)
    for group in groups:
        members = {k for k in graph.subjects(SKOS.broader, group)}
        assert len(members) == GROUPS[str(graph.value(group, SKOS.notation))]
        assert all(str(graph.value(k, SKOS.notation)) in kinds for k in members)
    assert len(kinds) == 13
    for concept in set(graph.subjects(SKOS.inScheme, SCHEME)):
        assert (concept, RDF.type, IPG.PolicyInstrument) in graph and (concept, RDF.type, SKOS.Concept) in graph
        assert set(texts(graph, concept, SKOS.prefLabel)) == set(texts(graph, concept, SKOS.definition)) == {"zh", "en"}


def test_each_kind_tags_exactly_the_measures_whose_text_has_a_keyword(graph, kinds, paragraphs):
    assert len(paragraphs) == 45
    tagged = defaultdict(set)
    for measure, kind in graph.subject_objects(IPG.policyInstrument):
        if (measure, RDF.type, IPG.Measure) in graph:
            tagged[str(graph.value(kind, SKOS.notation))].add(str(graph.value(measure, IPG.text)))
    for notation, keywords in kinds.items():
        expected = {p for p in paragraphs if any(k in p for k in keywords)}
        assert len(tagged[notation]) == len(expected), notation
    assert len(tagged["regulation"]) == len(tagged["ip-protection"]) == 19
    assert not tagged["procurement"] and not tagged["outsourcing"]


def test_a_task_has_its_measures_and_its_titles_instruments(graph, kinds):
    by_notation = {str(graph.value(k, SKOS.notation)): k for k in graph.subjects(SKOS.inScheme, SCHEME)}
    for task in graph.subjects(RDF.type, IPG.Task):
        title = str(graph.value(task, DCTERMS.title))
        expected = {by_notation[n] for n, words in kinds.items() if any(w in title for w in words)}
        for measure in graph.subjects(IPG.task, task):
            expected |= set(graph.objects(measure, IPG.policyInstrument))
        assert set(graph.objects(task, IPG.policyInstrument)) == expected


def test_instrument_tags_leave_the_topic_tags_alone(graph):
    instruments = set(graph.subjects(SKOS.inScheme, SCHEME))
    assert not any(o in instruments for o in graph.objects(None, DCTERMS.subject))


def test_review_table_in_the_docs_is_up_to_date(graph):
    doc = concept_review.DOC.read_text(encoding="utf-8")
    table = instrument_review.instrument_table(graph)
    refreshed = concept_review.replace_review(doc, table, instrument_review.REVIEW_START, instrument_review.REVIEW_END)
    assert refreshed == doc, "run `python -m tools.instrument_review` to refresh the doc"
    assert "| 1 | measure 2 | 目标规划 (目标、规划); 策略性措施 (强国、战略) |" in table


# --- the queries ----------------------------------------------------------------------


def records(store: EmbeddedStore, name: str) -> list[dict[str, str]]:
    return run_embedded(store, resolve(name), {}).records()


def test_mix_per_document_counts_and_shares(store, graph, paragraphs, kinds):
    rows = records(store, "instrument-mix-documents")
    assert {r["document"] for r in rows} == {str(ID["cnipa-tasklist-2021"])}
    counts = {r["notation"]: int(r["measures"]) for r in rows}
    for notation, keywords in kinds.items():
        assert counts.get(notation, 0) == len({p for p in paragraphs if any(k in p for k in keywords)})
    assert {int(r["tags"]) for r in rows} == {sum(counts.values())}
    assert [r["group"] for r in rows] == sorted((r["group"] for r in rows), reverse=True)


def test_mix_per_body_counts_the_measures_of_its_tasks(store, graph):
    rows = records(store, "instrument-mix-bodies")
    protection = [r for r in rows if r["body_zh"] == "保护司"]
    body = URIRef(protection[0]["body"])
    expected = defaultdict(set)
    for task in graph.subjects(IPG.responsibleBody, body):
        for measure in graph.subjects(IPG.task, task):
            for kind in graph.objects(measure, IPG.policyInstrument):
                expected[str(graph.value(kind, SKOS.notation))].add(measure)
    assert {r["notation"]: int(r["measures"]) for r in protection} == {n: len(m) for n, m in expected.items()}
    assert {int(r["tags"]) for r in protection} == {sum(len(m) for m in expected.values())}


def test_mix_per_period_has_one_year_per_document_year():
    store = EmbeddedStore.from_rdflib(build_sources([paths.SOURCES_DIR, SAMPLE]))
    rows = records(store, "instrument-mix-periods")
    years = {r["year"] for r in rows}
    assert "2021" in years and len(years) == 2
    for year in years:
        assert {int(r["tags"]) for r in rows if r["year"] == year} == {
            sum(int(r["measures"]) for r in rows if r["year"] == year)
        }
        assert {r["documents"] for r in rows if r["year"] == year} == {"1"}
