"""Department networks: who shares which tasks, who sits at the centre, which policies tasks cite.

Every network is built from SPARQL results (the ``queries/network-*.rq`` files)
fetched through a *runner* — a callable ``(query_name, params) -> Result`` — so the
same code works on the embedded store and on a remote endpoint. Nodes are keyed by
IRI and carry Chinese and English labels; list-valued attributes (task numbers,
titles) are flattened only when a file format needs it (see ``ipgraph.export``).

Networks:

- ``bipartite_graph``: tasks and departments, an edge for each responsibility;
- ``department_graph``: departments, an edge for every pair sharing a task, weighted
  by the number of shared tasks (equal to networkx's weighted projection of the
  bipartite graph onto the departments) or by Newman's collaboration weight
  (``network.weights``);
- ``citation_graph``: tasks (or measures) → the policies, treaties, organisations
  and programmes their measures cite.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from ipgraph.errors import IpgraphError
from ipgraph.network.layout import layout as layout  # part of the network API: exports place nodes with it
from ipgraph.network.weights import Weighting, add_weighted_edges
from ipgraph.sparql.results import Runner

TASK_DEPARTMENTS = "network-task-departments"
TASK_CITATIONS = "network-task-citations"
MEASURES = "network-measures"
NETWORKS = ("departments", "task-department", "citations")
COMMUNITY_METHODS = ("greedy", "louvain")


class NetworkError(IpgraphError):
    """A network question that cannot be answered as asked (unknown department, empty graph, …)."""


def store_runner(store) -> Runner:
    """A runner over an ``EmbeddedStore``: named queries from the library, run in process."""
    from ipgraph.sparql.library import resolve
    from ipgraph.sparql.run import run_embedded

    return lambda name, params: run_embedded(store, resolve(name), params)


def fetch(runner: Runner, query: str) -> list[dict[str, str]]:
    """The rows of a network query as plain ``{column: value}`` records."""
    result = runner(query, {})
    if result.kind != "bindings":
        raise NetworkError(f"query {query} returned a {result.kind} result, expected rows")
    return result.records()


# --- building the networks ---------------------------------------------------------


def _task_attributes(row: dict[str, str]) -> dict[str, Any]:
    number = int(row["number"])
    return {
        "kind": "task",
        "iri": row["task"],
        "number": number,
        "label": f"{number}. {row['title_zh']}",
        "label_zh": row["title_zh"],
        "label_en": row.get("title_en", ""),
        "source_line": int(row["line"]) if "line" in row else 0,
        "section": int(row["section_number"]) if "section_number" in row else 0,
        "section_zh": row.get("section_zh", ""),
        "section_en": row.get("section_en", ""),
    }


def _department_attributes(row: dict[str, str]) -> dict[str, Any]:
    zh = row.get("dept_zh") or row["dept"].rsplit("/", 1)[-1]
    return {"kind": "department", "iri": row["dept"], "label": zh, "label_zh": zh, "label_en": row.get("dept_en", "")}


def bipartite_graph(runner: Runner) -> nx.Graph:
    """Tasks (``bipartite=0``) and departments (``bipartite=1``), linked by responsibility."""
    graph: nx.Graph[str] = nx.Graph(name="task-department")
    for row in fetch(runner, TASK_DEPARTMENTS):
        graph.add_node(row["task"], bipartite=0, **_task_attributes(row))
        graph.add_node(row["dept"], bipartite=1, **_department_attributes(row))
        graph.add_edge(row["task"], row["dept"], weight=1)
    for dept in departments(graph):
        numbers = sorted(graph.nodes[t]["number"] for t in graph[dept])
        graph.nodes[dept].update(tasks=len(numbers), task_numbers=numbers)
    return graph


def departments(graph: nx.Graph) -> list[str]:
    """The department nodes of a bipartite or department graph, in a stable order."""
    return sorted(n for n, kind in graph.nodes(data="kind") if kind == "department")


def tasks(graph: nx.Graph) -> list[str]:
    """The task nodes of a bipartite graph, in document order."""
    return sorted((n for n, kind in graph.nodes(data="kind") if kind == "task"), key=lambda n: graph.nodes[n]["number"])


def department_graph(runner: Runner, bipartite: nx.Graph | None = None, weighting: Weighting | None = None) -> nx.Graph:
    """Departments linked by the tasks they share, weighted as ``weighting`` says (default: the count).

    Each edge carries ``weight``, ``shared_tasks``, ``newman_weight``, ``weighting``,
    ``tasks`` (their numbers) and ``task_titles_zh`` / ``task_titles_en`` (see ``network.weights``).
    """
    tb = bipartite if bipartite is not None else bipartite_graph(runner)
    graph: nx.Graph[str] = nx.Graph(name="departments")
    for dept in departments(tb):
        graph.add_node(dept, **{k: v for k, v in tb.nodes[dept].items() if k != "bipartite"})
    add_weighted_edges(graph, tb, tasks(tb), weighting or Weighting())
    return graph


def citation_graph(runner: Runner, by: str = "task") -> nx.DiGraph:
    """Tasks (``by="task"``) or measures (``by="measure"``) → the references their measures cite.

    Task-level edges are weighted by the number of the task's measures that cite
    the reference and list those measures (``"1.2"`` = task 1, measure 2).
    """
    if by not in ("task", "measure"):
        raise NetworkError(f"citation graph by {by!r}: use 'task' or 'measure'")
    graph: nx.DiGraph[str] = nx.DiGraph(name="citations")
    for row in fetch(runner, TASK_CITATIONS):
        ref = row["ref"]
        ref_zh = row.get("ref_zh") or ref.rsplit("/", 1)[-1]
        kind = row.get("ref_kind", "").rsplit("#", 1)[-1]
        graph.add_node(
            ref, kind="reference", ref_kind=kind, iri=ref, label=ref_zh, label_zh=ref_zh, label_en=row.get("ref_en", "")
        )
        measure_id = f"{row['number']}.{row['measure_number']}"
        if by == "task":
            source = row["task"]
            graph.add_node(source, **_citing_task(row))
        else:
            source = row["measure"]
            graph.add_node(source, **_citing_measure(row, measure_id))
        if not graph.has_edge(source, ref):
            graph.add_edge(source, ref, weight=0, measures=[])
        graph.edges[source, ref]["weight"] += 1
        graph.edges[source, ref]["measures"].append(measure_id)
    return graph


def _citing_task(row: dict[str, str]) -> dict[str, Any]:
    return {
        "kind": "task",
        "iri": row["task"],
        "number": int(row["number"]),
        "label": f"{row['number']}. {row['title_zh']}",
        "label_zh": row["title_zh"],
        "label_en": row.get("title_en", ""),
    }


def _citing_measure(row: dict[str, str], measure_id: str) -> dict[str, Any]:
    return {
        "kind": "measure",
        "iri": row["measure"],
        "task": int(row["number"]),
        "label": f"任务{row['number']} 举措{row['measure_number']}",
        "label_zh": f"任务{row['number']} 举措{row['measure_number']}",
        "label_en": f"Task {row['number']}, measure {row['measure_number']}",
        "measure": measure_id,
        "source_line": int(row["line"]) if "line" in row else 0,
    }


def build(runner: Runner, name: str, weighting: Weighting | None = None) -> nx.Graph:
    """One of the named networks (``departments``, ``task-department``, ``citations``), analysed.

    ``weighting`` applies to the department network (see ``network.weights``).
    """
    if name == "departments":
        graph = department_graph(runner, weighting=weighting)
        annotate(graph)
        return graph
    if name == "task-department":
        graph = bipartite_graph(runner)
        _add_degrees(graph)
        return graph
    if name == "citations":
        graph = citation_graph(runner)
        _add_degrees(graph)
        return graph
    raise NetworkError(f"unknown network {name!r}; use one of {', '.join(NETWORKS)}")


# --- analysis ----------------------------------------------------------------------


def _add_degrees(graph: nx.Graph) -> None:
    for node in graph:
        graph.nodes[node]["degree"] = graph.degree(node)
        graph.nodes[node]["weighted_degree"] = graph.degree(node, weight="weight")


def centralities(graph: nx.Graph) -> dict[str, dict[str, float]]:
    """Degree, weighted degree, betweenness and eigenvector centrality of every node.

    Betweenness treats a pair sharing *w* tasks as *1/w* apart, so paths run along
    strong ties; eigenvector centrality uses the weights directly.
    """
    distances = {(a, b): 1 / d["weight"] for a, b, d in graph.edges(data=True)}
    nx.set_edge_attributes(graph, distances, "distance")
    betweenness = nx.betweenness_centrality(graph, weight="distance")
    for _a, _b, data in graph.edges(data=True):
        del data["distance"]
    eigenvector = _eigenvector(graph)
    return {
        node: {
            "degree": graph.degree(node),
            "weighted_degree": graph.degree(node, weight="weight"),
            "betweenness": betweenness[node],
            "eigenvector": eigenvector[node],
        }
        for node in graph
    }


def _eigenvector(graph: nx.Graph) -> dict[str, float]:
    if graph.number_of_edges() == 0:
        return dict.fromkeys(graph, 0.0)
    try:
        return nx.eigenvector_centrality(graph, weight="weight", max_iter=10_000)
    except nx.PowerIterationFailedConvergence:
        raise NetworkError("eigenvector centrality did not converge on this network") from None


def communities(graph: nx.Graph, method: str = "greedy") -> list[list[str]]:
    """Modularity-based communities, largest first (nodes sorted within each).

    ``greedy`` is Clauset–Newman–Moore; ``louvain`` is seeded, so both are reproducible.
    """
    if graph.number_of_edges() == 0:
        return [[n] for n in sorted(graph)]
    if method == "greedy":
        found = nx.community.greedy_modularity_communities(graph, weight="weight")
    elif method == "louvain":
        found = nx.community.louvain_communities(graph, weight="weight", seed=2021)
    else:
        raise NetworkError(f"unknown community method {method!r}; use one of {', '.join(COMMUNITY_METHODS)}")
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c))


def modularity(graph: nx.Graph, groups: list[list[str]]) -> float:
    if graph.number_of_edges() == 0:
        return 0.0
    return nx.community.modularity(graph, [set(group) for group in groups], weight="weight")


def components(graph: nx.Graph) -> list[list[str]]:
    """Connected components, largest first."""
    return sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c))


def annotate(graph: nx.Graph, method: str = "greedy") -> nx.Graph:
    """Store centralities, community and component numbers on the nodes (for exports)."""
    for node, values in centralities(graph).items():
        graph.nodes[node].update(values)
    for index, group in enumerate(communities(graph, method)):
        for node in group:
            graph.nodes[node]["community"] = index
    for index, group in enumerate(components(graph)):
        for node in group:
            graph.nodes[node]["component"] = index
    return graph


def find_department(graph: nx.Graph, name: str) -> str:
    """A department node by Chinese or English name, IRI, or IRI slug (``protection``)."""
    wanted = name.strip().casefold()
    for node in departments(graph):
        info = graph.nodes[node]
        names = (node, node.rsplit("/", 1)[-1], info.get("label_zh", ""), info.get("label_en", ""))
        if wanted in (n.casefold() for n in names if n):
            return node
    known = "、".join(graph.nodes[n]["label_zh"] for n in departments(graph))
    raise NetworkError(f"no department named {name!r}; the departments are: {known}")


def department_paths(bipartite: nx.Graph, source: str, target: str, limit: int = 20) -> list[list[str]]:
    """The shortest department–task–…–department chains linking two departments.

    Two departments that share tasks are linked by one path per shared task; others
    through intermediate departments. At most ``limit`` paths, in a stable order.
    """
    a, b = find_department(bipartite, source), find_department(bipartite, target)
    if a == b:
        raise NetworkError(f"{source} and {target} are the same department")
    try:
        found = list(nx.all_shortest_paths(bipartite, a, b))
    except nx.NetworkXNoPath:
        return []
    return sorted(found, key=lambda p: [bipartite.nodes[n].get("number", 0) for n in p])[:limit]


def strongest_pairs(graph: nx.Graph, top: int = 10) -> list[tuple[str, str, dict[str, Any]]]:
    """Department pairs by number of shared tasks, strongest first (ties by name)."""

    def key(edge: tuple[str, str, dict]) -> tuple:
        a, b, data = edge
        return (-data["weight"], graph.nodes[a]["label_zh"], graph.nodes[b]["label_zh"])

    ordered = [(a, b, d) if a < b else (b, a, d) for a, b, d in graph.edges(data=True)]
    return sorted(ordered, key=key)[:top]


# --- report ------------------------------------------------------------------------


def report(graph: nx.Graph, top: int = 10, method: str = "greedy") -> dict[str, Any]:
    """A summary of an (annotated) department graph: sizes, top departments, pairs, groups."""

    def name(node: str) -> dict[str, str]:
        info = graph.nodes[node]
        return {"iri": node, "zh": info["label_zh"], "en": info["label_en"]}

    scores = centralities(graph)
    ranked = sorted(graph, key=lambda n: (-graph.nodes[n]["tasks"], -scores[n]["weighted_degree"], n))
    groups = communities(graph, method)
    return {
        "departments": graph.number_of_nodes(),
        "pairs": graph.number_of_edges(),
        "density": nx.density(graph),
        "weighting": graph.graph.get("weighting", "count"),
        "top_departments": [
            {**name(n), "tasks": graph.nodes[n]["tasks"], "task_numbers": graph.nodes[n]["task_numbers"], **scores[n]}
            for n in ranked[:top]
        ],
        "strongest_pairs": [
            {"a": name(a), "b": name(b), "weight": d["weight"], "tasks": d["tasks"]}
            for a, b, d in strongest_pairs(graph, top)
        ],
        "community_method": method,
        "modularity": modularity(graph, groups),
        "communities": [[name(n) for n in group] for group in groups],
        "components": [[name(n) for n in group] for group in components(graph)],
    }


def format_report(summary: dict[str, Any], lang: str = "zh") -> str:
    """The report as readable text."""

    def label(entry: dict[str, str]) -> str:
        return entry[lang] or entry["zh"]

    lines = [
        f"Department network: {summary['departments']} departments, {summary['pairs']} pairs sharing tasks "
        f"(density {summary['density']:.2f}); weights: {summary['weighting']}",
        "",
        "Top departments (tasks · weighted degree · betweenness · eigenvector):",
    ]
    for i, d in enumerate(summary["top_departments"], 1):
        lines.append(
            f"  {i:2}. {label(d)}  {d['tasks']} tasks · {_weight(d['weighted_degree'])} · {d['betweenness']:.3f} · "
            f"{d['eigenvector']:.3f}   tasks {_numbers(d['task_numbers'])}"
        )
    lines += ["", "Strongest pairs (weight):"]
    for p in summary["strongest_pairs"]:
        lines.append(f"  {label(p['a'])} – {label(p['b'])}: {_weight(p['weight'])}   tasks {_numbers(p['tasks'])}")
    lines += ["", f"Communities ({summary['community_method']}, modularity {summary['modularity']:.3f}):"]
    for i, group in enumerate(summary["communities"], 1):
        lines.append(f"  {i}. " + ", ".join(label(d) for d in group))
    lines += ["", f"Connected components: {len(summary['components'])}"]
    return "\n".join(lines) + "\n"


def format_paths(bipartite: nx.Graph, paths: Iterable[list[str]], lang: str = "zh") -> str:
    """Paths as ``保护司 —[1. title]— 人事司`` lines."""

    def show(node: str) -> str:
        info = bipartite.nodes[node]
        text = info.get(f"label_{lang}") or info["label_zh"]
        return f"—[{info['number']}. {text}]—" if info["kind"] == "task" else text

    return "".join(" ".join(show(n) for n in path) + "\n" for path in paths)


def _weight(value: float) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _numbers(values: Iterable[int]) -> str:
    return ", ".join(str(v) for v in values)
