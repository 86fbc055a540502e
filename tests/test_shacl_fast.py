"""The fast SHACL engine reports exactly what pySHACL (the reference) reports.

Compared on the real graph, on every fixture of tests/fixtures/shapes/ (one by one and all
together), on the mutations of tests/test_validate.py and on a graph with many defects at
once: same focus nodes, paths, constraint components, checks, values, messages, source
lines and labels.
"""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as rns
from rdflib.collection import Collection

from ipgraph.shacl import shapes_graph, validate
from ipgraph.shacl.compiled import Unsupported, compile_shapes, validate_graph, validate_store
from ipgraph.shacl.compiled import integers as shacl_integers
from ipgraph.sparql.store import EmbeddedStore
from tests.helpers.shape_cases import ADDITIONS, CASES, FIXTURES, copy, drop_type, ipg, node, replace

SH = rns.SH


def key(v) -> tuple:
    """Everything a violation reports except the shape's id (pySHACL names inline shapes by blank node)."""
    return (v.focus, v.label, v.line, v.path, v.constraint, v.check, v.message, v.value, v.severity)


def assert_same(graph: Graph, shapes: Graph) -> tuple:
    fast, reference = validate_graph(graph, shapes), validate(graph, shapes, engine="pyshacl")
    assert fast.conforms == reference.conforms
    assert Counter(map(key, fast.violations)) == Counter(map(key, reference.violations))
    assert [key(v) for v in fast.violations] == [key(v) for v in reference.violations]  # same order
    return fast, reference


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph()


def with_defects(graph: Graph) -> Graph:
    """One graph with many independent defects, each aimed at a different constraint."""
    m = copy(graph)
    m.set((node("task/3"), ipg("number"), Literal(2)))  # duplicate number, gap after it
    for label in [x for x in m.objects(node("task/5"), rns.RDFS.label) if x.language == "en"]:
        m.remove((node("task/5"), rns.RDFS.label, label))  # no English label
    m.add((node("task/6"), rns.RDFS.label, Literal("x", lang="fr")))  # language not allowed
    m.add((node("task/7"), rns.RDFS.label, Literal("another", lang="en")))  # two English labels
    m.set((node("task/8/measure/1"), ipg("addressedTo"), node("section/1")))  # wrong class
    m.set((node("section/2"), rns.SKOS.notation, Literal("2.")))  # pattern
    m.set((node("task/9"), ipg("sourceLine"), Literal(1, datatype=rns.XSD.positiveInteger)))  # order
    m.add((node("task/10/measure/1"), rns.DCTERMS.references, node("task/1")))  # sh:node / sh:or
    m.remove((node("task/11"), rns.DCTERMS.title, None))  # minCount
    return m


def test_every_shape_compiles(shapes):
    assert len(compile_shapes(shapes)) > 50


@pytest.mark.slow
def test_real_graph_same_report(graph, shapes):
    fast, _ = assert_same(graph, shapes)
    assert fast.conforms and not fast.violations


@pytest.mark.slow
def test_graph_with_many_defects_same_violations(graph, shapes):
    fast, reference = assert_same(with_defects(graph), shapes)
    assert not reference.conforms
    assert len(reference.violations) >= 9
    checks = {v.check for v in fast.violations}
    assert {"MinCount", "LanguageIn", "UniqueLang", "Class", "Pattern", "Node", "QualifiedMinCount"} <= checks


@pytest.mark.slow
def test_reports_name_nodes_alike_when_they_have_several_labels_or_lines(graph, shapes):
    """A label's language tag in upper case, two labels in one language, two source lines:
    both engines show the first label in code-point order and the smallest line."""
    m = with_defects(graph)
    task = node("task/11")  # no title: reported
    for label in list(m.objects(task, rns.RDFS.label)):
        m.remove((task, rns.RDFS.label, label))
    m.add((task, rns.RDFS.label, Literal("乙任务", lang="ZH")))
    m.add((task, rns.RDFS.label, Literal("甲任务", lang="zh")))
    line = m.value(task, ipg("sourceLine"))
    m.add((task, ipg("sourceLine"), Literal(int(line) + 100, datatype=rns.XSD.positiveInteger)))
    fast, _ = assert_same(m, shapes)
    shown = {(v.label, v.line) for v in fast.violations if v.focus == str(task)}
    assert shown == {(min("乙任务", "甲任务"), int(line))}


