"""Where ipgraph finds its artefacts: ontology, shapes, queries, vocabularies, sources.

In a source checkout they are the top-level folders of the repository; in an
installed wheel they are packaged under ``ipgraph/resources``. The working graph
file lives in the user's workspace (``$IPGRAPH_HOME`` or the current folder).
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
RESOURCES = _PACKAGE / "resources" if (_PACKAGE / "resources").is_dir() else _PACKAGE.parents[1]

ONTOLOGY = RESOURCES / "ontology" / "ipgraph.ttl"
INDIVIDUALS = RESOURCES / "ontology" / "individuals.ttl"
SHAPES_DIR = RESOURCES / "shapes"
QUERIES_DIR = RESOURCES / "queries"
VOCAB_DIR = RESOURCES / "data" / "vocab"
TRANSLATIONS_DIR = RESOURCES / "data" / "translations"
SOURCES_DIR = RESOURCES / "data" / "source"
BUNDLED_GRAPH = RESOURCES / "data" / "ipgraph.ttl"

GRAPH_NAME = Path("data") / "ipgraph.ttl"


def workspace() -> Path:
    return Path(os.environ.get("IPGRAPH_HOME") or Path.cwd())


def default_graph_file() -> Path:
    """The graph file `build` writes and the other commands read by default."""
    return workspace() / GRAPH_NAME


def bundled_sources() -> list[Path]:
    return sorted(p for p in SOURCES_DIR.iterdir() if p.suffix == ".txt")


def display_path(path: str | Path) -> str:
    """A path as recorded in the graph: relative to the resources, else just its name.

    Keeps the graph byte-identical wherever the project is checked out.
    """
    p = Path(path).resolve()
    for root in (RESOURCES, workspace().resolve()):
        if p.is_relative_to(root):
            return p.relative_to(root).as_posix()
    return p.name
