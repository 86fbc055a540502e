"""The store of a graph file filled from the named graphs ``ipgraph build`` has just made.

:func:`ipgraph.sparql.persist.sync` reads the graph file's triples again to partition them into
their graphs and count each graph's digest; the build already holds both (``graph.compose``), so
it hands them over. The graphs are loaded as N-Quads in batches of about :data:`BATCH` bytes:
Oxigraph's bulk loader holds about a kilobyte per triple of what it is given, so loading a
million triples at once would need a gigabyte more.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from ipgraph.sparql import persist
from ipgraph.sparql.graphs import document_key

BATCH = 32 * 2**20


class GraphData(Protocol):
    """One named graph's triples as the build hands them over (``graph.compose.GraphText``)."""

    chunks: list[bytes]  # N-Triples text of its distinct triples
    count: int
    digest: int  # the sum of its triples' sha256, as ``persist`` counts it


def store_graphs(graph: Path, digest: str, graphs: Mapping[str, GraphData], documents: list[str]) -> persist.State:
    """Make the store of a graph file hold these graphs, which are the file's triples (``digest``: the
    file's sha256). As :func:`persist.sync`: only the graphs whose digest changed are replaced, in a
    copy of the current version, when they are few; else the store is built afresh."""
    p = graph
    now = persist.state(p, digest)
    if now.current:
        return now
    hexes = {name: f"{g.digest:064x}" for name, g in graphs.items()}
    meta = {"triples": sum(g.count for g in graphs.values()), "documents": documents, "graphs": hexes}
    recorded = persist._meta(now.version).get("graphs", {}) if now.version else {}
    changed = {g for g in hexes.keys() | recorded.keys() if hexes.get(g) != recorded.get(g)}
    base = now.version
    if base is None or not recorded or sum(document_key(g) is not None for g in changed) > max(1, len(documents) // 2):
        return persist.publish(p, digest, lambda store: _fill(store, p, graphs, set(graphs), meta))

    def copy(path: Path) -> ox.Store:
        ox.Store.read_only(str(base / persist.DATA)).backup(str(path))
        return ox.Store(str(path))

    def replace(store: ox.Store) -> dict:
        for name in changed:
            store.remove_graph(ox.NamedNode(name))
        return {**_fill(store, p, graphs, changed & graphs.keys(), meta), "replaced": sorted(changed)}

    return persist.publish(p, digest, replace, copy)


def _fill(store: ox.Store, graph: Path, graphs: Mapping[str, GraphData], names: set[str], meta: dict) -> dict:
    for batch in _batches(graphs, sorted(names)):
        store.bulk_load(batch, format=ox.RdfFormat.N_QUADS)
    return {**meta, **persist._entail(store, graph, persist.file_format(graph))}


def _batches(graphs: Mapping[str, GraphData], names: list[str]) -> Iterator[bytes]:
    """The graphs as N-Quads, in pieces of about BATCH bytes (N-Triples lines end with " .\\n" and
    nowhere else: a literal writes its line breaks as \\n)."""
    pieces: list[bytes] = []
    size = 0
    for name in names:
        tail = f" <{name}> .\n".encode()
        for chunk in graphs[name].chunks:
            pieces.append(chunk.replace(b" .\n", tail))
            size += len(chunk)
            if size >= BATCH:
                yield b"".join(pieces)
                pieces, size = [], 0
    if pieces:
        yield b"".join(pieces)
