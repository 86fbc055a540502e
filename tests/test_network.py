"""Department networks checked against the 责任部门 column of the source document."""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import combinations

import networkx as nx
import pytest
from rdflib import RDFS, SKOS, URIRef

from ipgraph import network
from ipgraph.cli import main
from ipgraph.sparql.results import Result

TASK_ROW = re.compile(r"^(\d+)\.")
# In 专利局审查部、自动化部 the 专利局 prefix covers both units: 自动化部 is the Patent Office's.
SOURCE_NAMES = {"自动化部": "专利局自动化部"}


@pytest.fixture(scope="module")
def source_tasks(source_lines) -> dict[int, list[str]]:
    """Task number → the departments its 责任部门 cell names, read straight from the text."""
    found = {}
    for line in source_lines:
        cells = line.split("\t")
        match = TASK_ROW.match(cells[0].strip())
        if match and len(cells) >= 3:
            names = [n.strip() for n in re.split(r"[、，,]", cells[2]) if n.strip()]
            found[int(match.group(1))] = [SOURCE_NAMES.get(n, n) for n in names]
    return found


@pytest.fixture(scope="module")
def source_pairs(source_tasks) -> dict[frozenset, list[int]]:
    shared: dict[frozenset, list[int]] = {}
    for number, names in sorted(source_tasks.items()):
        for a, b in combinations(names, 2):
            shared.setdefault(frozenset((a, b)), []).append(number)
    return shared


@pytest.fixture(scope="module")
def runner(store):
    return network.store_runner(store)


@pytest.fixture(scope="module")
def bipartite(runner):
    return network.bipartite_graph(runner)


@pytest.fixture(scope="module")
def depts(runner, bipartite):
    return network.annotate(network.department_graph(runner, bipartite))


def by_name(graph: nx.Graph) -> dict[str, str]:
    return {data["label_zh"]: node for node, data in graph.nodes(data=True) if data["kind"] == "department"}


def edge(graph: nx.Graph, a: str, b: str) -> dict:
    names = by_name(graph)
    return graph.edges[names[a], names[b]]


def test_source_reading_sees_all_22_tasks(source_tasks):
    assert sorted(source_tasks) == list(range(1, 23))
    assert len(source_tasks[1]) == 12


def test_one_node_per_department_named_in_the_source(depts, source_tasks):
    named = {n for names in source_tasks.values() for n in names}
    assert set(by_name(depts)) == named
    for node, data in depts.nodes(data=True):
        assert data["iri"] == node and data["label_en"]


def test_task_counts_match_the_source(depts, source_tasks):
    counts = Counter(n for names in source_tasks.values() for n in names)
    assert counts["运用促进司"] == 11
    for name, node in by_name(depts).items():
        assert depts.nodes[node]["tasks"] == counts[name], name
        assert depts.nodes[node]["task_numbers"] == [t for t, names in sorted(source_tasks.items()) if name in names]


def test_every_pair_of_task_1_departments_is_linked(depts, source_tasks):
    for a, b in combinations(source_tasks[1], 2):
        assert 1 in edge(depts, a, b)["tasks"]


@pytest.mark.parametrize(
    ("a", "b", "shared"),
    [("保护司", "运用促进司", [1, 6, 11]), ("公共服务司", "运用促进司", [1, 11, 17]), ("办公室", "人事司", [1, 21])],
)
def test_known_pairs(depts, source_pairs, a, b, shared):
    assert source_pairs[frozenset((a, b))] == shared
    data = edge(depts, a, b)
    assert data["weight"] == len(shared)
    assert data["tasks"] == shared
    assert len(data["task_titles_zh"]) == len(data["task_titles_en"]) == len(shared)


def test_every_edge_weight_matches_the_source(depts, source_pairs):
    names = {node: data["label_zh"] for node, data in depts.nodes(data=True)}
    found = {frozenset((names[a], names[b])): d["tasks"] for a, b, d in depts.edges(data=True)}
    assert found == source_pairs
    assert all(d["weight"] == len(d["tasks"]) for _a, _b, d in depts.edges(data=True))


def test_task_titles_on_edges_are_the_source_titles(depts, source_lines):
    data = edge(depts, "保护司", "运用促进司")
    for number, title in zip(data["tasks"], data["task_titles_zh"], strict=True):
        row = next(line for line in source_lines if line.startswith(f"{number}."))
        assert title in row.split("\t")[0]


def test_department_graph_is_the_weighted_projection(bipartite, depts):
    assert nx.is_bipartite(bipartite)
    projection = nx.bipartite.weighted_projected_graph(bipartite, network.departments(bipartite))
    assert set(projection.nodes) == set(depts.nodes)
    assert {frozenset(e) for e in projection.edges} == {frozenset(e) for e in depts.edges}
    for a, b, data in projection.edges(data=True):
        assert depts.edges[a, b]["weight"] == data["weight"]


def test_bipartite_sizes_match_the_source(bipartite, source_tasks):
    assert len(network.tasks(bipartite)) == 22
    assert bipartite.number_of_edges() == sum(len(names) for names in source_tasks.values())


