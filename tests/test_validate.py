"""SHACL validation: the real graph conforms; each broken graph fails for the right reason.

A broken graph is the real graph with one defect per node: a triple removed, added or
changed (the mutations below), or a Turtle file of additions in tests/fixtures/shapes/.
Each case names the node, the path and the check (constraint component, or the name of
a SPARQL constraint) that must report it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rns

from ipgraph import paths
from ipgraph import shacl as validation
from ipgraph.cli import main
from ipgraph.shacl import Report, load_graph, shapes_graph, validate, validate_file
from ipgraph.shacl.compiled import Unsupported
from tests.helpers.shape_cases import (
    ADDITIONS,
    CASES,
    FIXTURES,
    ID,
    IPG,
    ORG,
    SHAPES,
    Mutation,
    add,
    assert_only_case_nodes,
    copy,
    drop,
    drop_type,
    explain,
    found,
    ipg,
    node,
    replace,
    with_defects,
)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph()


@pytest.fixture(scope="module")
def real_report(graph, shapes) -> Report:
    return validate(graph, shapes)


@pytest.fixture(scope="module")
def broken_report(graph, shapes) -> Report:
    """All CASES applied to one copy of the graph (each on its own node), validated once."""
    return validate(with_defects(graph, [case.mutate for case in CASES]), shapes)


def test_the_real_graph_conforms(real_report):
    assert real_report.conforms, real_report.text()
    assert real_report.violations == ()


def test_the_committed_graph_conforms(shapes):
    report = validate(load_graph(paths.BUNDLED_GRAPH), shapes)
    assert report.conforms, report.text()


def test_case_nodes_exist(graph):
    """Every case is about a node of the real graph, so no case passes by pointing nowhere."""
    for case in CASES:
        if case.id != "department-not-unit":  # the one case that adds its node
            assert (node(case.focus), None, None) in graph, case.id


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_graph_fails_for_the_right_reason(broken_report, case):
    assert not broken_report.conforms
    assert case.found_in(broken_report), explain(broken_report)


def test_broken_graph_reports_only_broken_nodes(broken_report):
    assert_only_case_nodes(broken_report, CASES)


# --- defects spanning several nodes ----------------------------------------------
# Defects that do not disturb each other share one validation; the three that move
# sections or source lines around are validated on their own.


def broken(graph: Graph, shapes: Graph, *mutations: Mutation, additions=()) -> Report:
    g = with_defects(graph, mutations)
    for name in additions:
        g.parse(FIXTURES / name, format="turtle")
    report = validate(g, shapes)
    assert not report.conforms
    return report


@pytest.fixture(scope="module")
def numbering_report(graph, shapes) -> Report:
    return broken(
        graph,
        shapes,
        replace("task/4", ipg("number"), Literal(5)),  # duplicate task number, no task 4
        replace("section/3", rns.SKOS.notation, Literal("二")),  # duplicate numeral
        replace("task/10/measure/3", ipg("number"), Literal(2)),  # duplicate measure number
        replace("task/11/measure/2", ipg("number"), Literal(4)),  # gap in task 11
        replace("task/22", ipg("number"), Literal(23)),  # gap after task 21
        replace("section/8", ipg("number"), Literal(10)),  # gap after section 7
        replace("task/7", ipg("section"), node("section/2")),  # task 7 is printed under section 3
        replace("", ipg("year"), Literal("2022", datatype=rns.XSD.gYear)),  # deadlines are 2021-12-31
        drop_type("scope/qualified-regions", ipg("Addressee")),
    )


@pytest.fixture(scope="module")
def additions_report(graph, shapes) -> Report:
    return broken(graph, shapes, additions=ADDITIONS)


def test_every_addition_fixture_is_used():
    assert ADDITIONS == [
        "bare-addressee.ttl",
        "empty-section.ttl",
        "foreign-source.ttl",
        "name-clash.ttl",
        "uncurated-reference.ttl",
        "unlisted-body.ttl",
    ]


def test_duplicate_task_number(numbering_report):
    for task in ("task/4", "task/5"):
        assert found(numbering_report, node(task), "", "unique task number"), explain(numbering_report)
    assert found(numbering_report, node("task/5"), "", "task numbers without gaps"), explain(numbering_report)


def test_duplicate_section_numeral(numbering_report):
    assert found(numbering_report, node("section/3"), "", "unique section numeral"), explain(numbering_report)


def test_duplicate_measure_number(numbering_report):
    for measure in ("task/10/measure/2", "task/10/measure/3"):
        assert found(numbering_report, node(measure), "", "unique measure number"), explain(numbering_report)


def test_number_gaps(numbering_report):
    assert found(numbering_report, node("task/11/measure/2"), "", "measure numbers without gaps")
    assert found(numbering_report, node("task/22"), "", "task numbers without gaps")
    assert found(numbering_report, node("section/8"), "", "section numbers without gaps")


def test_task_in_the_wrong_section(numbering_report):
    assert found(numbering_report, node("task/7"), "", "nearest preceding section"), explain(numbering_report)


def test_deadline_outside_the_year(numbering_report):
    assert found(numbering_report, node("task/1"), "", "deadline not before the list's year"), explain(numbering_report)


def test_region_scope_not_typed_addressee(numbering_report):
    assert found(numbering_report, node("scope/qualified-regions"), "rdf:type", "HasValue")


def test_duplicate_section_number(graph, shapes):
    report = broken(graph, shapes, replace("section/3", ipg("number"), Literal(2)))
    for section in ("section/2", "section/3"):
        assert found(report, node(section), "", "unique section number"), explain(report)


def test_tasks_out_of_source_order(graph, shapes):
    line3, line4 = (graph.value(node(t), ipg("sourceLine")) for t in ("task/3", "task/4"))
    report = broken(
        graph, shapes, replace("task/3", ipg("sourceLine"), line4), replace("task/4", ipg("sourceLine"), line3)
    )
    assert found(report, node("task/3"), "", "tasks in source order"), explain(report)
    # task 3's measures now sit before their task's line
    assert found(report, node("task/3/measure/1"), "", "measure not before its task"), explain(report)


def test_sections_out_of_source_order(graph, shapes):
    line1, line2 = (graph.value(node(s), ipg("sourceLine")) for s in ("section/1", "section/2"))
    report = broken(
        graph, shapes, replace("section/1", ipg("sourceLine"), line2), replace("section/2", ipg("sourceLine"), line1)
    )
    assert found(report, node("section/1"), "", "sections in source order"), explain(report)


def test_a_heading_holds_only_tasks_but_may_hold_none(additions_report):
    """A heading may hold only sub-headings, or only prose (a work guide); what is filed under it is a task."""
    reported = [(v.path, v.check) for v in additions_report.violations if v.focus == str(node("section/9"))]
    assert reported == [("^ipg:section", "Class")], explain(additions_report)


def test_unlisted_responsible_body_needs_an_english_label(additions_report):
    body = URIRef(ID + "org/新设司")
    assert found(additions_report, body, "rdfs:label", "QualifiedMinCount"), explain(additions_report)
    assert [v.check for v in additions_report.violations if v.focus == str(body)] == ["QualifiedMinCount"]


def test_uncurated_reference_needs_an_english_label(additions_report):
    reference = URIRef(ID + "ref/某某管理办法")
    assert found(additions_report, reference, "rdfs:label", "QualifiedMinCount"), explain(additions_report)


def test_addressee_must_be_a_scope_or_an_organisation(additions_report):
    assert found(additions_report, node("scope/someone"), "", "Or"), explain(additions_report)


def test_a_chinese_name_names_one_entity(additions_report):
    for entity in ("ref/rcep", "org/cnipa/protection"):
        assert found(additions_report, node(entity), "", "unique Chinese name"), explain(additions_report)


def test_parts_come_from_the_source_of_their_whole(additions_report):
    report = additions_report
    assert found(report, node("task/18"), "prov:wasDerivedFrom", "MaxCount"), explain(report)
    assert found(report, node("task/18"), "", "same source as its whole"), explain(report)
    assert found(report, URIRef(ID + "other/source"), "^prov:wasDerivedFrom", "QualifiedMinCount"), explain(report)


# --- the shapes themselves ------------------------------------------------------------


def constraint_nodes(shapes: Graph):
    """Node shapes, property shapes (named or inline) and SPARQL constraints."""
    nodes = set(shapes.subjects(rns.RDF.type, rns.SH.NodeShape)) | set(
        shapes.subjects(rns.RDF.type, rns.SH.PropertyShape)
    )
    nodes |= set(shapes.objects(None, rns.SH.property)) | set(shapes.objects(None, rns.SH.sparql))
    return nodes


NODE_LEVEL = (rns.SH["or"], rns.SH["class"], rns.SH.datatype, rns.SH.nodeKind, rns.SH["in"], rns.SH.hasValue)


def test_every_shape_is_documented(shapes):
    """Names and descriptions everywhere; a message wherever a constraint can fail on its own.

    A node shape whose constraints all sit in property shapes or SPARQL constraints has no
    sh:message of its own: pySHACL would add it to every result of those constraints.
    """
    for shape in constraint_nodes(shapes):
        name = shapes.value(shape, rns.SH.name) or shapes.value(shape, rns.RDFS.label)
        assert name is not None, f"{shape} has no sh:name"
        assert shapes.value(shape, rns.SH.description) is not None, f"{name}: no sh:description"
        is_node_shape = (shape, rns.RDF.type, rns.SH.NodeShape) in shapes
        fails_itself = not is_node_shape or any((shape, p, None) in shapes for p in NODE_LEVEL)
        messages = [m for m in shapes.objects(shape, rns.SH.message) if m.language == "en"]
        assert bool(messages) == fails_itself, f"{name}: sh:message@en {'missing' if fails_itself else 'not wanted'}"


def subclasses(ontology: Graph, cls: URIRef) -> set[URIRef]:
    return set(ontology.transitive_subjects(rns.RDFS.subClassOf, cls))


def test_targets_cover_every_policy_class(shapes):
    """No reasoner runs, so each subclass must be targeted (or typed with its superclass by the builder)."""
    ontology = Graph().parse(paths.ONTOLOGY)
    task_lists = subclasses(ontology, ipg("TaskList"))  # the builder types these ipg:TaskList too
    policy = subclasses(ontology, ipg("PolicyDocument")) - task_lists
    targets = set(shapes.objects(URIRef(SHAPES + "ReferencedEntityShape"), rns.SH.targetClass))
    assert policy | {ipg("Programme")} <= targets
    reference_target = URIRef(SHAPES + "ReferenceTarget")
    allowed = {
        shapes.value(member, rns.SH["class"])
        for alternatives in shapes.objects(reference_target, rns.SH["or"])
        for member in shapes.items(alternatives)
    }
    assert policy | {ipg("TaskList"), ipg("Programme"), URIRef(ORG + "FormalOrganization")} <= allowed


def test_builder_types_task_list_subclasses_as_task_lists(graph):
    ontology = Graph().parse(paths.ONTOLOGY)
    for cls in subclasses(ontology, ipg("TaskList")):
        for instance in graph.subjects(rns.RDF.type, cls):
            assert (instance, rns.RDF.type, ipg("TaskList")) in graph


# --- the report and the command line --------------------------------------------------


def task_line(source_lines: list[str], number: int) -> tuple[int, str]:
    """The 1-based line of task N in the source text, and its title (read from the text itself)."""
    for index, text in enumerate(source_lines, start=1):
        match = re.match(rf"{number}\.\s*([^\t]+)\t", text)
        if match:
            return index, match.group(1).strip().rstrip("。")
    raise AssertionError(f"task {number} not in the source")


@pytest.fixture(scope="module")
def task7_broken(graph, tmp_path_factory) -> Path:
    g = copy(graph)
    drop("task/7", rns.DCTERMS.title)(g)
    path = tmp_path_factory.mktemp("validate") / "broken.ttl"
    g.serialize(path, format="turtle")
    return path


def test_report_text_names_label_line_check_and_value(graph, shapes, source_lines):
    line, title = task_line(source_lines, 7)
    g = copy(graph)
    add("task/7", rns.RDFS.label, Literal("tâche", lang="fr"))(g)
    text = validate(g, shapes).text()
    assert text.startswith("The graph does not conform: 1 result(s) on 1 node(s).")
    assert f"{title} — source line {line} — cnipa-tasklist-2021/task/7" in text
    assert "- rdfs:label [LanguageIn] " in text
    assert 'found "tâche"@fr' in text


def test_report_is_grouped_by_node_in_source_order(graph, shapes):
    g = copy(graph)
    for task in ("task/9", "task/2"):
        drop(task, rns.DCTERMS.title)(g)
        add(task, ipg("completionTime"), node("completion-time/within-plan-year"))(g)
    report = validate(g, shapes)
    groups = [(focus, [v.path for v in group]) for focus, group in report.by_node()]
    assert groups == [
        (str(node("task/2")), ["dcterms:title", "ipg:completionTime"]),
        (str(node("task/9")), ["dcterms:title", "ipg:completionTime"]),
    ]


@pytest.mark.slow
def test_cli_conforming_graph_exits_0(capsys):
    assert main(["validate", str(paths.BUNDLED_GRAPH)]) == 0
    assert capsys.readouterr().out == "The graph conforms to the shapes.\n"


@pytest.mark.slow
def test_cli_broken_graph_exits_1_naming_the_task(task7_broken, source_lines, capsys):
    line, title = task_line(source_lines, 7)
    assert line == 21
    assert main(["validate", str(task7_broken)]) == 1
    out = capsys.readouterr().out
    assert title in out
    assert f"source line {line}" in out
    assert "dcterms:title [MinCount] must have exactly one non-empty dcterms:title@zh" in out


def test_cli_file_that_is_not_turtle_exits_2(capsys):
    bad = FIXTURES / "not-turtle.ttl"
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "not valid turtle" in err.lower()


# one property's integers written with two datatypes: the fast engine leaves such a graph to pySHACL
MIXED_INTEGERS = "task-line-datatype"


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".ttl", ".nt"])
@pytest.mark.parametrize("engine", ["auto", "fast"])
def test_a_file_is_validated_as_its_rdflib_graph(graph, shapes, tmp_path, suffix, engine):
    """The fast engine reads the file itself: the same report as from the file's rdflib graph."""
    cases = [case for case in CASES if case.id != MIXED_INTEGERS]
    path = tmp_path / f"broken{suffix}"
    with_defects(graph, [case.mutate for case in cases]).serialize(path, format=suffix[1:].replace("ttl", "turtle"))
    report = validate_file(path, shapes, engine)
    assert report == validate(load_graph(path), shapes, engine)
    assert all(case.found_in(report) for case in cases)


