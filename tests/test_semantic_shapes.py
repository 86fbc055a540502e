"""Shapes of the semantic layer (shapes/semantic.ttl): what conforms, and each defect found for the right reason.

The graph under test is the two-document graph (the 2021 task list and the annual-plan
sample), the only one with ipg:similarTitle links. Each case below changes one node of
it and names the node, path and check that must report it; the Turtle files of
tests/fixtures/shapes/semantic/ add nodes that are broken as a whole. Both validation
engines (pySHACL, the reference, and the fast SPARQL engine) must give the same report.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rns

from ipgraph import paths
from ipgraph.graph.build import build_sources
from ipgraph.shacl import Report, shapes_graph, validate
from tests.helpers.shape_cases import (
    ID,
    Case,
    add,
    assert_only_case_nodes,
    copy,
    drop,
    explain,
    node,
    replace,
    with_defects,
)

HERE = Path(__file__).parent
SAMPLE = HERE / "fixtures" / "annual-plan-sample.txt"
FIXTURES = HERE / "fixtures" / "shapes" / "semantic"
SEMANTIC_SHAPES = paths.SHAPES_DIR / "semantic.ttl"
IPG = rns.Namespace("https://w3id.org/ipgraph/ontology#")
SH = rns.SH
SKOS, DCTERMS, RDF = rns.SKOS, rns.DCTERMS, rns.RDF
WIKIDATA = "http://www.wikidata.org/entity/"


CASES = [
    # topics
    Case(
        "topic-not-concept",
        drop("concept/copyright", RDF.type, SKOS.Concept),
        "concept/copyright",
        "rdf:type",
        "HasValue",
    ),
    Case(
        "topic-other-scheme",
        replace("concept/plant-varieties", SKOS.inScheme, node("province")),
        "concept/plant-varieties",
        "skos:inScheme",
        "HasValue",
    ),
    Case(
        "topic-no-zh-preflabel",
        drop("concept/trade-secrets", SKOS.prefLabel, lang="zh"),
        "concept/trade-secrets",
        "skos:prefLabel",
        "QualifiedMinCount",
        "Chinese",
    ),
    Case(
        "topic-no-en-definition",
        drop("concept/new-fields", SKOS.definition, lang="en"),
        "concept/new-fields",
        "skos:definition",
        "QualifiedMinCount",
        "English",
    ),
    Case(
        "topic-two-zh-preflabels",
        add("concept/patents", SKOS.prefLabel, Literal("专利制度", lang="zh")),
        "concept/patents",
        "skos:prefLabel",
        "UniqueLang",
    ),
    Case(
        "topic-keyword-language",
        add("concept/trademarks", SKOS.hiddenLabel, Literal("trademark", lang="en")),
        "concept/trademarks",
        "skos:hiddenLabel",
        "LanguageIn",
    ),
    Case(
        "topic-notation-pattern",
        replace("concept/publicity", SKOS.notation, Literal("Publicity")),
        "concept/publicity",
        "skos:notation",
        "Pattern",
    ),
    Case(
        "topic-orphan",
        drop("concept/industrial-designs", SKOS.broader),
        "concept/industrial-designs",
        "",
        "topic in the hierarchy",
    ),
    Case(
        "topic-broader-not-topic",
        add("concept/ip-finance", SKOS.broader, node("province/440000")),
        "concept/ip-finance",
        "skos:broader",
        "Class",
    ),
    Case(
        "topic-name-clash",
        add("concept/legislation", SKOS.altLabel, Literal("审查授权", lang="zh")),
        "concept/legislation",
        "",
        "unique topic name",
        others=("concept/examination",),
    ),
    # topic tags
    Case(
        "task-subject-not-topic",
        add("task/3", DCTERMS.subject, node("province/440000")),
        "task/3",
        "dcterms:subject",
        "Class",
    ),
    Case(
        "measure-tag-not-in-text",
        add("task/2/measure/1", DCTERMS.subject, node("concept/copyright")),
        "task/2/measure/1",
        "",
        "topic found in the text",
        others=("task/2",),  # the task lacks the measure's new topic
    ),
    Case(
        "measure-tag-missing",
        drop("task/5/measure/1", DCTERMS.subject, node("concept/trademarks")),
        "task/5/measure/1",
        "",
        "every topic of the text",
        others=("task/5",),  # the task's 商标 tag no longer comes from a measure
    ),
    Case(
        "task-tag-missing",
        drop("task/8", DCTERMS.subject, node("concept/patents")),
        "task/8",
        "",
        "every topic of the title and measures",
    ),
    Case(
        "task-tag-unexplained",
        add("task/9", DCTERMS.subject, node("concept/copyright")),
        "task/9",
        "",
        "topic found in the title or a measure",
    ),
    # provinces
    Case(
        "province-code-pattern",
        replace("province/440000", SKOS.notation, Literal("4400")),
        "province/440000",
        "skos:notation",
        "Pattern",
    ),
    Case(
        "province-duplicate-code",
        replace("province/320000", SKOS.notation, Literal("330000")),
        "province/320000",
        "",
        "unique division code",
        others=("province/330000",),
    ),
    Case(
        "province-code-not-in-iri",
        replace("province/360000", SKOS.notation, Literal("800000")),
        "province/360000",
        "",
        "code in the IRI",
    ),
    Case(
        "province-not-concept",
        drop("province/110000", RDF.type, SKOS.Concept),
        "province/110000",
        "rdf:type",
        "HasValue",
    ),
    Case(
        "province-other-scheme",
        replace("province/210000", SKOS.inScheme, node("concept")),
        "province/210000",
        "skos:inScheme",
        "HasValue",
    ),
    Case(
        "province-no-en-preflabel",
        drop("province/150000", SKOS.prefLabel, lang="en"),
        "province/150000",
        "skos:prefLabel",
        "QualifiedMinCount",
        "English",
    ),
    Case(
        "province-no-zh-kind",
        drop("province/120000", IPG.divisionKind, lang="zh"),
        "province/120000",
        "ipg:divisionKind",
        "QualifiedMinCount",
        "省, 自治区",
    ),
    Case(
        "province-unknown-kind",
        replace("province/130000", IPG.divisionKind, Literal("地区", lang="zh"), lang="zh"),
        "province/130000",
        "ipg:divisionKind",
        "QualifiedMinCount",
        "省, 自治区",
    ),
    Case(
        "province-coverage-datatype",
        replace("province/140000", IPG.coveredByRegionScopes, Literal("yes")),
        "province/140000",
        "ipg:coveredByRegionScopes",
        "Datatype",
    ),
    Case(
        "province-coverage-disagrees",
        replace("province/810000", IPG.coveredByRegionScopes, Literal(True)),
        "province/810000",
        "",
        "coverage agrees with the scopes",
    ),
    Case(
        "province-name-clash",
        add("province/450000", SKOS.altLabel, Literal("广东", lang="zh")),
        "province/450000",
        "",
        "unique division name",
        others=("province/440000",),
    ),
    # region scopes
    Case(
        "scope-may-include-non-province",
        add("scope/qualified-regions", IPG.mayIncludeRegion, node("concept/patents")),
        "scope/qualified-regions",
        "ipg:mayIncludeRegion",
        "Class",
    ),
    Case(
        "scope-certain-and-possible",
        add("scope/relevant-regions", IPG.includesRegion, node("province/440000")),
        "scope/relevant-regions",
        "",
        "certain or possible",
    ),
    Case(
        "scope-no-divisions",
        drop("scope/all-regions", IPG.includesRegion),
        "scope/all-regions",
        "",
        "divisions of the scope",
    ),
    Case(
        "region-link-not-scope",
        add("org/samr", IPG.includesRegion, node("province/440000")),
        "org/samr",
        "",
        "Class",
    ),
    # similar titles
    Case(
        "similar-one-way",
        drop("task/19", IPG.similarTitle, node("annual-plan-2022/task/10")),
        "annual-plan-2022/task/10",
        "",
        "similar both ways",
    ),
    Case(
        "similar-same-document",
        add("task/1", IPG.similarTitle, node("task/2")),
        "task/1",
        "",
        "similar task of another document",
    ),
    Case(
        "similar-not-task",
        add("annual-plan-2022/task/1", IPG.similarTitle, node("section/1")),
        "annual-plan-2022/task/1",
        "ipg:similarTitle",
        "Class",
    ),
    # cited documents' issuers and years
    Case(
        "reference-year-datatype",
        replace("ref/rcep", DCTERMS.issued, Literal("2020")),
        "ref/rcep",
        "dcterms:issued",
        "Datatype",
    ),
    Case(
        "reference-two-years",
        add("ref/trademark-law", DCTERMS.issued, Literal("2019", datatype=rns.XSD.gYear)),
        "ref/trademark-law",
        "dcterms:issued",
        "MaxCount",
    ),
    Case(
        "reference-publisher-not-org",
        add("ref/hague-agreement", DCTERMS.publisher, node("province/440000")),
        "ref/hague-agreement",
        "dcterms:publisher",
        "Or",
    ),
    # Wikidata links
    Case(
        "exact-match-page-not-entity",
        replace("org/cnipa", SKOS.exactMatch, URIRef("https://www.wikidata.org/wiki/Q985999")),
        "org/cnipa",
        "skos:exactMatch",
        "Pattern",
    ),
    Case(
        "exact-match-literal",
        add("ref/wipo", SKOS.exactMatch, Literal("Q401475")),
        "ref/wipo",
        "skos:exactMatch",
        "NodeKind",
    ),
]

# Fixture file → (focus IRI, path, check) of every result it must give, and no other.
FIXTURE_RESULTS = {
    "annual-plan-not-tasklist.ttl": {(ID + "annual-plan-2023", "rdf:type", "HasValue")},
    "scope-without-divisions.ttl": {(ID + "scope/western-regions", "", "divisions of the scope")},
    "similar-outside-tasks.ttl": {
        (ID + "cnipa-tasklist-2021/section/2", "", "Class"),
        (ID + "cnipa-tasklist-2021/section/2", "", "similar task of another document"),
        (ID + "cnipa-tasklist-2021/section/2", "", "similar both ways"),
    },
    "topic-without-keywords.ttl": {(ID + "concept/data-rights", "", "keywords of a leaf topic")},
}


def key(v) -> tuple:
    """Everything a violation reports except the shape's id (pySHACL names inline shapes by blank node)."""
    return (v.focus, v.label, v.line, v.path, v.constraint, v.check, v.message, v.value, v.severity)


