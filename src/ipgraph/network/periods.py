"""Networks over time: each network ipgraph builds, per edition or per year, their figures, and a dynamic network.

A task belongs to its document's period (query ``network-task-periods``): by
``edition`` each document is a period of its own, spanning its years; by ``year``
each year is a period, and a document covering 2021—2022 counts in both. Each
period's network is built from the tasks of that period alone, with the same
attributes (and, for the department network, the same weighting) as the whole
network:

- ``departments``: departments linked by the tasks they share (``network.department_graph``);
- ``task-department``: the period's tasks and their departments (``network.bipartite_graph``);
- ``citations``: the period's tasks → the references their measures cite (``network.citation_graph``).

The figures researchers tabulate per period: nodes, edges, density, connected
components (weakly connected for the directed citation network), Freeman's degree
centralisation (0 for a network where every node has the same degree, 1 for a star),
the top *bodies* by degree and by betweenness — departments, or the cited references
in the citation network — and what changed since the period before: bodies gained and
lost by name, edges gained and lost (an edge is known by the names of its two ends, so
a task kept with the same title and department is the same edge in two editions).

``dynamic_graph`` merges the periods into one network whose nodes and edges carry
their time intervals (``spells``, inclusive years) and a weight per interval, which
``export.periods`` writes as a dynamic GEXF that Gephi's timeline plays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from ipgraph import network
from ipgraph.network.weights import Weighting

BY = ("edition", "year")
PERIODS_QUERY = "network-task-periods"
BODY_KINDS = ("department", "reference")  # the nodes the top lists and the gained/lost names are about
KEEP = ("kind", "iri", "label", "label_zh", "label_en", "number", "ref_kind")  # node attributes of the dynamic graph


@dataclass(frozen=True, order=True)
class Period:
    """One period: its years (inclusive), a key for file names and a label."""

    start: int
    end: int
    key: str
    label: str


def task_periods(runner: network.Runner, by: str) -> dict[str, list[Period]]:
    """Task IRI → the periods it belongs to."""
    if by not in BY:
        raise network.NetworkError(f"networks by {by!r}: use one of {', '.join(BY)}")
    found: dict[str, list[Period]] = {}
    for row in network.fetch(runner, PERIODS_QUERY):
        start, end = int(row["start"]), int(row["end"])
        if by == "edition":
            key = row["document"].rsplit("/", 1)[-1]
            label = row.get("title") or key
            periods = [Period(start, end, key, label)]
        else:
            periods = [Period(year, year, str(year), str(year)) for year in range(start, end + 1)]
        found.setdefault(row["task"], []).extend(periods)
    return found


def period_graphs(
    runner: network.Runner, by: str, weighting: Weighting | None = None, name: str = "departments"
) -> list[tuple[Period, nx.Graph]]:
    """Each period's analysed network ``name`` (one of ``network.NETWORKS``), in period order."""
    if name not in network.NETWORKS:
        raise network.NetworkError(f"unknown network {name!r}; use one of {', '.join(network.NETWORKS)}")
    members: dict[Period, set[str]] = {}
    for task, periods in task_periods(runner, by).items():
        for period in periods:
            members.setdefault(period, set()).add(task)
    whole = network.citation_graph(runner) if name == "citations" else network.bipartite_graph(runner)
    result = []
    for period in sorted(members):
        tasks = members[period] & set(whole)
        if not tasks:
            continue
        graph = _period_graph(runner, whole, tasks, name, weighting)
        graph.graph.update(period=period.key, start=period.start, end=period.end)
        result.append((period, graph))
    return result


def whole_graph(runner: network.Runner, name: str, weighting: Weighting | None = None) -> list[tuple[Period, nx.Graph]]:
    """The network of all documents as one period (``all``), analysed as the periods are."""
    whole = network.citation_graph(runner) if name == "citations" else network.bipartite_graph(runner)
    tasks = {n for n, kind in whole.nodes(data="kind") if kind == "task"}
    return [(Period(0, 0, "all", "all documents"), _period_graph(runner, whole, tasks, name, weighting))]


def _period_graph(runner: network.Runner, whole: nx.Graph, tasks: set[str], name: str, weighting) -> nx.Graph:
    """The network ``name`` of these tasks alone, cut from the whole bipartite or citation graph."""
    nodes = tasks | {n for t in tasks for n in whole[t]}
    sub = whole.subgraph(nodes).copy()
    if name == "citations":
        return _analyse(sub)
    for dept in network.departments(sub):
        numbers = sorted(sub.nodes[t]["number"] for t in sub[dept])
        sub.nodes[dept].update(tasks=len(numbers), task_numbers=numbers)
    if name == "task-department":
        return _analyse(sub)
    return network.annotate(network.department_graph(runner, sub, weighting))


def _analyse(graph: nx.Graph) -> nx.Graph:
    """Degree, weighted degree, betweenness and component of each node of a task network.

    Betweenness and components read the citation network as undirected: a reference
    cited by the tasks of two groups bridges them, though no path runs along the arrows.
    """
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    betweenness = nx.betweenness_centrality(undirected)
    for node in graph:
        graph.nodes[node].update(
            degree=graph.degree(node),
            weighted_degree=graph.degree(node, weight="weight"),
            betweenness=betweenness[node],
        )
    for index, group in enumerate(network.components(undirected)):
        for node in group:
            graph.nodes[node]["component"] = index
    return graph


