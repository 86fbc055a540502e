"""Named graphs: each document's triples in a graph of its own, everything else in a shared one.

A triple belongs to a document when its subject lies in the document's IRI space (``id:<key>``
or ``id:<key>/…``) and its object in no other document's; a triple linking two documents goes
to the links graph, so that either document can change without touching the other's graph; the
vocabularies and the nodes documents share (bodies, cited policies, dates, concepts) go to the
shared graph. Every triple is in exactly one graph, so the union of
the graphs is the graph file, with no triple twice: queries read that union as their default
graph, and one document's graph can be replaced, dropped or pushed alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from ipgraph.prefixes import ID, IPG

GRAPHS = "https://w3id.org/ipgraph/graph/"
SHARED = GRAPHS + "shared"
LINKS = GRAPHS + "links"  # triples from one document's node to another's (similar titles)
DOCUMENT = GRAPHS + "document/"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_TASK_LIST = IPG + "TaskList"


def document_graph(key: str) -> str:
    """The name of a document's graph."""
    return DOCUMENT + key


def document_key(graph: str) -> str | None:
    """The document key of a document graph's name; None for any other graph."""
    return graph[len(DOCUMENT) :] if graph.startswith(DOCUMENT) else None


def document_keys(triples: Iterable[ox.Triple | ox.Quad]) -> set[str]:
    """The keys of the documents (the ``ipg:TaskList`` nodes ``id:<key>``) among these triples."""
    keys = set()
    for t in triples:
        s, o = t.subject, t.object
        if not (isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode)):
            continue
        if t.predicate.value == _TYPE and o.value == _TASK_LIST and s.value.startswith(ID):
            key = s.value[len(ID) :]
            if "/" not in key:
                keys.add(key)
    return keys


def graph_of(subject, object, keys: set[str] | frozenset[str]) -> str:
    """The graph of a triple: its subject's document's, the links' when it points into another
    document, else the shared one."""
    key = _key(subject, keys)
    if key is None:
        return SHARED
    other = _key(object, keys)
    return LINKS if other is not None and other != key else DOCUMENT + key


def _key(term, keys: set[str] | frozenset[str]) -> str | None:
    """The key of the document whose IRI space holds this term, if any."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(ID):
        key = term.value[len(ID) :].split("/", 1)[0]
        if key in keys:
            return key
    return None


def partitioned(triples: Iterable[ox.Triple | ox.Quad], keys: set[str]) -> Iterator[ox.Quad]:
    """The triples as quads, each in its graph (:func:`graph_of`)."""
    graphs: dict[str, ox.NamedNode] = {}
    for t in triples:
        name = graph_of(t.subject, t.object, keys)
        graph = graphs.get(name)
        if graph is None:
            graph = graphs[name] = ox.NamedNode(name)
        yield ox.Quad(t.subject, t.predicate, t.object, graph)


def file_quads(path: Path, fmt: ox.RdfFormat) -> list[ox.Quad]:
    """A graph file's triples, exactly as written, each in its graph: the shared graph first, then
    each document's in key order, then the links; within a graph in the file's order."""
    keys = document_keys(ox.parse(path=str(path), format=fmt))
    quads = list(partitioned(ox.parse(path=str(path), format=fmt), keys))
    order = {SHARED: 0, LINKS: 2}
    quads.sort(key=lambda q: (order.get(graph_name(q), 1), graph_name(q)))
    return quads


def dataset(path: Path, fmt: ox.RdfFormat, output: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    """A graph file as a dataset (``output``: TriG or N-Quads), its triples in their named graphs."""
    quads = file_quads(path, fmt)
    if prefixes and output == ox.RdfFormat.TRIG:
        return ox.serialize(quads, format=output, prefixes=prefixes) or b""
    return ox.serialize(quads, format=output) or b""


def graph_ntriples(path: Path, fmt: ox.RdfFormat, name: str) -> str:
    """The triples of one graph of a graph file, as N-Triples, exactly as written in the file."""
    keys = document_keys(ox.parse(path=str(path), format=fmt))
    quads = partitioned(ox.parse(path=str(path), format=fmt), keys)
    return "".join(f"{q.triple} .\n" for q in quads if graph_name(q) == name)


def graph_name(quad: ox.Quad) -> str:
    """The name of a quad's graph ("" for the default graph)."""
    name = quad.graph_name
    return name.value if isinstance(name, ox.NamedNode) else ""