@pytest.mark.slow
def test_a_file_the_fast_engine_leaves_to_pyshacl_gets_the_same_report(graph, shapes, tmp_path):
    path = tmp_path / "broken.ttl"
    with_defects(graph, [case.mutate for case in CASES]).serialize(path, format="turtle")
    with pytest.raises(Unsupported):
        validate_file(path, shapes, "fast")
    report = validate_file(path, shapes)
    assert report == validate(load_graph(path), shapes)
    assert all(case.found_in(report) for case in CASES)


def test_cli_validates_a_turtle_file_without_rdflib_parsing_it(monkeypatch, capsys):
    def refuse(path):
        raise AssertionError(f"rdflib parsed {path}")

    monkeypatch.setattr(validation, "load_graph", refuse)
    assert main(["validate", str(paths.BUNDLED_GRAPH)]) == 0
    assert capsys.readouterr().out == "The graph conforms to the shapes.\n"


def test_cli_missing_file_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nothing.ttl")]) == 2
    assert "no such graph file" in capsys.readouterr().err


def test_cli_shapes_folder_without_shapes_exits_2(tmp_path, capsys):
    assert main(["validate", str(paths.BUNDLED_GRAPH), "--shapes", str(tmp_path)]) == 2
    assert "no shapes found" in capsys.readouterr().err


