"""Network building and exports, measured on the embedded store (``ipgraph.network``, ``ipgraph.export``)."""

from __future__ import annotations

from collections.abc import Callable

Operation = tuple[str, str, Callable[[], object], Callable[[object], int]]

NETWORKS = ("departments", "task-department", "citations")
EXPORTS = ("graphml", "gexf", "cytoscape", "csv-edges", "dot", "html")


def operations(store) -> list[Operation]:
    """(section, operation, action, size of its result) for each network and each export format."""
    from ipgraph.export import export
    from ipgraph.network import build, store_runner

    runner = store_runner(store)
    ops: list[Operation] = [
        ("network", f"build + analyse {name} network", lambda n=name: build(runner, n), _nodes) for name in NETWORKS
    ]
    ops += [("export", f"departments network → {fmt}", lambda f=fmt: export(runner, f), len) for fmt in EXPORTS]
    return ops


def _nodes(graph) -> int:
    return graph.number_of_nodes()