def test_checks_in_forked_workers_give_the_same_report(graph, shapes):
    """Large graphs run the checks in several processes; the report must not depend on it."""
    broken = with_defects(graph)
    store = EmbeddedStore.from_rdflib(broken)
    alone = validate_store(store, shapes, broken, workers=1)
    together = validate_store(store, shapes, broken, workers=2)
    assert len(alone.violations) >= 9
    assert together == alone


INTEGER_TYPES = {rns.XSD.integer, rns.XSD.positiveInteger, rns.XSD.nonNegativeInteger, rns.XSD.int, rns.XSD.long}


def mixes_integer_types(graph: Graph) -> bool:
    """Does some property have integers written with two different datatypes?"""
    types: dict = {}
    for _, p, o in graph:
        if isinstance(o, Literal) and o.datatype in INTEGER_TYPES:
            types.setdefault(p, set()).add(o.datatype)
    return any(len(t) > 1 for t in types.values())


@pytest.mark.slow
def test_every_case_of_test_validate_same_violations(graph, shapes):
    """All cases at once; the ones that mix integer datatypes on a property make the engine refuse."""
    g, mixing = copy(graph), []
    for case in CASES:
        alone = copy(graph)
        case.mutate(alone)
        if mixes_integer_types(alone):
            mixing.append(case)
            with pytest.raises(Unsupported, match="cannot tell them apart"):
                validate_graph(alone, shapes)
        else:
            case.mutate(g)
    fast, _ = assert_same(g, shapes)
    assert len({v.focus for v in fast.violations}) >= (len(CASES) - len(mixing)) // 2


@pytest.mark.slow
def test_numbering_mutations_same_violations(graph, shapes):
    g = copy(graph)
    for mutate in (
        replace("task/4", ipg("number"), Literal(5)),
        replace("section/3", rns.SKOS.notation, Literal("二")),
        replace("task/10/measure/3", ipg("number"), Literal(2)),
        replace("task/11/measure/2", ipg("number"), Literal(4)),
        replace("task/22", ipg("number"), Literal(23)),
        replace("section/8", ipg("number"), Literal(10)),
        replace("task/7", ipg("section"), node("section/2")),
        replace("", ipg("year"), Literal("2022", datatype=rns.XSD.gYear)),
        drop_type("scope/qualified-regions", ipg("Addressee")),
    ):
        mutate(g)
    fast, _ = assert_same(g, shapes)
    assert {"unique task number", "task numbers without gaps"} <= {v.check for v in fast.violations}


@pytest.mark.slow
@pytest.mark.parametrize("name", ADDITIONS)
def test_each_fixture_same_violations(graph, shapes, name):
    g = copy(graph)
    g.parse(FIXTURES / name, format="turtle")
    fast, _ = assert_same(g, shapes)
    assert fast.violations  # a violation, or a warning (a missing English label)


@pytest.mark.slow
def test_all_fixtures_together_same_violations(graph, shapes):
    g = copy(graph)
    for name in ADDITIONS:
        g.parse(FIXTURES / name, format="turtle")
    assert_same(g, shapes)


def retyped(graph: Graph, predicate: URIRef, datatype: URIRef) -> Graph:
    g = copy(graph)
    for s, _, o in list(g.triples((None, predicate, None))):
        g.set((s, predicate, Literal(str(o), datatype=datatype)))
    return g


