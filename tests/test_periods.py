"""Networks per edition and per year on the three test editions (tests/fixtures/series/).

Expected figures are counted from the bodies in brackets at the end of each item of the
source text; the dynamic GEXF is parsed back with networkx and its intervals checked.
"""

from __future__ import annotations

import io
import json
import re
from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest

from ipgraph import network
from ipgraph.cli import main
from ipgraph.export.periods import export_by_period
from ipgraph.graph.build import build_sources
from ipgraph.network.periods import centralisation, figures, period_graphs
from ipgraph.network.weights import Weighting
from ipgraph.sparql.store import EmbeddedStore

SERIES = Path(__file__).parent / "fixtures" / "series"
ITEM = re.compile(r"^\d+\..*[（(](?P<bodies>[^（）()]*)[）)]$")
ROLE = re.compile(r"(牵头|参与|负责|按职责分工|等)+$")
ALIASES = {"知识产权局": "国家知识产权局"}


def source_bodies(year: int) -> list[list[str]]:
    """Each item's bodies, as named in the source text of that year's edition."""
    items = []
    for line in (SERIES / f"plan-{year}.txt").read_text(encoding="utf-8").splitlines():
        if m := ITEM.match(line):
            names = [ROLE.sub("", n.strip()) for n in re.split(r"[、，,]", m["bodies"])]
            items.append([ALIASES.get(n, n) for n in names if n])
    return items


def expected(year: int) -> tuple[set[str], set[frozenset]]:
    items = source_bodies(year)
    return {n for names in items for n in names}, {frozenset(p) for names in items for p in combinations(names, 2)}


@pytest.fixture(scope="module")
def runner():
    return network.store_runner(EmbeddedStore.from_rdflib(build_sources(sorted(SERIES.glob("*.txt")))))


@pytest.fixture(scope="module")
def by_edition(runner):
    return period_graphs(runner, "edition")


@pytest.mark.slow
def test_one_network_per_edition_with_the_bodies_of_its_source(by_edition):
    assert [p.key for p, _g in by_edition] == ["annual-plan-2031", "annual-plan-2032", "annual-plan-2033"]
    for (period, graph), year in zip(by_edition, (2031, 2032, 2033), strict=True):
        names, pairs = expected(year)
        assert (period.start, period.end) == (year, year)
        assert {graph.nodes[n]["label_zh"] for n in graph} == names
        assert {frozenset((graph.nodes[a]["label_zh"], graph.nodes[b]["label_zh"])) for a, b in graph.edges} == pairs


def test_figures_and_changes(by_edition):
    rows = figures(by_edition)
    assert [(r["nodes"], r["edges"]) for r in rows] == [
        (len(expected(y)[0]), len(expected(y)[1])) for y in (2031, 2032, 2033)
    ]
    assert (rows[1]["gained"], rows[1]["lost"]) == (["国家统计局"], ["教育部"])
    assert (rows[2]["gained"], rows[2]["lost"]) == (["国家发展改革委"], ["国家统计局"])
    # 2033: 国家知识产权局 is tied to each of the five others and they to nobody else — a star.
    assert rows[2]["centralisation"] == 1.0
    assert rows[2]["top_degree"][0]["zh"] == "国家知识产权局" and rows[2]["top_betweenness"][0]["betweenness"] == 1.0
    assert all(r["components"] == 1 for r in rows[1:])


def test_centralisation_by_hand():
    # Path a–b–c–d: degrees 1, 2, 2, 1; Σ(2 − d) = 2; (n−1)(n−2) = 6.
    assert centralisation(nx.path_graph(4)) == pytest.approx(2 / 6)
    assert centralisation(nx.complete_graph(5)) == 0


def test_periods_keep_the_weighting(runner):
    periods = period_graphs(runner, "year", Weighting("newman"))
    assert [p.key for p, _g in periods] == ["2031", "2032", "2033"]
    _p, graph = periods[1]
    # 2032 item 7 names three bodies: each of its pairs gets 1/2; 商务部 and 国家统计局 share only it.
    names = {graph.nodes[n]["label_zh"]: n for n in graph}
    assert graph.edges[names["商务部"], names["国家统计局"]]["weight"] == 0.5
    assert graph.graph["weighting"] == "newman"


