"""Network file formats: GraphML, GEXF, Cytoscape.js JSON, Graphviz DOT and CSV node and edge tables."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import networkx as nx

from ipgraph.export.shared import FONTS, flat, node_size


def to_graphml(graph: nx.Graph) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(flat(graph), out, encoding="utf-8", prettyprint=True)
    return out.getvalue()


def to_gexf(graph: nx.Graph) -> bytes:
    """GEXF 1.2 with positions and sizes, so Gephi opens it laid out."""
    copy = flat(graph)
    for _node, info in copy.nodes(data=True):
        info["viz"] = {
            "position": {"x": info["x"] * 1000, "y": -info["y"] * 1000, "z": 0.0},
            "size": float(node_size(info)),
        }
    out = io.BytesIO()
    nx.write_gexf(copy, out, encoding="utf-8", prettyprint=True, version="1.2draft")
    return out.getvalue()


def to_cytoscape(graph: nx.Graph) -> str:
    """Cytoscape.js elements JSON (Cytoscape desktop imports it too), with positions."""
    data = nx.cytoscape_data(graph, name="label", ident="id")
    for element in data["elements"]["nodes"]:
        info = element["data"]
        element["position"] = {"x": round(info["x"] * 1000, 1), "y": round(info["y"] * 1000, 1)}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def to_dot(graph: nx.Graph) -> str:
    """Graphviz DOT, carrying every attribute, with ``pos`` for ``neato -n2``."""
    copy = flat(graph)
    directed = copy.is_directed()
    arrow = "->" if directed else "--"
    top_weight = max((d.get("weight", 1) for _a, _b, d in copy.edges(data=True)), default=1)
    lines = [
        f"{'digraph' if directed else 'graph'} {_dot_id(copy.graph.get('name') or 'ipgraph')} {{",
        f"  graph [overlap=false, outputorder=edgesfirst, pad=0.6, fontname={_dot_id(FONTS)}];",
        f'  node [shape=circle, fixedsize=shape, style=filled, fillcolor="#9ecae1", color="#3182bd", '
        f"fontsize=11, fontname={_dot_id(FONTS)}];",
        '  edge [color="#b4bcc6"];',
    ]
    for node, info in sorted(copy.nodes(data=True)):
        draw = {
            "pos": f"{info['x'] * 600:.1f},{info['y'] * 600:.1f}",
            "width": f"{0.15 + 0.09 * node_size(info) ** 0.5:.2f}",
        }
        lines.append(f"  {_dot_id(node)} [{_dot_attrs({**info, **draw})}];")
    for a, b, info in sorted(copy.edges(data=True), key=lambda e: (e[0], e[1])):
        draw = {"penwidth": f"{0.5 + 5 * info.get('weight', 1) / top_weight:.2f}"}
        lines.append(f"  {_dot_id(a)} {arrow} {_dot_id(b)} [{_dot_attrs({**info, **draw})}];")
    return "\n".join([*lines, "}"]) + "\n"


def _dot_id(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _dot_attrs(attrs: dict[str, Any]) -> str:
    return ", ".join(f"{key}={_dot_id(value)}" for key, value in attrs.items() if key not in ("x", "y"))


def _columns(rows: list[dict[str, Any]], first: tuple[str, ...]) -> list[str]:
    seen = [c for c in first if any(c in r for r in rows)]
    for row in rows:
        seen += [k for k in row if k not in seen]
    return seen


def _csv(rows: list[dict[str, Any]], first: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_columns(rows, first), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def to_csv_nodes(graph: nx.Graph) -> str:
    """One row per node: ``id`` then its attributes (the header Gephi's spreadsheet import expects)."""
    copy = flat(graph)
    rows = [{"id": n, **d} for n, d in sorted(copy.nodes(data=True))]
    return _csv(rows, ("id", "label", "label_zh", "label_en", "kind", "iri"))


def to_csv_edges(graph: nx.Graph) -> str:
    """One row per edge: ``source``, ``target``, ``weight`` then the other attributes."""
    copy = flat(graph)
    rows = [{"source": a, "target": b, **d} for a, b, d in sorted(copy.edges(data=True), key=lambda e: e[:2])]
    return _csv(rows, ("source", "target", "weight"))
