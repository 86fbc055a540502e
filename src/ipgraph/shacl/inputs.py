"""Reading the shapes and a graph file for validation, with errors that name the file."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.util import guess_format

from ipgraph import paths
from ipgraph.errors import IpgraphError


def shapes_graph(directory: Path | None = None) -> Graph:
    """All shapes: every ``*.ttl`` file of the folder (default: the project's ``shapes/``)."""
    folder = directory or paths.SHAPES_DIR
    files = sorted(folder.glob("*.ttl")) if folder.is_dir() else []
    if not files:
        raise IpgraphError(f"{folder}: no shapes found (expected *.ttl files)")
    shapes = Graph()
    for path in files:
        try:
            shapes.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many kinds of syntax errors
            raise IpgraphError(f"{path}: not valid Turtle: {exc}") from None
    return shapes


def load_graph(path: str | Path) -> Graph:
    """Read a graph file (Turtle unless its extension says otherwise); a clear error if it is not RDF."""
    p = Path(path)
    fmt = guess_format(str(p)) or "turtle"
    graph = Graph()
    try:
        graph.parse(p, format=fmt)
    except Exception as exc:  # rdflib raises many kinds of syntax errors
        raise IpgraphError(f"{p}: not valid {fmt}: {exc}") from None
    return graph