def test_dynamic_gexf_has_the_intervals_of_each_node_and_edge(runner):
    [(name, data)] = export_by_period(runner, "gexf", "year").items()
    assert name == "departments-by-year.gexf"
    assert b'mode="dynamic"' in data and b'timeformat="long"' in data
    graph = nx.read_gexf(io.BytesIO(data))
    by_label = {info["label"]: node for node, info in graph.nodes(data=True)}
    years = {y: expected(y)[0] for y in (2031, 2032, 2033)}
    for label, node in by_label.items():
        present = [(y, y) for y in (2031, 2032, 2033) if label in years[y]]
        assert sorted(graph.nodes[node]["spells"]) == present, label
    edge = graph.edges[by_label["商务部"], by_label["国家统计局"]]
    assert edge["spells"] == [(2032, 2032)]
    assert edge["weight_by_period"] == [(1, 2032, 2032)]
    cnipa_hrss = graph.edges[by_label["国家知识产权局"], by_label["人力资源社会保障部"]]
    assert sorted(cnipa_hrss["spells"]) == [(2031, 2031), (2032, 2032), (2033, 2033)]


def test_one_graphml_per_period_and_a_slider_page(runner, tmp_path):
    out = tmp_path / "periods"
    assert (
        main(["export", "--by", "edition", "-f", "graphml", "-o", str(out), "--graph", str(graph_file(tmp_path))]) == 0
    )
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"departments-annual-plan-{y}.graphml" for y in (2031, 2032, 2033)]
    for year in (2031, 2032, 2033):
        graph = nx.read_graphml(out / f"departments-annual-plan-{year}.graphml")
        assert graph.number_of_nodes() == len(expected(year)[0])
    page = export_by_period(runner, "html", "edition")["departments-by-edition.html"].decode("utf-8")
    assert page.count('class="period"') == 3 and 'max="2"' in page


def graph_file(tmp_path: Path) -> Path:
    path = tmp_path / "series.ttl"
    if not path.exists():
        build_sources(sorted(SERIES.glob("*.txt"))).serialize(path, format="turtle")
    return path