def both_engines(graph: Graph, shapes: Graph) -> Report:
    """The report of both engines, which must agree; the fast engine must not refuse."""
    fast, reference = validate(graph, shapes, engine="fast"), validate(graph, shapes, engine="pyshacl")
    assert fast.conforms == reference.conforms
    assert Counter(map(key, fast.violations)) == Counter(map(key, reference.violations))
    return reference


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph()


@pytest.fixture(scope="module")
def two_documents() -> Graph:
    return build_sources([paths.SOURCES_DIR, SAMPLE])


@pytest.fixture(scope="module")
def broken_report(two_documents, shapes) -> Report:
    """All CASES applied to one copy of the two-document graph, validated once by each engine."""
    return both_engines(with_defects(two_documents, [case.mutate for case in CASES]), shapes)


# --- the real graphs conform, and use every term the shapes check ---------------------------


@pytest.mark.slow
def test_the_two_document_graph_conforms(two_documents, shapes):
    report = both_engines(two_documents, shapes)
    assert report.conforms, report.text()


def test_the_graphs_exercise_the_semantic_shapes(two_documents):
    """Conformance means something only if the data has what the shapes check."""
    used = {p for _, p, _ in two_documents}
    terms = [
        DCTERMS.subject, DCTERMS.issued, DCTERMS.publisher, SKOS.hiddenLabel, SKOS.broader, SKOS.exactMatch,
        IPG.includesRegion, IPG.mayIncludeRegion, IPG.divisionKind, IPG.coveredByRegionScopes, IPG.similarTitle,
    ]  # fmt: skip
    assert [t for t in terms if t not in used] == []
    for cls in (IPG.Topic, IPG.Province, IPG.AnnualPlan, IPG.RegionScope):
        assert (None, RDF.type, cls) in two_documents, cls


