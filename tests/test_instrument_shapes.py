"""Shapes of the policy-instrument scheme and its tags (shapes/instruments.ttl): what conforms, and each defect.

The graph under test is the two-document graph (the 2021 task list and the annual-plan
sample), whose measures and tasks carry instrument tags of eleven of the thirteen kinds.
Each case changes one node of it and names the node, path and check that must report
it; both validation engines (pySHACL, the reference, and the fast SPARQL engine) must
give the same report, as in tests/test_semantic_shapes.py.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal
from rdflib import namespace as rns

from ipgraph import paths
from ipgraph.graph.build import build_sources
from ipgraph.shacl import shapes_graph, validate
from tests.helpers.shape_cases import Case, add, assert_only_case_nodes, drop, explain, node, replace, with_defects
from tests.test_semantic_shapes import SAMPLE, both_engines

IPG = rns.Namespace("https://w3id.org/ipgraph/ontology#")
SH, SKOS, RDF, RDFS = rns.SH, rns.SKOS, rns.RDF, rns.RDFS
INSTRUMENT_SHAPES = paths.SHAPES_DIR / "instruments.ttl"


def new_kind_without_keywords(g: Graph) -> None:
    """A complete kind under the supply-side group, but with no keyword to tag text with."""
    kind = node("instrument/vouchers")
    for p, o in [
        (RDF.type, IPG.PolicyInstrument),
        (RDF.type, SKOS.Concept),
        (RDFS.label, Literal("创新券", lang="zh")),
        (RDFS.label, Literal("vouchers", lang="en")),
        (SKOS.prefLabel, Literal("创新券", lang="zh")),
        (SKOS.prefLabel, Literal("vouchers", lang="en")),
        (SKOS.definition, Literal("以券抵扣服务费用。", lang="zh")),
        (SKOS.definition, Literal("Vouchers that pay for services.", lang="en")),
        (SKOS.notation, Literal("vouchers")),
        (SKOS.inScheme, node("instrument")),
        (SKOS.broader, node("instrument/supply-side")),
    ]:
        g.add((kind, p, o))


CASES = [
    # the scheme's concepts
    Case(
        "instrument-not-concept",
        drop("instrument/talent", RDF.type, SKOS.Concept),
        "instrument/talent",
        "rdf:type",
        "HasValue",
    ),
    Case(
        "instrument-other-scheme",
        replace("instrument/supply-side", SKOS.inScheme, node("concept")),
        "instrument/supply-side",
        "skos:inScheme",
        "HasValue",
    ),
    Case(
        "instrument-no-zh-preflabel",
        drop("instrument/infrastructure", SKOS.prefLabel, lang="zh"),
        "instrument/infrastructure",
        "skos:prefLabel",
        "QualifiedMinCount",
        "Chinese",
    ),
    Case(
        "instrument-no-en-definition",
        drop("instrument/finance-tax", SKOS.definition, lang="en"),
        "instrument/finance-tax",
        "skos:definition",
        "QualifiedMinCount",
        "English",
    ),
    Case(
        "group-no-zh-definition",
        drop("instrument/demand-side", SKOS.definition, lang="zh"),
        "instrument/demand-side",
        "skos:definition",
        "QualifiedMinCount",
        "Chinese",
    ),
    Case(
        "instrument-notation-pattern",
        replace("instrument/strategy", SKOS.notation, Literal("Strategy")),
        "instrument/strategy",
        "skos:notation",
        "Pattern",
    ),
    Case(
        "instrument-keyword-language",
        add("instrument/goals-planning", SKOS.hiddenLabel, Literal("plan", lang="en")),
        "instrument/goals-planning",
        "skos:hiddenLabel",
        "LanguageIn",
    ),
    Case(
        "instrument-orphan", drop("instrument/procurement", SKOS.broader), "instrument/procurement", "", "group or kind"
    ),
    Case(
        "instrument-third-level",
        replace("instrument/outsourcing", SKOS.broader, node("instrument/talent")),
        "instrument/outsourcing",
        "",
        "group or kind",
    ),
    Case(
        "group-not-listed-by-scheme",
        drop("instrument", SKOS.hasTopConcept, node("instrument/environment-side")),
        "instrument/environment-side",
        "",
        "group or kind",
    ),
    Case(
        "kind-without-keywords", new_kind_without_keywords, "instrument/vouchers", "", "keywords of an instrument kind"
    ),
    Case(
        "instrument-name-clash",
        add("instrument/trade-overseas", SKOS.altLabel, Literal("人才培养", lang="zh")),
        "instrument/trade-overseas",
        "",
        "unique instrument name",
        others=("instrument/talent",),
    ),
    # the tags
    Case(
        "tag-not-instrument",
        add("task/3/measure/1", IPG.policyInstrument, node("concept/patents")),
        "task/3/measure/1",
        "ipg:policyInstrument",
        "Class",
        others=("task/3",),
    ),
    Case(
        "tag-is-a-group",
        add("task/4/measure/1", IPG.policyInstrument, node("instrument/supply-side")),
        "task/4/measure/1",
        "",
        "instrument tag is a kind of the scheme",
        others=("task/4",),
    ),
    Case(
        "tag-on-a-section",
        add("section/1", IPG.policyInstrument, node("instrument/talent")),
        "section/1",
        "",
        "instrument tag on a measure or task",
    ),
    Case(
        "measure-instrument-not-in-text",
        add("task/5/measure/1", IPG.policyInstrument, node("instrument/finance-tax")),
        "task/5/measure/1",
        "",
        "instrument found in the text",
        others=("task/5",),
    ),
    Case(
        "measure-instrument-missing",
        drop("task/2/measure/2", IPG.policyInstrument, node("instrument/pilot-demonstration")),
        "task/2/measure/2",
        "",
        "every instrument of the text",
    ),
    Case(
        "task-instrument-missing",
        drop("task/8", IPG.policyInstrument, node("instrument/regulation")),
        "task/8",
        "",
        "every instrument of the title and measures",
    ),
    Case(
        "task-instrument-unexplained",
        add("task/9", IPG.policyInstrument, node("instrument/trade-overseas")),
        "task/9",
        "",
        "instrument found in the title or a measure",
    ),
]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph()


@pytest.fixture(scope="module")
def two_documents() -> Graph:
    return build_sources([paths.SOURCES_DIR, SAMPLE])


@pytest.fixture(scope="module")
def broken_report(two_documents, shapes):
    return both_engines(with_defects(two_documents, [case.mutate for case in CASES]), shapes)


def test_the_two_document_graph_has_no_instrument_result(two_documents, shapes):
    report = validate(two_documents, shapes, engine="fast")
    assert report.conforms, report.text()


def test_the_graph_exercises_the_instrument_shapes(two_documents):
    """Conformance means something only if measures and tasks carry tags of most kinds."""
    tagged = set(two_documents.objects(None, IPG.policyInstrument))
    instruments = set(two_documents.subjects(RDF.type, IPG.PolicyInstrument))
    kinds = set(two_documents.subjects(SKOS.broader, None)) & instruments
    assert len(kinds) == 13 and tagged <= kinds and len(tagged) >= 10
    for cls in (IPG.Measure, IPG.Task):
        assert any((s, RDF.type, cls) in two_documents for s in two_documents.subjects(IPG.policyInstrument, None))


def test_case_nodes_exist(two_documents):
    for case in CASES:
        if case.id != "kind-without-keywords":
            assert (node(case.focus), None, None) in two_documents, case.id


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_graph_fails_for_the_right_reason(broken_report, case):
    assert not broken_report.conforms
    assert case.found_in(broken_report), explain(broken_report)


def test_broken_graph_reports_only_broken_nodes(broken_report):
    assert_only_case_nodes(broken_report, CASES)


def test_every_shape_and_constraint_is_named_described_and_explained():
    g = Graph().parse(INSTRUMENT_SHAPES, format="turtle")
    described = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    described |= set(g.objects(None, SH.property)) | set(g.objects(None, SH.sparql))
    described = {s for s in described if any(g.predicate_objects(s))}  # not those of semantic.ttl
    assert len(described) > 15
    assert [(str(s), str(p)) for s in described for p in (SH.name, SH.description) if g.value(s, p) is None] == []
    constraints = {s for s in described if (s, RDF.type, SH.NodeShape) not in g or g.value(s, SH["class"])}
    english = [
        s for s in constraints if not any(getattr(m, "language", None) == "en" for m in g.objects(s, SH.message))
    ]
    assert english == []
