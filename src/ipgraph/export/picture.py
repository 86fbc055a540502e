"""Static pictures of a laid-out network: SVG drawn here, PNG drawn by Graphviz from the DOT export."""

from __future__ import annotations

import shutil
import subprocess
from html import escape
from typing import Any

import networkx as nx

from ipgraph.export.networks import to_dot
from ipgraph.export.shared import FONTS, ExportError, node_size, scalar

SVG_SIZE = 900
SVG_MARGIN = 110


def to_svg(graph: nx.Graph) -> str:
    """An SVG picture from the layout: node area by task count, edge width by weight."""
    span = SVG_SIZE - 2 * SVG_MARGIN

    def xy(node: str) -> tuple[float, float]:
        info = graph.nodes[node]
        return SVG_MARGIN + info["x"] * span, SVG_MARGIN + info["y"] * span

    top_weight = max((d.get("weight", 1) for _a, _b, d in graph.edges(data=True)), default=1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SVG_SIZE} {SVG_SIZE}" '
        f'width="{SVG_SIZE}" height="{SVG_SIZE}" font-family="{escape(FONTS)}" font-size="15">',
        f"<title>{escape(graph.graph.get('name', 'ipgraph'))}</title>",
        f'<rect width="{SVG_SIZE}" height="{SVG_SIZE}" fill="white"/>',
        '<g stroke="#7f8c9a" stroke-opacity="0.45" stroke-linecap="round">',
    ]
    for a, b, data in sorted(graph.edges(data=True), key=lambda e: e[2].get("weight", 1)):
        (x1, y1), (x2, y2) = xy(a), xy(b)
        width = 0.6 + 7 * data.get("weight", 1) / top_weight
        tip = escape(f"{graph.nodes[a]['label']} – {graph.nodes[b]['label']}: {scalar(data.get('tasks', ''))}")
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke-width="{width:.2f}">'
            f"<title>{tip}</title></line>"
        )
    parts += ["</g>", '<g stroke="#1f4e79" stroke-width="1.5" fill="#6baed6">']
    for node in sorted(graph):
        x, y = xy(node)
        info = graph.nodes[node]
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{_radius(info):.1f}"><title>{escape(node)}</title></circle>'
        )
    parts += ["</g>", '<g fill="#111" text-anchor="middle">']
    for node in sorted(graph):
        x, y = xy(node)
        info = graph.nodes[node]
        parts.append(f'<text x="{x:.1f}" y="{y + _radius(info) + 17:.1f}">{escape(info["label"])}</text>')
    parts += ["</g>", "</svg>"]
    return "\n".join(parts) + "\n"


def _radius(info: dict[str, Any]) -> float:
    return 6 + 5 * node_size(info) ** 0.5


def to_png(graph: nx.Graph) -> bytes:
    """A PNG drawn by Graphviz (``neato -n2``) from the DOT export, keeping ipgraph's layout."""
    neato = shutil.which("neato")
    if neato is None:
        raise ExportError(
            "PNG export needs Graphviz's `neato` on PATH (e.g. apt-get install graphviz); use svg instead"
        )
    done = subprocess.run(
        [neato, "-n2", "-Tpng", "-Gdpi=110"], input=to_dot(graph).encode("utf-8"), capture_output=True, check=False
    )
    if done.returncode != 0 or not done.stdout.startswith(b"\x89PNG"):
        raise ExportError(f"neato failed: {done.stderr.decode('utf-8', 'replace').strip()[:500]}")
    return done.stdout