@pytest.mark.slow
def test_report_by_year(capsys, tmp_path):
    assert main(["network", "report", "--by", "year", "--graph", str(graph_file(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^2032\s+6\s+6\s+0\.400\s+1\s+0\.900$", out, re.M)
    assert "gained: 国家统计局; lost: 教育部" in out


# --- the task–department and citation networks per period ---------------------------------


def source_items(year: int) -> list[tuple[str, list[str]]]:
    """Each item's text (without its number and bodies) and bodies, from the source text."""
    lines = (SERIES / f"plan-{year}.txt").read_text(encoding="utf-8").splitlines()
    texts = [re.sub(r"^\d+\.|[（(][^（）()]*[）)]$", "", line) for line in lines if ITEM.match(line)]
    return list(zip(texts, source_bodies(year), strict=True))


def test_task_department_network_per_edition(runner):
    periods = period_graphs(runner, "edition", name="task-department")
    rows = figures(periods)
    for (_period, graph), row, year in zip(periods, rows, (2031, 2032, 2033), strict=True):
        items = source_items(year)
        names = {n for _text, bodies in items for n in bodies}
        assert (row["nodes"], row["edges"]) == (len(items) + len(names), sum(len(b) for _t, b in items))
        cnipa = sum("国家知识产权局" in bodies for _t, bodies in items)
        assert row["top_degree"][0] == {"iri": row["top_degree"][0]["iri"], "zh": "国家知识产权局", "degree": cnipa}
        # the attributes of the whole network's nodes, and the period's own task numbers per department
        task = next(n for n, kind in graph.nodes(data="kind") if kind == "task")
        assert {"number", "source_line", "section_zh", "label_en", "betweenness"} <= set(graph.nodes[task])
        dept = next(n for n in graph if graph.nodes[n].get("label_zh") == "国家知识产权局")
        assert graph.nodes[dept]["tasks"] == cnipa
    # An edge is an item's text with one of its bodies: those of 2031 kept word for word in 2032 stay.
    old, new = ({(t, b) for t, bodies in source_items(y) for b in bodies} for y in (2031, 2032))
    assert (rows[1]["pairs_gained"], rows[1]["pairs_lost"]) == (len(new - old), len(old - new)) == (8, 6)
    assert (rows[1]["gained"], rows[1]["lost"]) == (["国家统计局"], ["教育部"])


def test_task_department_dynamic_gexf_and_slider(runner):
    [(name, data)] = export_by_period(runner, "gexf", "year", name="task-department").items()
    assert name == "task-department-by-year.gexf"
    graph = nx.read_gexf(io.BytesIO(data))
    assert not graph.is_directed()
    # each edition's tasks are nodes of their own: the edges of the three years add up
    assert graph.number_of_edges() == sum(len(b) for y in (2031, 2032, 2033) for _t, b in source_items(y))
    tasks = [info for _n, info in graph.nodes(data=True) if info["kind"] == "task"]
    assert len(tasks) == sum(len(source_items(y)) for y in (2031, 2032, 2033))
    assert sorted(info["spells"][0][0] for info in tasks if info["number"] == 7) == [2032]
    hrss = next(info for _n, info in graph.nodes(data=True) if info["label"] == "人力资源社会保障部")
    assert sorted(hrss["spells"]) == [(2031, 2031), (2032, 2032), (2033, 2033)]
    assert sorted(hrss["tasks_by_period"]) == [(1, 2031, 2031), (1, 2032, 2032), (1, 2033, 2033)]
    page = export_by_period(runner, "html", "edition", name="task-department")["task-department-by-edition.html"]
    text = page.decode("utf-8")
    assert text.count('class="period"') == 3 and text.count('class="task"') == len(tasks)


def test_citation_network_per_year_in_gexf_and_csv(runner, tmp_path):
    periods = period_graphs(runner, "year", name="citations")
    rows = figures(periods)
    # every edition's item 1 cites the same specification, in the same words
    assert [(r["period"], r["nodes"], r["edges"], r["components"]) for r in rows] == [
        (str(y), 2, 1, 1) for y in (2031, 2032, 2033)
    ]
    assert all(r["top_degree"][0]["zh"] == "知识产权基础信息数据规范" for r in rows)
    assert (rows[1]["pairs_gained"], rows[1]["pairs_lost"]) == (0, 0)
    [(_name, data)] = export_by_period(runner, "gexf", "year", name="citations").items()
    graph = nx.read_gexf(io.BytesIO(data))
    assert graph.is_directed()
    [ref] = [n for n, info in graph.nodes(data=True) if info["kind"] == "reference"]
    assert sorted(graph.nodes[ref]["spells"]) == [(y, y) for y in (2031, 2032, 2033)]
    assert (graph.in_degree(ref), graph.out_degree(ref)) == (3, 0)  # one citing task a year
    out = tmp_path / "citations"
    args = ["export", "-n", "citations", "--by", "year", "-f", "csv-edges", "-o", str(out)]
    assert main([*args, "--graph", str(graph_file(tmp_path))]) == 0
    assert sorted(p.name for p in out.iterdir()) == [f"citations-{y}.edges.csv" for y in (2031, 2032, 2033)]
    assert (out / "citations-2032.edges.csv").read_text(encoding="utf-8").count(ref) == 1


def test_report_of_the_task_department_network(capsys, tmp_path):
    graph = str(graph_file(tmp_path))
    assert main(["network", "report", "-n", "task-department", "--by", "edition", "--graph", graph]) == 0
    out = capsys.readouterr().out
    assert out.startswith("task-department network by period")
    assert re.search(r"^annual-plan-2032\s+13\s+13\s", out, re.M)  # 7 tasks and 6 bodies, 13 responsibilities
    assert main(["network", "report", "-n", "task-department", "--graph", graph, "-f", "json"]) == 0
    [whole] = json.loads(capsys.readouterr().out)
    # the three editions' 19 tasks and the 8 bodies named in any of them
    assert (whole["period"], whole["nodes"], whole["edges"]) == ("all", 19 + 8, 11 + 13 + 11)
