"""Newman's collaboration weights, the catch-all option, and the Pajek / UCINET exports.

The small network is worked out by hand in the comments; the 2021 checks read the
责任部门 cells of the source text.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import networkx as nx
import pytest

from ipgraph import export, network
from ipgraph.cli import main
from ipgraph.errors import IpgraphError
from ipgraph.network.weights import Weighting, pair_weights

# Four tasks: A names X, Y, Z; B names X, Y; C names X, Y, Z, W; D names W alone.
TASKS = {1: "XYZ", 2: "XY", 3: "XYZW", 4: "W"}
# By hand, Newman: A adds 1/2 to XY, XZ, YZ; B adds 1 to XY; C adds 1/3 to each of its six pairs.
NEWMAN = {
    "XY": Fraction(1, 2) + 1 + Fraction(1, 3),  # 11/6
    "XZ": Fraction(1, 2) + Fraction(1, 3),  # 5/6
    "YZ": Fraction(1, 2) + Fraction(1, 3),
    "WX": Fraction(1, 3),
    "WY": Fraction(1, 3),
    "WZ": Fraction(1, 3),
}
COUNT = {"XY": 3, "XZ": 2, "YZ": 2, "WX": 1, "WY": 1, "WZ": 1}
# Leaving out tasks of more than 3 bodies drops C: XY = 1/2 + 1, XZ = YZ = 1/2; W has no tie.
NEWMAN_AT_MOST_3 = {"XY": Fraction(3, 2), "XZ": Fraction(1, 2), "YZ": Fraction(1, 2)}
TASK_ROW = re.compile(r"^(\d+)\.")


def toy_bipartite() -> nx.Graph:
    graph = nx.Graph()
    for number, bodies in TASKS.items():
        task = f"task/{number}"
        graph.add_node(task, kind="task", number=number, label_zh=f"任务{number}", label_en=f"Task {number}")
        for body in bodies:
            graph.add_node(body, kind="department", label_zh=body, label_en=body, tasks=0)
            graph.add_edge(task, body)
    return graph


def toy(weighting: Weighting) -> nx.Graph:
    return network.department_graph(None, toy_bipartite(), weighting)


def weights(graph: nx.Graph, key: str = "weight") -> dict[str, float]:
    return {"".join(sorted((a, b))): d[key] for a, b, d in graph.edges(data=True)}


def test_newman_weights_match_the_hand_computed_example():
    graph = toy(Weighting("newman"))
    assert weights(graph) == pytest.approx({pair: float(w) for pair, w in NEWMAN.items()})
    assert weights(graph, "shared_tasks") == COUNT
    # Every body gets exactly 1 from each task it shares with someone (D, W's own task, gives nothing).
    assert dict(graph.degree(weight="weight")) == pytest.approx({"X": 3, "Y": 3, "Z": 2, "W": 1})


def test_count_weights_are_the_shared_tasks():
    graph = toy(Weighting("count"))
    assert weights(graph) == COUNT
    assert weights(graph, "newman_weight") == pytest.approx({pair: float(w) for pair, w in NEWMAN.items()})
    assert graph.edges["X", "Y"]["tasks"] == [1, 2, 3]


def test_pair_weights_are_exact_fractions():
    pairs = pair_weights([TASKS[n] for n in sorted(TASKS)], Weighting("newman"))
    assert {"".join(p): e["newman"] for p, e in pairs.items()} == NEWMAN


def test_max_bodies_leaves_out_catch_all_tasks_but_keeps_their_bodies():
    graph = toy(Weighting("newman", max_bodies=3))
    assert weights(graph) == pytest.approx({pair: float(w) for pair, w in NEWMAN_AT_MOST_3.items()})
    assert "W" in graph and graph.degree("W") == 0
    assert graph.graph["weighting"] == "newman; tasks with at most 3 bodies"
    assert {d["weighting"] for _a, _b, d in graph.edges(data=True)} == {"newman; tasks with at most 3 bodies"}


@pytest.mark.parametrize(("method", "limit"), [("cosine", None), ("count", 1)])
def test_bad_weighting_is_one_clear_error(method, limit):
    with pytest.raises(IpgraphError, match=r"weighting|max-bodies"):
        Weighting(method, limit)


# --- the 2021 list ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def runner(store):
    return network.store_runner(store)


@pytest.fixture(scope="module")
def task_sizes(source_lines) -> dict[int, int]:
    """Task number → how many departments its 责任部门 cell names."""
    sizes = {}
    for line in source_lines:
        cells = line.split("\t")
        match = TASK_ROW.match(cells[0].strip())
        if match and len(cells) >= 3:
            sizes[int(match.group(1))] = len([n for n in re.split(r"[、，,]", cells[2]) if n.strip()])
    return sizes


def test_2021_newman_strength_is_the_number_of_shared_tasks(runner, task_sizes):
    graph = network.department_graph(runner, weighting=Weighting("newman"))
    bipartite = network.bipartite_graph(runner)
    for dept in network.departments(graph):
        shared = [t for t in bipartite[dept] if task_sizes[bipartite.nodes[t]["number"]] >= 2]
        assert graph.degree(dept, weight="weight") == pytest.approx(len(shared))


def test_2021_without_the_catch_all_task_the_network_is_not_complete(runner, task_sizes):
    assert task_sizes[1] == 12 == max(task_sizes.values())
    complete = network.department_graph(runner)
    assert nx.density(complete) == 1
    without = network.department_graph(runner, weighting=Weighting("count", max_bodies=11))
    assert without.number_of_nodes() == 12
    assert nx.density(without) < 1
    assert all(1 not in d["tasks"] for _a, _b, d in without.edges(data=True))


def test_report_names_the_weighting(capsys, graph_file):
    assert main(["network", "report", "--graph", graph_file, "--weight", "newman", "--max-bodies", "11"]) == 0
    assert "weights: newman; tasks with at most 11 bodies" in capsys.readouterr().out
    assert main(["network", "report", "--graph", graph_file, "--format", "json", "--weight", "newman"]) == 0
    assert json.loads(capsys.readouterr().out)["weighting"] == "newman"


@pytest.fixture(scope="module")
def graph_file(graph, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("weights") / "ipgraph.ttl"
    graph.serialize(path, format="turtle")
    return str(path)


# --- Pajek and UCINET DL -----------------------------------------------------------------


def read_dl(text: str) -> tuple[str, nx.DiGraph]:
    """A DL edgelist1 file read back: its matrix label and a graph over the vertex labels."""
    header, data = text.split("data:\n")
    lines = header.splitlines()
    relation = lines[lines.index("matrix labels:") + 1].strip('"')
    labels = [name.strip('"') for name in lines[lines.index("labels:") + 1].split(",")]
    numbered = nx.parse_edgelist(data.splitlines(), nodetype=int, data=[("weight", float)], create_using=nx.DiGraph)
    return relation, nx.relabel_nodes(numbered, {i: name for i, name in enumerate(labels, 1)})


@pytest.mark.parametrize("method", ["count", "newman"])
def test_pajek_parses_back_with_networkx(runner, method):
    weighting = Weighting(method)
    expected = network.department_graph(runner, weighting=weighting)
    text = export.export(runner, "pajek", "departments", "zh", weighting=weighting).decode("utf-8")
    assert text.startswith(f"% ipgraph departments network; weights: {method}\n")
    parsed = nx.Graph(nx.parse_pajek(text))
    labels = {n: expected.nodes[n]["label_zh"] for n in expected}
    assert set(parsed) == set(labels.values())
    for a, b, data in expected.edges(data=True):
        assert parsed.edges[labels[a], labels[b]]["weight"] == pytest.approx(data["weight"], rel=1e-5)
    assert parsed.number_of_edges() == expected.number_of_edges()


def test_pajek_directed_network_has_arcs(runner):
    text = export.export(runner, "pajek", "citations").decode("utf-8")
    assert "\n*Arcs\n" in text
    parsed = nx.parse_pajek(text)
    assert parsed.is_directed()
    assert parsed.number_of_edges() == network.build(runner, "citations").number_of_edges()


def test_ucinet_dl_parses_back_with_networkx(runner, tmp_path):
    out = tmp_path / "departments.dl"
    assert main(["export", "-n", "departments", "-o", str(out), "--weight", "newman", "--max-bodies", "11"]) == 0
    relation, parsed = read_dl(out.read_text(encoding="utf-8"))
    assert relation == "newman; tasks with at most 11 bodies"
    expected = network.department_graph(runner, weighting=Weighting("newman", max_bodies=11))
    labels = {n: expected.nodes[n]["label_zh"] for n in expected}
    assert set(parsed) == set(labels.values())
    # UCINET reads an edge list as arcs, so each pair is written both ways.
    assert parsed.number_of_edges() == 2 * expected.number_of_edges()
    for a, b, data in expected.edges(data=True):
        assert parsed.edges[labels[a], labels[b]]["weight"] == pytest.approx(data["weight"], rel=1e-5)
        assert parsed.edges[labels[b], labels[a]]["weight"] == pytest.approx(data["weight"], rel=1e-5)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv-edges", "cytoscape", "dot"])
def test_every_network_export_states_its_weighting(runner, fmt):
    data = export.export(runner, fmt, "departments", "zh", weighting=Weighting("newman", max_bodies=5))
    assert "newman; tasks with at most 5 bodies" in data.decode("utf-8")


def test_html_view_carries_its_weighting(runner):
    page = export.export(runner, "html", weighting=Weighting("newman", max_bodies=5)).decode("utf-8")
    assert '"weighting":{"method":"newman","max_bodies":5,"description":"newman; tasks with at most 5 bodies"}' in page
