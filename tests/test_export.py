"""Exports parse back in the tools' own readers and carry the source's facts."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from itertools import combinations

import networkx as nx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from ipgraph import export, network
from ipgraph.cli import main
from ipgraph.export import picture

SVG = "{http://www.w3.org/2000/svg}"
# Graphviz is installed by .ci/run; elsewhere the PNG and DOT checks need it on PATH.
NEEDS_GRAPHVIZ = pytest.mark.skipif(
    shutil.which("neato") is None and os.environ.get("CI") != "true",
    reason="Graphviz (neato) is not installed; `apt-get install graphviz` to run",
)


@pytest.fixture(scope="module")
def runner(store):
    return network.store_runner(store)


@pytest.fixture(scope="module")
def shared_in_source(source_lines) -> dict[frozenset, int]:
    """Number of tasks each pair of department names shares, from the 责任部门 cells."""
    counts: dict[frozenset, int] = {}
    for line in source_lines:
        cells = line.split("\t")
        if re.match(r"^\d+\.", cells[0]) and len(cells) >= 3:
            names = [{"自动化部": "专利局自动化部"}.get(n.strip(), n.strip()) for n in re.split(r"[、，]", cells[2])]
            for a, b in combinations([n for n in names if n], 2):
                counts[frozenset((a, b))] = counts.get(frozenset((a, b)), 0) + 1
    return counts


def made(runner, fmt: str, name: str = "departments", lang: str = "zh") -> bytes:
    return export.export(runner, fmt, name, lang)


def pair_weights(graph: nx.Graph) -> dict[frozenset, int]:
    return {
        frozenset((graph.nodes[a]["label_zh"], graph.nodes[b]["label_zh"])): int(d["weight"])
        for a, b, d in graph.edges(data=True)
    }


def test_graphml_reads_back_with_networkx(runner, shared_in_source):
    graph = nx.read_graphml(io.BytesIO(made(runner, "graphml")))
    assert graph.number_of_nodes() == 12
    assert pair_weights(graph) == shared_in_source
    node = graph.nodes["https://w3id.org/ipgraph/id/org/cnipa/protection"]
    assert (node["label"], node["label_en"], node["tasks"]) == ("保护司", "Department of IP Protection", 7)
    assert {"betweenness", "eigenvector", "weighted_degree", "community", "iri"} <= set(node)
    edge = graph.edges[
        "https://w3id.org/ipgraph/id/org/cnipa/protection",
        "https://w3id.org/ipgraph/id/org/cnipa/application-promotion",
    ]
    assert edge["tasks"] == "1; 6; 11"


@pytest.mark.parametrize("name", network.NETWORKS)
def test_gexf_is_version_1_2_and_reads_back(runner, name):
    data = made(runner, "gexf", name)
    assert b'xmlns="http://www.gexf.net/1.2draft"' in data and b'version="1.2"' in data
    graph = nx.read_gexf(io.BytesIO(data))
    assert graph.number_of_nodes() == network.build(runner, name).number_of_nodes()


def test_gexf_department_weights(runner, shared_in_source):
    graph = nx.read_gexf(io.BytesIO(made(runner, "gexf")))
    assert pair_weights(graph) == shared_in_source


def test_english_labels(runner):
    graph = nx.read_graphml(io.BytesIO(made(runner, "graphml", lang="en")))
    assert graph.nodes["https://w3id.org/ipgraph/id/org/cnipa/personnel"]["label"] == "Department of Personnel"


def test_task_department_graphml_is_bipartite(runner, source_lines):
    graph = nx.read_graphml(io.BytesIO(made(runner, "graphml", "task-department")))
    task_rows = [line for line in source_lines if re.match(r"^\d+\.", line)]
    assert sum(1 for _n, kind in graph.nodes(data="kind") if kind == "task") == len(task_rows) == 22
    assert nx.is_bipartite(graph)


def test_cytoscape_json_keeps_task_lists(runner):
    data = json.loads(made(runner, "cytoscape"))
    graph = nx.cytoscape_graph(data, name="label", ident="id")
    assert graph.number_of_nodes() == 12
    by_label = {d["label_zh"]: n for n, d in graph.nodes(data=True)}
    assert graph.edges[by_label["公共服务司"], by_label["运用促进司"]]["tasks"] == [1, 11, 17]
    assert all("position" in element for element in data["elements"]["nodes"])


def test_citation_network_is_directed_towards_references(runner):
    data = json.loads(made(runner, "cytoscape", "citations"))
    graph = nx.cytoscape_graph(data, name="label", ident="id")
    assert graph.is_directed()
    assert all(graph.nodes[b]["kind"] == "reference" for _a, b in graph.edges)


def test_csv_edge_list_weights_match_the_source(runner, shared_in_source):
    nodes = list(csv.DictReader(io.StringIO(made(runner, "csv-nodes").decode("utf-8"))))
    edges = list(csv.DictReader(io.StringIO(made(runner, "csv-edges").decode("utf-8"))))
    names = {row["id"]: row["label_zh"] for row in nodes}
    assert len(nodes) == 12 and list(nodes[0])[:2] == ["id", "label"]
    weights = {frozenset((names[r["source"]], names[r["target"]])): int(r["weight"]) for r in edges}
    assert weights == shared_in_source


def test_dot_lists_every_node_and_edge(runner):
    text = made(runner, "dot").decode("utf-8")
    assert text.startswith('graph "departments" {')
    assert len(re.findall(r'^  "[^"]+" -- "[^"]+" \[', text, re.M)) == 66
    assert 'label="运用促进司"' in text


@pytest.mark.slow
@NEEDS_GRAPHVIZ
@pytest.mark.parametrize("name", network.NETWORKS)
def test_graphviz_reads_the_dot_and_draws_png(runner, name):
    assert made(runner, "png", name).startswith(b"\x89PNG\r\n\x1a\n")


def test_png_without_graphviz_says_what_to_install(runner, monkeypatch):
    monkeypatch.setattr(picture.shutil, "which", lambda _name: None)
    with pytest.raises(export.ExportError, match="Graphviz"):
        made(runner, "png")


def test_svg_draws_each_department_and_pair(runner, shared_in_source):
    root = ET.fromstring(made(runner, "svg"))
    assert len(root.findall(f".//{SVG}circle")) == 12
    assert len(root.findall(f".//{SVG}line")) == len(shared_in_source)
    assert "运用促进司" in {t.text for t in root.iter(f"{SVG}text")}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", export.RDF_FORMATS)
def test_rdf_exports_are_the_graph(graph, fmt):
    text = export.export_rdf(graph, fmt)
    parsed = Graph().parse(data=text, format={"ttl": "turtle", "jsonld": "json-ld"}.get(fmt, fmt))
    assert isomorphic(parsed, graph)


def test_rdf_through_the_runner_has_every_triple(runner, graph):
    fetched = export.rdf_graph(runner)
    assert len(fetched) == len(graph)
    assert set(fetched.subjects()) == set(graph.subjects())


def test_rdf_through_the_runner_refuses_a_cut_off_answer(runner):
    def capped(name, params):
        result = runner(name, params)
        result.rows, result.truncated = result.rows[:100], True
        return result

    with pytest.raises(export.ExportError, match="cut query network-all-triples off at 100 rows"):
        export.rdf_graph(capped)


def test_jsonld_uses_short_names(graph):
    data = json.loads(export.export_rdf(graph, "jsonld"))
    assert data["@context"]["responsibleBody"] == {"@id": "ipg:responsibleBody", "@type": "@id"}
    task = next(n for n in data["@graph"] if n["@id"].endswith("cnipa-tasklist-2021/task/1"))
    assert len(task["responsibleBody"]) == 12


def test_format_from_suffix_and_unknown_format():
    assert export.format_for("out/departments.graphml", None) == "graphml"
    assert export.format_for("x.txt", "gexf") == "gexf"
    with pytest.raises(export.ExportError, match="give --format"):
        export.format_for("x.txt", None)
    with pytest.raises(export.ExportError, match="unknown export format 'xls'"):
        export.format_for("x.xls", "xls")


def test_cli_writes_the_file(tmp_path, capsys):
    target = tmp_path / "departments.gexf"
    assert main(["export", "--network", "departments", "-o", str(target)]) == 0
    assert nx.read_gexf(target).number_of_edges() == 66
    assert "wrote" in capsys.readouterr().err


def test_cli_refuses_network_with_rdf_and_writes_nothing(tmp_path, capsys):
    target = tmp_path / "graph.ttl"
    assert main(["export", "--network", "citations", "-o", str(target)]) == 2
    assert "leave out --network" in capsys.readouterr().err
    assert not target.exists()


@pytest.mark.slow
def test_cli_rdf_to_stdout_is_the_graph_file(capsysbinary, tmp_path, graph):
    source = tmp_path / "graph.ttl"
    graph.serialize(source, format="turtle")
    assert main(["export", "--format", "nt", "--graph", str(source)]) == 0
    assert isomorphic(Graph().parse(data=capsysbinary.readouterr().out.decode("utf-8"), format="nt"), graph)