def test_report_strongest_pairs_agree_with_the_source(depts, source_pairs):
    summary = network.report(depts, top=len(source_pairs))
    best = max(len(t) for t in source_pairs.values())
    top = {frozenset((p["a"]["zh"], p["b"]["zh"])) for p in summary["strongest_pairs"] if p["weight"] == best}
    assert top == {pair for pair, t in source_pairs.items() if len(t) == best}
    weights = [p["weight"] for p in summary["strongest_pairs"]]
    assert weights == sorted(weights, reverse=True)
    assert summary["top_departments"][0]["zh"] == "运用促进司"


def test_weighted_degree_is_the_sum_of_shared_tasks(depts, source_pairs):
    for name, node in by_name(depts).items():
        expected = sum(len(t) for pair, t in source_pairs.items() if name in pair)
        assert depts.nodes[node]["weighted_degree"] == expected


def test_centralities_are_normalised(depts):
    for _node, data in depts.nodes(data=True):
        assert 0 <= data["betweenness"] <= 1
        assert 0 < data["eigenvector"] <= 1


@pytest.mark.parametrize("method", network.COMMUNITY_METHODS)
def test_communities_partition_the_departments(depts, method):
    groups = network.communities(depts, method)
    assert sorted(n for g in groups for n in g) == sorted(depts)
    assert nx.community.is_partition(depts, [set(g) for g in groups])
    assert network.modularity(depts, groups) == pytest.approx(nx.community.modularity(depts, groups, weight="weight"))


def test_one_component(depts):
    assert network.components(depts) == [sorted(depts)]


def test_paths_follow_the_shared_tasks(bipartite, source_pairs):
    found = network.department_paths(bipartite, "保护司", "人事司")
    assert [bipartite.nodes[p[1]]["number"] for p in found] == source_pairs[frozenset(("保护司", "人事司"))]
    assert all(len(p) == 3 for p in found)
    text = network.format_paths(bipartite, found)
    assert text.splitlines()[0].startswith("保护司 —[1. ")


def test_departments_found_by_english_name_and_slug(bipartite):
    node = network.find_department(bipartite, "保护司")
    assert network.find_department(bipartite, "department of ip protection") == node
    assert network.find_department(bipartite, "protection") == node


def test_unknown_department_is_named(bipartite):
    with pytest.raises(network.NetworkError, match="no department named '外星司'"):
        network.find_department(bipartite, "外星司")


def test_citation_edges_point_at_names_in_the_measure_text(runner, graph, source_lines):
    citations = network.citation_graph(runner, by="measure")
    assert citations.number_of_edges() > 0
    for measure, ref in citations.edges:
        names = {str(o) for p in (RDFS.label, SKOS.altLabel) for o in graph.objects(URIRef(ref), p)}
        line = source_lines[citations.nodes[measure]["source_line"] - 1]
        assert any(name in line for name in names), (measure, ref)


def test_task_citations_sum_the_measure_citations(runner):
    by_measure = network.citation_graph(runner, by="measure")
    by_task = network.citation_graph(runner, by="task")
    assert sum(d["weight"] for _a, _b, d in by_task.edges(data=True)) == by_measure.number_of_edges()
    assert all(by_task.nodes[t]["kind"] == "task" for t, _ in by_task.edges)


def test_networks_need_only_the_runner(runner):
    """A runner answering from serialised SPARQL JSON (as a remote endpoint would) gives the same network."""
    asked = []

    def remote(name: str, params: dict[str, str]) -> Result:
        asked.append(name)
        data = json.loads(runner(name, params).serialize("json"))
        return Result(variables=data["head"]["vars"], rows=data["results"]["bindings"])

    here, there = network.department_graph(runner), network.department_graph(remote)
    assert asked == [network.TASK_DEPARTMENTS]
    assert nx.utils.graphs_equal(here, there)


def test_layout_is_deterministic_and_in_the_unit_square(depts):
    first, second = network.layout(depts), network.layout(depts)
    assert first == second
    assert set(first) == set(depts)
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in first.values())
    assert len(set(first.values())) == len(first)


def test_cli_report_json(capsys, source_pairs):
    assert main(["network", "report", "--format", "json", "--top", "3"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["departments"] == 12
    assert summary["pairs"] == len(source_pairs)
    assert [p["weight"] for p in summary["strongest_pairs"]] == [3, 3, 3]


def test_cli_report_text(capsys):
    assert main(["network", "report", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Department of IP Application and Promotion – Department of IP Protection: 3   tasks 1, 6, 11" in out


def test_cli_path_and_unknown_department(capsys):
    assert main(["network", "path", "保护司", "人事司"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert main(["network", "path", "保护司", "外星司"]) == 2
    assert "no department named '外星司'" in capsys.readouterr().err


def test_cli_endpoint_that_does_not_answer_is_named(capsys):
    assert main(["network", "report", "--endpoint", "http://127.0.0.1:9/sparql"]) == 2
    assert "127.0.0.1:9" in capsys.readouterr().err
