"""Exports of a network over time (``ipgraph export --network NAME --by edition|year``).

- ``gexf``: one dynamic GEXF 1.2 file — nodes and edges carry their time intervals
  (``<spells>``, inclusive years, ``timeformat="long"``) and a weight per interval
  (``weight_by_period``), so Gephi's timeline plays the network;
- ``html``: one self-contained page with a period slider: the network of each period
  drawn at the same positions, and the period's figures;
- every other network format: one file per period, ``<network>-<period>.<ext>``
  (``departments-2021.graphml``), written into a directory.
"""

from __future__ import annotations

import io
import json
from html import escape

import networkx as nx

from ipgraph import network
from ipgraph.network.periods import BODY_KINDS, Period, dynamic_graph, figures, period_graphs
from ipgraph.network.weights import Weighting

EXTENSIONS = {
    "graphml": "graphml",
    "cytoscape": "json",
    "dot": "dot",
    "csv-nodes": "nodes.csv",
    "csv-edges": "edges.csv",
    "pajek": "net",
    "ucinet": "dl",
    "svg": "svg",
    "png": "png",
}
SINGLE_FILE = ("gexf", "html")
TITLES = {
    "departments": "部门网络演化 / Department network over time",
    "task-department": "任务—部门网络演化 / Task–department network over time",
    "citations": "任务引用网络演化 / Citation network over time",
}


def to_dynamic_gexf(merged: nx.Graph) -> bytes:
    """The merged network (``periods.dynamic_graph``) as a dynamic GEXF 1.2 file."""
    positions = network.layout(merged)
    copy: nx.Graph = merged.__class__(mode="dynamic", name=merged.graph.get("name", "departments"))
    for node, info in merged.nodes(data=True):
        x, y = positions[node]
        viz = {"position": {"x": x * 1000, "y": -y * 1000, "z": 0.0}, "size": 10.0 if _is_body(info) else 4.0}
        copy.add_node(node, **{k: v for k, v in info.items() if k != "label"}, label=info["label_zh"], viz=viz)
    copy.add_edges_from(merged.edges(data=True))
    out = io.BytesIO()
    nx.write_gexf(copy, out, encoding="utf-8", prettyprint=True, version="1.2draft")
    return out.getvalue()


def export_by_period(
    runner: network.Runner,
    fmt: str,
    by: str,
    lang: str = "zh",
    weighting: Weighting | None = None,
    name: str = "departments",
) -> dict[str, bytes]:
    """File name → contents: one file for ``gexf`` and ``html``, one per period otherwise."""
    from ipgraph.export import WRITERS, ExportError, labelled

    if fmt not in SINGLE_FILE and fmt not in EXTENSIONS:
        raise ExportError(f"format {fmt} cannot be written per period; use gexf, html or {', '.join(EXTENSIONS)}")
    periods = period_graphs(runner, by, weighting, name)
    if not periods:
        raise ExportError("no task belongs to a period: the graph has no documents with a year")
    if fmt == "gexf":
        return {f"{name}-by-{by}.gexf": to_dynamic_gexf(dynamic_graph(periods))}
    if fmt == "html":
        return {f"{name}-by-{by}.html": slider_page(periods, lang).encode("utf-8")}
    files = {}
    for period, graph in periods:
        data = WRITERS[fmt](labelled(graph, lang))
        files[f"{name}-{period.key}.{EXTENSIONS[fmt]}"] = data if isinstance(data, bytes) else data.encode()
    return files


def _is_body(info: dict) -> bool:
    return info.get("kind") in BODY_KINDS


def _period_svg(index: int, period: Period, graph: nx.Graph, positions: dict, lang: str) -> str:
    def xy(node: str) -> tuple[float, float]:
        x, y = positions[node]
        return 60 + x * 880, 60 + y * 880

    top = max((d["weight"] for _a, _b, d in graph.edges(data=True)), default=1) or 1
    parts = [f'<g class="period" data-period="{index}" data-key="{escape(period.key)}">']
    for a, b, data in graph.edges(data=True):
        (x1, y1), (x2, y2) = xy(a), xy(b)
        width = 0.8 + 6 * data["weight"] / top
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke-width="{width:.2f}"/>')
    for node in sorted(graph):
        x, y = xy(node)
        info = graph.nodes[node]
        name = escape(info.get(f"label_{lang}") or info["label_zh"])
        if not _is_body(info):  # a task: a small dot, its title on hover
            parts.append(f'<circle class="task" cx="{x:.1f}" cy="{y:.1f}" r="4"><title>{name}</title></circle>')
            continue
        radius = 6 + 4 * (info.get("tasks") or info.get("degree") or 1) ** 0.5
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}"><title>{name}</title></circle>'
            f'<text x="{x:.1f}" y="{y + radius + 14:.1f}">{name}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def slider_page(periods: list[tuple[Period, nx.Graph]], lang: str = "zh") -> str:
    """A self-contained HTML page: a slider over the periods, the network and figures of the chosen one."""
    merged = dynamic_graph(periods)
    positions = network.layout(merged)
    title = TITLES.get(merged.graph.get("name", "departments"), TITLES["departments"])
    rows = figures(periods)
    groups = "\n".join(_period_svg(i, p, g, positions, lang) for i, (p, g) in enumerate(periods))
    data = json.dumps(
        [{k: r[k] for k in ("label", "nodes", "edges", "density", "components", "centralisation")} for r in rows],
        ensure_ascii=False,
    ).replace("<", "\\u003c")
    last = len(periods) - 1
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>ipgraph — {title}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", sans-serif; margin: 1em 2em; }}
svg line {{ stroke: #7f8c9a; stroke-opacity: .5; }} svg circle {{ fill: #6baed6; stroke: #1f4e79; }}
svg circle.task {{ fill: #fdae6b; stroke: #a63603; }}
svg text {{ font-size: 13px; text-anchor: middle; }} .period {{ display: none; }} .period.shown {{ display: inline; }}
</style></head><body>
<h1>{title}</h1>
<label>period <input id="slider" type="range" min="0" max="{last}" value="0" step="1"></label>
<strong id="period"></strong> <span id="figures"></span>
<svg viewBox="0 0 1000 1000" width="800" height="800">{groups}</svg>
<script type="application/json" id="ipgraph-periods">{data}</script>
<script>
"use strict";
const rows = JSON.parse(document.getElementById("ipgraph-periods").textContent);
const slider = document.getElementById("slider");
function show() {{
  const i = Number(slider.value);
  document.querySelectorAll(".period").forEach((g) => g.classList.toggle("shown", Number(g.dataset.period) === i));
  const r = rows[i];
  document.getElementById("period").textContent = r.label;
  document.getElementById("figures").textContent =
    `${{r.nodes}} nodes, ${{r.edges}} edges, density ${{r.density.toFixed(3)}}, ` +
    `${{r.components}} components, centralisation ${{r.centralisation.toFixed(3)}}`;
}}
slider.addEventListener("input", show);
show();
</script>
</body></html>
"""