def centralisation(graph: nx.Graph) -> float:
    """Freeman's degree centralisation: Σ(max degree − degree) / ((n−1)(n−2))."""
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    degrees = [d for _n, d in graph.degree()]
    return sum(max(degrees) - d for d in degrees) / ((n - 1) * (n - 2))


def _bodies(graph: nx.Graph) -> list[str]:
    return [n for n, kind in graph.nodes(data="kind") if kind in BODY_KINDS]


def _top(graph: nx.Graph, key: str, top: int) -> list[dict[str, Any]]:
    ranked = sorted(_bodies(graph), key=lambda n: (-graph.nodes[n][key], graph.nodes[n]["label_zh"]))
    return [{"iri": n, "zh": graph.nodes[n]["label_zh"], key: graph.nodes[n][key]} for n in ranked[:top]]


def _edge_names(graph: nx.Graph) -> set[tuple[str, str]]:
    """Each edge as the (sorted) names of its ends: the same edge in two periods has the same names."""
    names = {n: graph.nodes[n]["label_zh"] for n in graph}
    return {(min(names[a], names[b]), max(names[a], names[b])) for a, b in graph.edges()}


def figures(periods: list[tuple[Period, nx.Graph]], top: int = 5) -> list[dict[str, Any]]:
    """The per-period figures, each with the changes since the period before."""
    rows = []
    before: nx.Graph | None = None
    for period, graph in periods:
        names = {graph.nodes[n]["label_zh"] for n in _bodies(graph)}
        pairs = _edge_names(graph)
        old_names = {before.nodes[n]["label_zh"] for n in _bodies(before)} if before is not None else set()
        old_pairs = _edge_names(before) if before is not None else set()
        undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
        rows.append(
            {
                "network": graph.graph.get("name", "departments"),
                "period": period.key,
                "label": period.label,
                "start": period.start,
                "end": period.end,
                "nodes": graph.number_of_nodes(),
                "edges": graph.number_of_edges(),
                "density": nx.density(graph),
                "components": nx.number_connected_components(undirected),
                "centralisation": centralisation(undirected),
                "top_degree": _top(graph, "degree", top),
                "top_betweenness": _top(graph, "betweenness", top),
                "gained": sorted(names - old_names) if before is not None else [],
                "lost": sorted(old_names - names),
                "pairs_gained": len(pairs - old_pairs) if before is not None else 0,
                "pairs_lost": len(old_pairs - pairs),
            }
        )
        before = graph
    return rows


def format_figures(rows: list[dict[str, Any]]) -> str:
    """The figures as a text table, then the top bodies and changes of each period."""
    name = rows[0]["network"] if rows else "departments"
    width = max([12, *(len(r["period"]) for r in rows)])
    header = f"{'period':<{width}}  nodes  edges  density  components  centralisation"
    lines = [f"{name} network by period", "", header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r['period']:<{width}}  {r['nodes']:>5}  {r['edges']:>5}  {r['density']:>7.3f}  {r['components']:>10}  "
            f"{r['centralisation']:>14.3f}"
        )
    for r in rows:
        lines += ["", f"{r['label']} ({r['period']}):"]
        lines.append("  top degree: " + ", ".join(f"{t['zh']} {t['degree']}" for t in r["top_degree"]))
        between = (f"{t['zh']} {t['betweenness']:.3f}" for t in r["top_betweenness"])
        lines.append("  top betweenness: " + ", ".join(between))
        if r["gained"] or r["lost"] or r["pairs_gained"] or r["pairs_lost"]:
            lines.append(f"  gained: {'、'.join(r['gained']) or '—'}; lost: {'、'.join(r['lost']) or '—'}")
            lines.append(f"  edges gained {r['pairs_gained']}, lost {r['pairs_lost']}")
    return "\n".join(lines) + "\n"


def dynamic_graph(periods: list[tuple[Period, nx.Graph]]) -> nx.Graph:
    """One network over all periods: ``spells`` [(start, end), …] on nodes and edges, ``weight`` per spell."""
    first = periods[0][1] if periods else nx.Graph(name="departments")
    merged: nx.Graph = first.__class__(name=first.graph.get("name", "departments"), mode="dynamic")
    for period, graph in periods:
        merged.graph.update({k: v for k, v in graph.graph.items() if k in ("weighting", "weight_method", "max_bodies")})
        spell = (period.start, period.end)
        for node, info in graph.nodes(data=True):
            if node not in merged:
                keep = {k: info[k] for k in KEEP if k in info}
                merged.add_node(node, **keep, spells=[], degree_by_period=[])
                if "tasks" in info:
                    merged.nodes[node]["tasks_by_period"] = []
            merged.nodes[node]["spells"].append(spell)
            merged.nodes[node]["degree_by_period"].append((info["degree"], *spell))
            if "tasks" in info:
                merged.nodes[node]["tasks_by_period"].append((info["tasks"], *spell))
        for a, b, data in graph.edges(data=True):
            if not merged.has_edge(a, b):
                merged.add_edge(a, b, spells=[], weight_by_period=[], weight=0)
                if "weighting" in data:
                    merged.edges[a, b]["weighting"] = data["weighting"]
            merged.edges[a, b]["weight"] += data["weight"]
            merged.edges[a, b]["spells"].append(spell)
            merged.edges[a, b]["weight_by_period"].append((data["weight"], *spell))
    return merged
