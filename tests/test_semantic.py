"""The semantic layer on the 2021 list: topic tags, topic queries, provinces, links.

Expected answers are computed from the raw source lines (and the keyword lists of
data/vocab/concepts.ttl, which are the tagging rules), not from the builder.
"""

from __future__ import annotations

import re

import pytest
from rdflib import Literal

from ipgraph import paths
from ipgraph.graph import concepts
from ipgraph.graph.namespaces import DCTERMS, ID, IPG, RDF, SKOS
from ipgraph.sparql.library import resolve
from ipgraph.sparql.run import run_embedded
from tools import concept_review

TASK_ROW = re.compile(r"^(\d+)[.．]")
DOC = paths.RESOURCES / "docs" / "semantic-layer.md"


@pytest.fixture(scope="module")
def task_rows(source_lines) -> dict[int, list[str]]:
    """Task number → its tab-separated cells, straight from the source text."""
    rows = {}
    for line in source_lines:
        if m := TASK_ROW.match(line):
            rows[int(m[1])] = line.split("\t")
    return rows


def keywords(graph, notation: str) -> list[str]:
    concept = ID[f"concept/{notation}"]
    return [str(k) for k in graph.objects(concept, SKOS.hiddenLabel)]


def tasks_mentioning(task_rows, words) -> set[int]:
    """Tasks whose title or measures (not the departments column) contain one of the words."""
    return {n for n, cells in task_rows.items() if any(w in cells[0] + cells[1] for w in words)}


def tagged_tasks(graph, notation: str) -> set[int]:
    concept = ID[f"concept/{notation}"]
    return {
        int(graph.value(t, IPG.number))
        for t in graph.subjects(DCTERMS.subject, concept)
        if (t, RDF.type, IPG.Task) in graph
    }


def run(store, name, **params):
    return run_embedded(store, resolve(name), params).records()


def test_geographical_indications_are_tagged_where_the_text_says_so(graph, task_rows):
    assert tasks_mentioning(task_rows, ["地理标志"]) == {1, 3, 10, 14, 18}
    assert tagged_tasks(graph, "geographical-indications") == {1, 3, 10, 14, 18}


def test_every_topic_tags_exactly_the_tasks_whose_text_has_a_keyword(graph, task_rows):
    leaves = {str(graph.value(c, SKOS.notation)) for c in graph.subjects(SKOS.broader, None)}
    assert len(leaves) >= 10
    for notation in sorted(leaves):
        expected = tasks_mentioning(task_rows, keywords(graph, notation))
        assert tagged_tasks(graph, notation) == expected, notation


def test_measures_carry_the_topics_of_their_own_text(graph):
    rules = concepts.rules(graph)
    for measure in graph.subjects(RDF.type, IPG.Measure):
        text = str(graph.value(measure, IPG.text))
        assert set(graph.objects(measure, DCTERMS.subject)) == set(concepts.tags(text, rules))


def normalise(name: str) -> str:
    """专利局审查部、自动化部 name the Patent Office's units; compare without the office prefix."""
    return name.removeprefix("专利局") or name


def test_departments_working_on_geographical_indications(store, task_rows):
    gi_tasks = tasks_mentioning(task_rows, ["地理标志"])
    expected: dict[str, set[int]] = {}
    for n in gi_tasks:
        for name in filter(None, re.split(r"[、，,\s]+", task_rows[n][2])):
            expected.setdefault(normalise(name), set()).add(n)
    rows = run(store, "concept-departments", topic="geographical indications")
    got = {normalise(r["body_zh"]): {int(x) for x in r["task_numbers"].split(", ")} for r in rows}
    assert got == expected
    assert run(store, "concept-departments", topic="地理标志") == [dict(r, topic="地理标志") for r in rows]


def test_sections_involving_international_cooperation(store, graph, task_rows, source_lines):
    tasks = tasks_mentioning(task_rows, keywords(graph, "international-cooperation"))
    rows = run(store, "concept-sections", topic="international-cooperation")
    assert sorted(int(n) for r in rows for n in r["task_numbers"].split(", ")) == sorted(tasks)
    headings = [line for line in source_lines if "国际合作" in line and "\t" not in line.strip("\t")]
    assert any(r["section_zh"] in headings[0] for r in rows), "section 七 (国际合作…) is among them"


def test_unknown_topic_gives_no_rows(store):
    assert run(store, "concept-departments", topic="no such topic") == []


def test_the_review_table_in_the_doc_matches_the_graph(graph):
    doc = DOC.read_text(encoding="utf-8")
    table = concept_review.review_table(graph, ID["cnipa-tasklist-2021"])
    assert concept_review.replace_review(doc, table) == doc, "run `python -m tools.concept_review` to refresh the doc"
    measures = sum(1 for _ in graph.subjects(RDF.type, IPG.Measure))
    assert table.count("| measure ") == measures


def test_topic_scheme_is_bilingual_and_defined(graph):
    topics = list(graph.subjects(RDF.type, IPG.Topic))
    assert topics
    for topic in topics:
        for prop in (SKOS.prefLabel, SKOS.definition):
            langs = {v.language for v in graph.objects(topic, prop) if isinstance(v, Literal)}
            assert {"zh", "en"} <= langs, (topic, prop)


# --- provinces -----------------------------------------------------------------------


def test_thirty_four_divisions_with_gbt2260_codes(graph):
    provinces = list(graph.subjects(RDF.type, IPG.Province))
    assert len(provinces) == 34
    codes = {str(graph.value(p, SKOS.notation)) for p in provinces}
    assert all(re.fullmatch(r"[1-8]\d0000", c) for c in codes) and len(codes) == 34
    assert str(graph.value(ID["province/440000"], SKOS.prefLabel)) in {"广东省", "Guangdong Province"}


def test_what_guangdong_must_and_may_do(store, source_lines):
    text = "\n".join(source_lines)
    must = text.count("<p>各地区")
    possibly = text.count("<p>有条件的地区") + text.count("<p>有关地区")
    rows = run(store, "region-province-measures", province="广东省")
    assert sum(r["obligation"] == "must" for r in rows) == must == 18
    assert sum(r["obligation"] == "possibly" for r in rows) == possibly == 5
    assert all(r["text"].startswith("各地区") for r in rows if r["obligation"] == "must")
    for r in rows:
        assert source_lines[int(r["source_line"]) - 1].count(r["text"]) == 1
    by_code = run(store, "region-province-measures", province="440000")
    assert [dict(r, province="广东省") for r in by_code] == rows


@pytest.mark.parametrize("name", ["香港特别行政区", "澳门", "台湾省"])
def test_hong_kong_macao_taiwan_are_outside_the_region_scopes(store, name):
    assert run(store, "region-province-measures", province=name) == []


def test_every_mainland_division_is_covered(store):
    rows = run(store, "region-provinces")
    covered = [r for r in rows if r["covered"] == "true"]
    assert len(rows) == 34 and len(covered) == 31
    assert {(r["must"], r["possibly"]) for r in covered} == {("18", "5")}


# --- links to public identifiers ---------------------------------------------------------


def test_every_wikidata_link_is_in_the_documented_list(graph):
    doc = DOC.read_text(encoding="utf-8")
    links = {str(o) for o in graph.objects(None, SKOS.exactMatch) if "wikidata.org" in str(o)}
    assert links, "CNIPA's verified Wikidata item is linked"
    for link in links:
        assert link.rsplit("/", 1)[1] in doc, link