# --- the ontology declares every term the graph uses ----------------------------------

BUILT_IN = (str(rns.RDF), str(rns.RDFS), str(rns.OWL))  # the languages the ontology itself is written in


def used_terms(graph: Graph) -> set[URIRef]:
    return set(graph.predicates()) | {c for c in graph.objects(None, rns.RDF.type) if isinstance(c, URIRef)}


@pytest.mark.slow
def test_every_term_used_is_declared_in_the_ontology():
    graph = load_graph(paths.BUNDLED_GRAPH)
    ontology = Graph().parse(paths.ONTOLOGY)
    declared = set(ontology.subjects(rns.RDF.type, None))
    missing = sorted(t for t in used_terms(graph) - declared if not str(t).startswith(BUILT_IN))
    assert not missing, f"not declared in ontology/ipgraph.ttl: {missing}"
    for term in used_terms(graph) & declared:
        labels = {label.language for label in ontology.objects(term, rns.RDFS.label)}
        assert {"en", "zh"} <= labels, f"{term}: needs rdfs:label @en and @zh"
        if str(term).startswith(IPG):
            definitions = {d.language for d in ontology.objects(term, rns.SKOS.definition)}
            assert {"en", "zh"} <= definitions, f"{term}: needs skos:definition @en and @zh"
