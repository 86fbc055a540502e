"""The graph built from the 2021 source: deterministic, stable, and true to the text."""

from __future__ import annotations

import re

import pyoxigraph
import pytest
from rdflib import Literal, URIRef

from ipgraph import paths
from ipgraph.cli import main
from ipgraph.graph.build import build_sources, to_turtle
from ipgraph.graph.namespaces import DCTERMS, ID, IPG, ORG, PROV, RDF, RDFS
from ipgraph.sparql.store import EmbeddedStore

TASK = ID["cnipa-tasklist-2021/task/"]


@pytest.mark.slow
def test_turtle_is_byte_identical_on_every_build():
    assert to_turtle(build_sources()) == to_turtle(build_sources())


@pytest.mark.slow
def test_committed_graph_is_up_to_date_with_the_source():
    committed = paths.BUNDLED_GRAPH.read_text(encoding="utf-8")
    assert committed == to_turtle(build_sources()), "data/ipgraph.ttl is stale: run `ipgraph build`"


@pytest.mark.slow
def test_build_command_writes_the_same_bytes(tmp_path):
    out = tmp_path / "g.ttl"
    assert main(["build", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == paths.BUNDLED_GRAPH.read_text(encoding="utf-8")


def test_loading_twice_does_not_duplicate_anything():
    store = EmbeddedStore.from_file(paths.BUNDLED_GRAPH)
    before = len(store)
    store.store.load(path=str(paths.BUNDLED_GRAPH), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == before > 1000


def test_store_from_rdflib_holds_each_subjects_triples_together(graph):
    """The store keeps triples in load order; lookups are fast when a subject's triples lie together."""
    store = EmbeddedStore.from_rdflib(graph)
    subjects = [quad.subject for quad in store.store]
    runs = [s for i, s in enumerate(subjects) if i == 0 or s != subjects[i - 1]]
    assert len(store) == len(graph) > 2000
    assert len(runs) == len(set(subjects)) == len(set(graph.subjects()))


def test_no_blank_nodes(graph):
    assert not [t for triple in graph for t in triple if not isinstance(t, URIRef | Literal)]


def test_iris_are_readable_and_scoped_by_document(graph):
    tasks = sorted(graph.subjects(RDF.type, IPG.Task), key=str)
    assert len(tasks) == 22
    assert all(re.fullmatch(r"https://w3id.org/ipgraph/id/cnipa-tasklist-2021/task/\d+", str(t)) for t in tasks)
    assert (ID["cnipa-tasklist-2021/task/1/measure/3"], RDF.type, IPG.Measure) in graph


def test_every_department_is_one_node(graph, source_lines):
    cells = [line.split("\t")[2] for line in source_lines if re.match(r"^\d+\. ", line)]
    names = set()
    for cell in cells:
        for group in re.split(r"[，\s]+", cell.strip()):
            parts = [p.strip() for p in group.split("、") if p.strip()]
            names.update("专利局" + p if p == "自动化部" else p for p in parts)
    bodies = set(graph.objects(None, IPG.responsibleBody))
    assert len(bodies) == len(names) == 12
    zh = {str(label) for b in bodies for label in graph.objects(b, RDFS.label) if label.language == "zh"}
    assert zh == names


def test_departments_are_units_of_cnipa(graph):
    cnipa = ID["org/cnipa"]
    for body in set(graph.objects(None, IPG.responsibleBody)):
        assert (body, RDF.type, ORG.OrganizationalUnit) in graph
        assert (body, ORG.unitOf, cnipa) in graph
    assert (ID["org/cnipa/patent-office-automation"], ORG.subOrganizationOf, ID["org/cnipa/patent-office"]) in graph


def test_task_provenance_points_at_its_line(graph, source_lines):
    for task in graph.subjects(RDF.type, IPG.Task):
        line = int(graph.value(task, IPG.sourceLine))
        number = int(graph.value(task, IPG.number))
        assert source_lines[line - 1].startswith(f"{number}. ")
        assert graph.value(task, PROV.wasDerivedFrom) == ID["cnipa-tasklist-2021/source"]


def test_source_is_recorded_with_its_digest(graph, source_path):
    import hashlib

    source = ID["cnipa-tasklist-2021/source"]
    assert str(graph.value(source, IPG.sha256)) == hashlib.sha256(source_path.read_bytes()).hexdigest()
    assert str(graph.value(source, DCTERMS.identifier)) == f"data/source/{source_path.name}"


def test_citations_of_the_opinion_on_ip_protection(graph, source_lines):
    opinion = ID["ref/opinions-strengthening-ip-protection"]
    citing = {str(s).removeprefix(str(TASK)) for s in graph.subjects(DCTERMS.references, opinion)}
    expected = set()
    for line in source_lines:
        if m := re.match(r"^(\d+)\. ([^\t]*)\t(.*)", line):
            number, title, rest = m.groups()
            if "《关于强化知识产权保护的意见》" in title:
                expected.add(number)
            for i, para in enumerate(re.findall(r"<p>(.*?)</p>", rest), start=1):
                if "关于强化知识产权保护的意见" in para:
                    expected.add(f"{number}/measure/{i}")
    assert citing == expected == {"9", "9/measure/1"}


def test_treaties_and_programmes_named_without_brackets_are_linked(graph):
    def cited_by(ref: str) -> set[str]:
        return {str(s).removeprefix(str(TASK)) for s in graph.subjects(DCTERMS.references, ID[f"ref/{ref}"])}

    assert cited_by("rcep") == {"18/measure/1"}
    assert cited_by("hague-agreement") == {"18/measure/1"}
    assert cited_by("china-eu-gi-agreement") == {"18/measure/1"}
    assert cited_by("wipo") == {"18/measure/1"}
    assert cited_by("blue-sky-campaign") == {"15/measure/1"}
    assert cited_by("belt-and-road") == {"19", "19/measure/1", "19/measure/2"}
    assert cited_by("tisc") == {"16/measure/1", "16/measure/2"}


def test_deadlines_and_completion_times(graph):
    by_year_end = ID["completion-time/by-year-end"]
    tasks = {int(graph.value(t, IPG.number)) for t in graph.subjects(IPG.completionTime, by_year_end)}
    assert tasks == {1, 2, 19}
    assert set(graph.objects(None, IPG.deadline)) == {ID["date/2021-12-31"]}
