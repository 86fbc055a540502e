"""Exports for the social-network tools of policy research: Pajek ``.net`` and UCINET DL.

Pajek's ``.net`` is read by Pajek, UCINET, VOSviewer and Gephi; UCINET's DL (the
``edgelist1`` sub-format, labels listed before the data) by UCINET, NetDraw and
Gephi. Both number the vertices from 1 in a stable order (sorted by IRI) and give
each vertex its label in the chosen language. Edge values are the network's
``weight``; how it was computed (``weighting``, see ``ipgraph.network.weights``) is
stated in a ``%`` comment line of the Pajek file and as the DL file's matrix label.
An undirected network is written as ``*Edges`` in Pajek and as both directions of
each pair in DL (UCINET reads an edge list as arcs).
"""

from __future__ import annotations

from typing import Any

import networkx as nx


def _vertices(graph: nx.Graph) -> dict[str, int]:
    return {node: index for index, node in enumerate(sorted(graph), 1)}


def _label(info: dict[str, Any], node: str) -> str:
    # Neither format has an escape for its quote character.
    return str(info.get("label") or node).replace('"', "'").replace("\n", " ")


def _value(value: Any) -> str:
    return str(value) if isinstance(value, int) else f"{float(value):.6g}"


def _weighting(graph: nx.Graph) -> str:
    return str(graph.graph.get("weighting", "")) or "weight"


def to_pajek(graph: nx.Graph) -> str:
    """A Pajek network: ``*Vertices`` with labels and layout positions, then ``*Edges`` (or ``*Arcs``) with weights."""
    numbers = _vertices(graph)
    name = graph.graph.get("name") or "ipgraph"
    lines = [f"% ipgraph {name} network; weights: {_weighting(graph)}", f"*Network {name}"]
    lines.append(f"*Vertices {len(numbers)}")
    for node, number in numbers.items():
        info = graph.nodes[node]
        lines.append(f'{number} "{_label(info, node)}" {info.get("x", 0.5):.4f} {info.get("y", 0.5):.4f} 0.5000')
    lines.append("*Arcs" if graph.is_directed() else "*Edges")
    edges = sorted((numbers[a], numbers[b], d.get("weight", 1)) for a, b, d in graph.edges(data=True))
    lines += [f"{a} {b} {_value(w)}" for a, b, w in edges]
    return "\n".join(lines) + "\n"


def to_ucinet_dl(graph: nx.Graph) -> str:
    """A UCINET DL file, ``format = edgelist1``: labels, then ``from to weight`` rows."""
    numbers = _vertices(graph)
    rows = []
    for a, b, data in graph.edges(data=True):
        weight = _value(data.get("weight", 1))
        rows.append((numbers[a], numbers[b], weight))
        if not graph.is_directed():
            rows.append((numbers[b], numbers[a], weight))
    lines = [
        f"dl n={len(numbers)} nm=1",
        "format = edgelist1",
        "matrix labels:",
        f'"{_weighting(graph)}"',
        "labels:",
        ",".join(f'"{_label(graph.nodes[n], n)}"' for n in numbers),
        "data:",
    ]
    lines += [f"{a} {b} {w}" for a, b, w in sorted(rows)]
    return "\n".join(lines) + "\n"
