"""The build's output from its documents' parts: the Turtle file and each named graph's triples.

The parts (:mod:`ipgraph.graph.parts`) are merged subject by subject: a subject only one part
names keeps the block that part rendered; one several parts name (a body, a date), or that the
vocabularies or the cross-document steps add to, is rendered again from the union of its
entries. The cross-document steps (``build.link_documents``) run on an rdflib graph of the
vocabularies and the parts' view triples, which leave out what those steps never read (the
text selectors, half of a document's triples); what they add is recorded as they add it.

The named graphs follow ``sparql.graphs.graph_of`` (repeated here on strings: the store comes
later in the pipeline): a part's triples go to its document's graph or the shared one, unless a
document key is also the first segment of an IRI the part names (never, with the layouts'
keys), when its lines are sorted again one by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef

from ipgraph.graph.build import HEADER, link_documents
from ipgraph.graph.parts import MODULUS, Part, id_segment, line_digest, nt_term, view_triple
from ipgraph.graph.vocab import Vocabulary
from ipgraph.graph.writer import (
    Entry,
    SubjectKey,
    TurtleWriter,
    block,
    block_size,
    document,
    entries_of,
    entry,
    subject_key,
)
from ipgraph.prefixes import ID, IPG

GRAPHS = "https://w3id.org/ipgraph/graph/"  # as ipgraph.sparql.graphs names them
SHARED = GRAPHS + "shared"
LINKS = GRAPHS + "links"
DOCUMENT = GRAPHS + "document/"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_TASK_LIST = IPG + "TaskList"


@dataclass
class GraphText:
    """One named graph's distinct triples as N-Triples text (in pieces), their number and digest."""

    chunks: list[bytes]
    count: int
    digest: int


@dataclass
class Output:
    turtle: str
    count: int
    documents: list[str]
    graphs: dict[str, GraphText]


class _Recording(Graph):
    """An rdflib graph that remembers the triples the cross-document steps add (they use ``addN``)."""

    def __init__(self) -> None:
        super().__init__()
        self.added: list[tuple] = []

    def addN(self, quads: Iterable[Any]):
        quads = list(quads)
        self.added.extend(q[:3] for q in quads)
        return super().addN(quads)


def cross_document(parts: list[Part], vocab: Vocabulary) -> list[tuple]:
    """The triples the cross-document steps add to the documents' graph."""
    graph = _Recording()
    graph += vocab.graph
    graph.addN((*view_triple(t), graph) for part in parts for t in part.view)
    graph.added = []
    link_documents(graph)
    return graph.added


def compose(parts: list[Part], vocab: Vocabulary) -> Output:
    """Merge the parts, the vocabularies and the cross-document links into the whole output."""
    extra = list(vocab.graph) + cross_document(parts, vocab)
    keys = {p.key for p in parts if "/" not in p.key}
    keys |= {k for s, p, o in extra if str(p) == _TYPE and str(o) == _TASK_LIST and (k := _document_key(s))}
    text, count = _turtle(parts, extra)
    return Output(text, count, sorted(keys), _graphs(parts, extra, keys))


def _document_key(node) -> str | None:
    """The key of a document node ``id:<key>`` (as ``sparql.graphs.document_keys`` finds them)."""
    iri = str(node)
    if not isinstance(node, URIRef) or not iri.startswith(ID) or "/" in iri[len(ID) :]:
        return None
    return iri[len(ID) :]


def _turtle(parts: list[Part], extra: list[tuple]) -> tuple[str, int]:
    writer = TurtleWriter()
    blocks: dict[SubjectKey, str | None] = {}  # a subject's block as one part rendered it
    texts: dict[SubjectKey, str] = {}
    merged: dict[SubjectKey, set[Entry]] = {}  # the subjects that are rendered again

    def entries(key: SubjectKey) -> set[Entry]:
        found = merged.get(key)
        if found is None:
            first = blocks[key]
            texts[key], listed = entries_of(first) if first is not None else (texts[key], [])
            found = merged[key] = set(listed)
        return found

    for part in parts:
        for key, text in part.subjects.items():
            if key in blocks:
                entries(key).update(entries_of(text)[1])
            else:
                blocks[key] = text
    for s, p, o in extra:
        key = subject_key(s)
        if key not in blocks:
            blocks[key], texts[key] = None, writer.term(s)
        entries(key).add(entry(writer, p, o))
    written, count = [], 0
    for key in sorted(blocks):
        if key in merged:
            written.append(block(texts[key], sorted(merged[key])))
            count += len(merged[key])
        else:
            kept = blocks[key]
            assert kept is not None
            written.append(kept)
            count += block_size(kept)
    used = set(writer.used).union(*(p.prefixes for p in parts))
    return document(written, used, HEADER), count


def graph_of(subject: str | None, obj: str | None, keys: set[str]) -> str:
    """``sparql.graphs.graph_of`` on IRIs as strings (None: not an IRI)."""
    key = id_segment(subject) if subject else None
    if key is None or key not in keys:
        return SHARED
    other = id_segment(obj) if obj else None
    return LINKS if other is not None and other in keys and other != key else DOCUMENT + key


def _iris(line: str) -> tuple[str, str | None]:
    """The subject and, if it is one, the object IRI of an N-Triples line of a part."""
    subject_end = line.index("> ")
    obj = line[line.index("> ", subject_end + 2) + 2 :]
    return line[1:subject_end], obj[1:-1] if obj.startswith("<") else None


def _graphs(parts: list[Part], extra: list[tuple], keys: set[str]) -> dict[str, GraphText]:
    own: dict[str, Part] = {}
    more: dict[str, dict[str, None]] = {}
    for part in parts:
        if part.key in keys and not keys.intersection(part.segments):
            own[DOCUMENT + part.key] = part
            more.setdefault(SHARED, {}).update(dict.fromkeys(part.shared))
            continue
        for line in (*_lines(part.own), *part.shared):
            more.setdefault(graph_of(*_iris(line), keys), {})[line] = None
    for s, p, o in extra:
        line = f"{nt_term(s)} <{p}> {nt_term(o)}"
        name = graph_of(str(s) if isinstance(s, URIRef) else None, str(o) if isinstance(o, URIRef) else None, keys)
        more.setdefault(name, {})[line] = None
    graphs = {}
    for name in sorted(own.keys() | more.keys()):
        mine = own.get(name)
        chunks, count, digest = ([mine.own], mine.own_count, mine.own_digest) if mine else ([], 0, 0)
        added = list(more.get(name, ()))
        if added and mine:
            base = set(_lines(mine.own))
            added = [line for line in added if line not in base]
        if added:
            chunks.append("".join(f"{line} .\n" for line in added).encode())
            count += len(added)
            digest = (digest + sum(map(line_digest, added))) % MODULUS
        graphs[name] = GraphText(chunks, count, digest)
    return graphs


def _lines(ntriples: bytes) -> list[str]:
    """N-Triples text as lines without their " ." (a literal writes its line breaks as \\n)."""
    return ntriples.decode().split(" .\n")[:-1]