def test_the_builder_writes_similar_titles_both_ways(two_documents):
    """What "similar both ways" requires is what the builder writes."""
    pairs = set(two_documents.subject_objects(IPG.similarTitle))
    assert pairs
    assert {(b, a) for a, b in pairs} == pairs


def test_the_only_wikidata_link_is_the_documented_one(two_documents):
    """docs/semantic-layer.md lists CNIPA → Q985999 as the one verified link."""
    links = set(two_documents.subject_objects(SKOS.exactMatch))
    assert links == {(node("org/cnipa"), URIRef(WIKIDATA + "Q985999"))}


def test_provinces_and_codes_match_the_vocabulary_file(two_documents):
    """34 divisions, codes read from data/vocab/provinces.ttl's text; the three outside the scopes."""
    text = (paths.RESOURCES / "data" / "vocab" / "provinces.ttl").read_text(encoding="utf-8")
    codes = {line.split('"')[1] for line in text.splitlines() if line.strip().startswith("skos:notation")}
    graph_codes = {
        str(c) for p in two_documents.subjects(RDF.type, IPG.Province) for c in two_documents.objects(p, SKOS.notation)
    }
    assert len(codes) == 34 and graph_codes == codes
    outside = {str(p).rsplit("/", 1)[1] for p in two_documents.subjects(IPG.coveredByRegionScopes, Literal(False))}
    assert outside == {"710000", "810000", "820000"}  # Taiwan, Hong Kong, Macao


