"""What every export shares: its error, and networks flattened to the scalar attributes most file formats take."""

from __future__ import annotations

from typing import Any

import networkx as nx

from ipgraph.errors import IpgraphError

LIST_SEPARATOR = "; "
FONTS = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"


class ExportError(IpgraphError):
    """An export that cannot be made as asked."""


def flat(graph: nx.Graph) -> nx.Graph:
    """A copy whose attributes are all scalars, as GraphML, GEXF, CSV and DOT need."""

    def scalars(attrs: dict[str, Any]) -> dict[str, Any]:
        return {k: scalar(v) for k, v in attrs.items() if v is not None}

    copy = graph.__class__()
    copy.graph.update(scalars(graph.graph))
    copy.add_nodes_from((n, scalars(d)) for n, d in graph.nodes(data=True))
    copy.add_edges_from((a, b, scalars(d)) for a, b, d in graph.edges(data=True))
    return copy


def scalar(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def node_size(info: dict[str, Any]) -> int:
    return int(info.get("tasks") or info.get("degree") or 1)
