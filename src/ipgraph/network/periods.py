"""Networks over time: the department network of each edition or year, their figures, and a dynamic network.

A task belongs to its document's period (query ``network-task-periods``): by
``edition`` each document is a period of its own, spanning its years; by ``year``
each year is a period, and a document covering 2021—2022 counts in both. Each
period's department network is built from the tasks of that period alone, with the
same attributes and weighting as the whole network (``network.department_graph``).

The figures researchers tabulate per period: departments (nodes), pairs (edges),
density, connected components, Freeman's degree centralisation (0 for a network
where every node has the same degree, 1 for a star), the top departments by degree
and by betweenness, and what changed since the period before (departments and pairs
gained and lost).

``dynamic_graph`` merges the periods into one network whose nodes and edges carry
their time intervals (``spells``, inclusive years) and a weight per interval, which
``export.to_gexf`` writes as a dynamic GEXF that Gephi's timeline plays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from ipgraph import network
from ipgraph.network.weights import Weighting

BY = ("edition", "year")
PERIODS_QUERY = "network-task-periods"


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


def period_graphs(runner: network.Runner, by: str, weighting: Weighting | None = None) -> list[tuple[Period, nx.Graph]]:
    """Each period's annotated department network, in period order."""
    bipartite = network.bipartite_graph(runner)
    members: dict[Period, set[str]] = {}
    for task, periods in task_periods(runner, by).items():
        if task in bipartite:
            for period in periods:
                members.setdefault(period, set()).add(task)
    result = []
    for period in sorted(members):
        tasks = members[period]
        nodes = tasks | {d for t in tasks for d in bipartite[t]}
        sub: nx.Graph = nx.Graph(bipartite.subgraph(nodes))
        for dept in network.departments(sub):
            numbers = sorted(sub.nodes[t]["number"] for t in sub[dept])
            sub.nodes[dept].update(tasks=len(numbers), task_numbers=numbers)
        graph = network.department_graph(runner, sub, weighting)
        graph.graph.update(period=period.key, start=period.start, end=period.end)
        result.append((period, network.annotate(graph)))
    return result


def centralisation(graph: nx.Graph) -> float:
    """Freeman's degree centralisation: Σ(max degree − degree) / ((n−1)(n−2))."""
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    degrees = [d for _n, d in graph.degree()]
    return sum(max(degrees) - d for d in degrees) / ((n - 1) * (n - 2))


def _top(graph: nx.Graph, key: str, top: int) -> list[dict[str, Any]]:
    ranked = sorted(graph, key=lambda n: (-graph.nodes[n][key], graph.nodes[n]["label_zh"]))
    return [{"iri": n, "zh": graph.nodes[n]["label_zh"], key: graph.nodes[n][key]} for n in ranked[:top]]


def _pair(graph: nx.Graph, a: str, b: str) -> tuple[str, str]:
    first, second = sorted((graph.nodes[a]["label_zh"], graph.nodes[b]["label_zh"]))
    return first, second


def figures(periods: list[tuple[Period, nx.Graph]], top: int = 5) -> list[dict[str, Any]]:
    """The per-period figures, each with the changes since the period before."""
    rows = []
    before: nx.Graph | None = None
    for period, graph in periods:
        names = {graph.nodes[n]["label_zh"] for n in graph}
        pairs = {_pair(graph, a, b) for a, b in graph.edges()}
        old_names = {before.nodes[n]["label_zh"] for n in before} if before is not None else set()
        old_pairs = {_pair(before, a, b) for a, b in before.edges()} if before is not None else set()
        rows.append(
            {
                "period": period.key,
                "label": period.label,
                "start": period.start,
                "end": period.end,
                "nodes": graph.number_of_nodes(),
                "edges": graph.number_of_edges(),
                "density": nx.density(graph),
                "components": nx.number_connected_components(graph),
                "centralisation": centralisation(graph),
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
    """The figures as a text table, then the top departments and changes of each period."""
    lines = ["period        nodes  edges  density  components  centralisation", "-" * 64]
    for r in rows:
        lines.append(
            f"{r['period']:<12}  {r['nodes']:>5}  {r['edges']:>5}  {r['density']:>7.3f}  {r['components']:>10}  "
            f"{r['centralisation']:>14.3f}"
        )
    for r in rows:
        lines += ["", f"{r['label']} ({r['period']}):"]
        lines.append("  top degree: " + ", ".join(f"{t['zh']} {t['degree']}" for t in r["top_degree"]))
        between = (f"{t['zh']} {t['betweenness']:.3f}" for t in r["top_betweenness"])
        lines.append("  top betweenness: " + ", ".join(between))
        if r["gained"] or r["lost"] or r["pairs_gained"] or r["pairs_lost"]:
            lines.append(f"  gained: {'、'.join(r['gained']) or '—'}; lost: {'、'.join(r['lost']) or '—'}")
            lines.append(f"  pairs gained {r['pairs_gained']}, lost {r['pairs_lost']}")
    return "\n".join(lines) + "\n"


def dynamic_graph(periods: list[tuple[Period, nx.Graph]]) -> nx.Graph:
    """One network over all periods: ``spells`` [(start, end), …] on nodes and edges, ``weight`` per spell."""
    merged: nx.Graph = nx.Graph(name="departments", mode="dynamic")
    for period, graph in periods:
        merged.graph.update({k: v for k, v in graph.graph.items() if k in ("weighting", "weight_method", "max_bodies")})
        spell = (period.start, period.end)
        for node, info in graph.nodes(data=True):
            if node not in merged:
                keep = ("kind", "iri", "label", "label_zh", "label_en")
                merged.add_node(node, **{k: info[k] for k in keep if k in info}, spells=[], tasks_by_period=[])
            merged.nodes[node]["spells"].append(spell)
            merged.nodes[node]["tasks_by_period"].append((info.get("tasks", 0), *spell))
        for a, b, data in graph.edges(data=True):
            if not merged.has_edge(a, b):
                merged.add_edge(a, b, spells=[], weight_by_period=[], weight=0, weighting=data["weighting"])
            merged.edges[a, b]["weight"] += data["weight"]
            merged.edges[a, b]["spells"].append(spell)
            merged.edges[a, b]["weight_by_period"].append((data["weight"], *spell))
    return merged