# --- each defect is found, on its node, by its constraint ------------------------------------


def test_case_nodes_exist(two_documents):
    """Every case is about a node of the graph, so no case passes by pointing nowhere."""
    for case in CASES:
        assert (node(case.focus), None, None) in two_documents, case.id


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_graph_fails_for_the_right_reason(broken_report, case):
    assert not broken_report.conforms
    assert case.found_in(broken_report), explain(broken_report)


def test_broken_graph_reports_only_broken_nodes(broken_report):
    assert_only_case_nodes(broken_report, CASES)


def test_every_fixture_is_used():
    assert sorted(p.name for p in FIXTURES.glob("*.ttl")) == sorted(FIXTURE_RESULTS)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FIXTURE_RESULTS))
def test_fixture_fails_for_the_right_reason(two_documents, shapes, name):
    g = copy(two_documents)
    g.parse(FIXTURES / name, format="turtle")
    report = both_engines(g, shapes)
    assert not report.conforms
    assert {(v.focus, v.path, v.check) for v in report.violations} == FIXTURE_RESULTS[name], explain(report)


# --- conventions of the shapes file ---------------------------------------------------------


def test_every_shape_and_constraint_is_named_described_and_explained():
    """sh:name, sh:description and sh:message on each shape, property shape and SPARQL constraint."""
    g = Graph().parse(SEMANTIC_SHAPES, format="turtle")
    described = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    described |= set(g.objects(None, SH.property)) | set(g.objects(None, SH.sparql))
    described = {s for s in described if any(g.predicate_objects(s))}  # not those of common.ttl
    assert len(described) > 20
    assert [(str(s), str(p)) for s in described for p in (SH.name, SH.description) if g.value(s, p) is None] == []
    # every constraint says what is wrong in English; node shapes only where they hold constraints themselves
    constraints = {s for s in described if (s, RDF.type, SH.NodeShape) not in g or g.value(s, SH["class"])}
    english = [
        s for s in constraints if not any(getattr(m, "language", None) == "en" for m in g.objects(s, SH.message))
    ]
    assert english == []
