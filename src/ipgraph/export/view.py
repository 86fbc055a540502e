"""The interactive HTML view of the department network: one self-contained page, data inline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from ipgraph import network
from ipgraph.export.shared import ExportError
from ipgraph.network.weights import Weighting
from ipgraph.sparql.results import Runner

HTML_DIR = Path(__file__).resolve().parent / "html"


def view_data(runner: Runner, weighting: Weighting | None = None) -> dict[str, Any]:
    """What the HTML view shows: departments (positions, centralities) and tasks with their measures.

    The view derives the shared-task edges from the tasks itself, so that it can
    recount them for one section.
    """
    bipartite = network.bipartite_graph(runner)
    weighting = weighting or Weighting()
    graph = network.annotate(network.department_graph(runner, bipartite, weighting))
    positions = network.layout(graph)
    measures: dict[str, dict[str, dict[str, Any]]] = {}  # task → measure → entry (task numbers repeat)
    places: dict[str, dict[str, str]] = {}  # task → where its line is in a web page, Word file or PDF
    for row in network.fetch(runner, network.MEASURES):
        if "task_place_zh" in row:
            places[row["task"]] = {"zh": row["task_place_zh"], "en": row["task_place_en"]}
        entry = measures.setdefault(row["task"], {}).get(row["measure"])
        if entry is not None:  # one row per addressee: an annual-plan item names several bodies
            entry["zh"] = "、".join(filter(None, (entry["zh"], row.get("addressee_zh", ""))))
            entry["en"] = ", ".join(filter(None, (entry["en"], row.get("addressee_en", ""))))
            continue
        measures[row["task"]][row["measure"]] = {
            "number": int(row["measure_number"]),
            "text": row["text"],
            "zh": row.get("addressee_zh", ""),
            "en": row.get("addressee_en", ""),
            "line": int(row["line"]) if "line" in row else None,
            "place": {"zh": row["place_zh"], "en": row["place_en"]} if "place_zh" in row else None,
        }
    return {
        "nodes": [_view_node(graph, n, positions[n]) for n in network.departments(graph)],
        "tasks": [_view_task(bipartite, t, measures) | {"place": places.get(t)} for t in network.tasks(bipartite)],
        "weighting": {
            "method": weighting.method,
            "max_bodies": weighting.max_bodies or 0,
            "description": weighting.describe(),
        },
    }


def _view_node(graph: nx.Graph, node: str, position: tuple[float, float]) -> dict[str, Any]:
    info = graph.nodes[node]
    keys = ("label_zh", "label_en", "tasks", "task_numbers", "weighted_degree", "betweenness", "eigenvector")
    return {"id": node, "x": position[0], "y": position[1], "community": info["community"]} | {
        k.removeprefix("label_"): info[k] for k in keys
    }


def _view_task(bipartite: nx.Graph, task: str, measures: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    info = bipartite.nodes[task]
    return {
        "id": task,
        "number": info["number"],
        "zh": info["label_zh"],
        "en": info["label_en"],
        "line": info["source_line"],
        "section": info["section"],
        "section_zh": info["section_zh"],
        "section_en": info["section_en"],
        "departments": sorted(bipartite[task]),
        "measures": list(measures.get(task, {}).values()),
    }


def html_view(runner: Runner, lang: str = "zh", weighting: Weighting | None = None) -> str:
    """A self-contained HTML page (inline CSS, JS and data; no network access) of the department network."""
    if lang not in ("zh", "en"):
        raise ExportError(f"unknown label language {lang!r}; use zh or en")
    data = json.dumps(view_data(runner, weighting), ensure_ascii=False, separators=(",", ":"))
    page = (HTML_DIR / "view.html").read_text(encoding="utf-8")
    parts = {
        "{{LANG}}": lang,
        "{{CSS}}": (HTML_DIR / "view.css").read_text(encoding="utf-8"),
        "{{JS}}": (HTML_DIR / "view.js").read_text(encoding="utf-8"),
        # "<" is escaped so that no text in the data can close the <script> element.
        "{{DATA}}": data.replace("<", "\\u003c"),
    }
    for marker, text in parts.items():
        page = page.replace(marker, text)
    return page