@pytest.mark.slow
def test_integer_derived_datatype_is_checked_on_the_original_triples(graph, shapes):
    """The store keeps "39"^^xsd:positiveInteger and "39"^^xsd:integer alike; the report does not."""
    g = retyped(graph, ipg("sourceLine"), rns.XSD.integer)  # in range, but not xsd:positiveInteger
    fast, _ = assert_same(g, shapes)
    datatype = {(v.path, v.check) for v in fast.violations}
    assert datatype == {("ipg:sourceLine", "Datatype")}
    checked = {ipg("Section"), ipg("Task"), ipg("Measure")}  # the shapes check their lines, not the selectors'
    lines = {
        (s, int(o))
        for s, o in graph.subject_objects(ipg("sourceLine"))
        if checked & set(graph.objects(s, rns.RDF.type))
    }
    assert {(URIRef(v.focus), int(v.value.split('"')[1])) for v in fast.violations} == lines
    with pytest.raises(Unsupported, match="original triples"):
        validate_store(EmbeddedStore.from_rdflib(g), shapes)  # without them the store cannot tell


def test_datatype_checks_read_every_value_when_too_many_subjects_are_suspect(graph, shapes, monkeypatch):
    """Above ``SUSPECTS_LISTED`` suspect subjects the check reads every value: same report."""
    g = retyped(graph, ipg("sourceLine"), rns.XSD.integer)
    listed = validate_graph(g, shapes)
    monkeypatch.setattr(shacl_integers, "SUSPECTS_LISTED", 0)
    assert validate_graph(g, shapes) == listed
    assert {v.check for v in listed.violations} == {"Datatype"}


@pytest.mark.slow
def test_values_keep_their_original_datatype(graph, shapes):
    fast, _ = assert_same(with_defects(graph), shapes)
    values = {v.value for v in fast.violations if v.check == "tasks in source order"}
    assert values and all(v.endswith("^^xsd:positiveInteger") for v in values)


@pytest.mark.slow
def test_one_property_with_two_integer_datatypes_is_refused(graph, shapes):
    g = copy(graph)
    replace("task/3", ipg("number"), Literal(3, datatype=rns.XSD.positiveInteger))(g)
    with pytest.raises(Unsupported, match="ipg:number"):
        validate_graph(g, shapes)


@pytest.mark.parametrize(
    "construct",
    [
        (SH.xone, None),  # a logical constraint the engine does not implement
        (SH.path, "sequence"),  # a sequence path
    ],
)
def test_unsupported_constructs_raise(shapes, construct):
    extra = Graph()
    extra += shapes
    shape = URIRef("https://example.org/shape")
    extra.add((shape, rns.RDF.type, SH.NodeShape))
    extra.add((shape, SH.targetClass, ipg("Task")))
    param, kind = construct
    if kind == "sequence":
        prop = URIRef("https://example.org/prop")
        extra.add((shape, SH.property, prop))
        steps = BNode()
        Collection(extra, steps, [ipg("section"), ipg("number")])
        extra.add((prop, SH.path, steps))
        extra.add((prop, SH.minCount, Literal(1)))
    else:
        extra.add((shape, param, rns.RDF.nil))
    with pytest.raises(Unsupported):
        compile_shapes(extra)


@pytest.mark.slow
def test_validate_engines_give_the_same_report(graph, shapes):
    g = with_defects(graph)
    reports = [validate(g, shapes, engine=engine) for engine in ("auto", "fast", "pyshacl")]
    assert [key(v) for v in reports[0].violations] == [key(v) for v in reports[2].violations]
    assert [key(v) for v in reports[1].violations] == [key(v) for v in reports[2].violations]


@pytest.mark.slow
def test_auto_falls_back_to_pyshacl_where_the_fast_engine_refuses(graph, shapes):
    g = copy(graph)
    replace("task/3", ipg("number"), Literal(3, datatype=rns.XSD.positiveInteger))(g)
    with pytest.raises(Unsupported):
        validate(g, shapes, engine="fast")
    auto, reference = validate(g, shapes, engine="auto"), validate(g, shapes, engine="pyshacl")
    assert auto == reference
    assert (str(node("task/3")), "Datatype", '"3"^^xsd:positiveInteger') in {
        (v.focus, v.check, v.value) for v in auto.violations
    }


@pytest.mark.slow
def test_cli_engine_option(capsys):
    from ipgraph import paths
    from ipgraph.cli import main

    for engine in ("fast", "pyshacl"):
        assert main(["validate", str(paths.BUNDLED_GRAPH), "--engine", engine]) == 0
        assert capsys.readouterr().out == "The graph conforms to the shapes.\n"
