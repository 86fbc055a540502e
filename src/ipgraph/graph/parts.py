"""One document's triples rendered once, as text: Turtle entries per subject and N-Triples lines.

Filling an rdflib graph costs more than mapping the records, and every later step wants text
anyway (the Turtle writer, the store's loader, the cache), so ``ipgraph build`` maps each document
on its own into a list of triples with :class:`build.GraphBuilder`'s own mapping and renders that
list at once into a :class:`Part`. A part depends on its document alone: it can be cached
(:mod:`ipgraph.graph.cache`) and merged with the others (:mod:`ipgraph.graph.compose`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from ipgraph.graph import concepts, locators
from ipgraph.graph.build import GraphBuilder
from ipgraph.graph.namespaces import DCTERMS, ID, IPG, PROV, RDF, RDFS
from ipgraph.graph.vocab import Vocabulary
from ipgraph.graph.writer import Entry, SubjectKey, TurtleWriter, block, entry, subject_key
from ipgraph.ingest.parse import Parsed

MODULUS = 2**256
# A triple for the cross-document steps: subject, predicate, and an IRI or (lexical form, language, datatype).
ViewTriple = tuple[str, str, str | tuple[str, str, str]]

# What the cross-document steps (``build.link_documents``) read of a document: its tasks' and measures'
# types, titles, texts, numbers, lines, bodies and citations, and the bodies' labels. A step that
# reads more needs its predicate here (tests/test_build_cache.py compares with ``build_graph``).
LINKED = frozenset(
    str(p)
    for p in (
        DCTERMS.title, DCTERMS.references, IPG.taskList, IPG.task, IPG.number, IPG.text, IPG.sourceLine,
        IPG.responsibleBody, IPG.responsibilityStatement, IPG.periodStart, IPG.periodEnd,
    )
)  # fmt: skip
LINKED_TYPES = frozenset(str(c) for c in (IPG.Task, IPG.Measure, IPG.TaskList))
_LABEL = str(RDFS.label)
_TYPE = str(RDF.type)


def line_digest(line: str) -> int:
    """A triple's share of its graph's digest (the sum of its triples', as ``sparql.persist`` counts)."""
    return int.from_bytes(hashlib.sha256(line.encode()).digest())


def nt_term(node) -> str:
    """A term as Oxigraph writes it in N-Triples (``str(ox.Triple)``), so that digests agree."""
    if type(node) is URIRef:
        return f"<{node}>"
    if type(node) is Literal:
        if node.language:
            return str(ox.Literal(str(node), language=node.language))
        if node.datatype:
            return str(ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype))))
        return str(ox.Literal(str(node)))
    if type(node) is BNode:
        return f"_:{node}"
    return f"<{node}>"


def id_segment(iri: str) -> str | None:
    """The first path segment of an IRI in ipgraph's IRI space (a document key, or ``org``, ``date``…)."""
    return iri[len(ID) :].split("/", 1)[0] if iri.startswith(ID) else None


@dataclass
class Part:
    """A document's triples as text, and what merging it needs to know."""

    key: str  # the document key
    source: str  # the source path the key is claimed for
    warnings: tuple[str, ...]  # as ``ipgraph build`` prints them
    subjects: dict[SubjectKey, str]  # each subject's block (``writer.entries_of`` reads it back)
    prefixes: tuple[str, ...]
    own: bytes  # N-Triples of the triples whose subject lies in the document's IRI space
    own_count: int
    own_digest: int
    shared: tuple[str, ...]  # the others (bodies, dates, cited policies), as lines without " ."
    segments: tuple[str, ...]  # other first segments of ipgraph IRIs it names: none may be a document key
    view: tuple[ViewTriple, ...]
    count: int

    def data(self) -> tuple:
        return tuple(getattr(self, f.name) for f in fields(self))

    @classmethod
    def from_data(cls, data: Any) -> Part:
        names = [f.name for f in fields(cls)]
        if not isinstance(data, tuple) or len(data) != len(names):
            raise ValueError("not a part")
        part = cls(*data)
        if not isinstance(part.subjects, dict) or not isinstance(part.own, bytes):
            raise ValueError("not a part")
        return part


class Collector(GraphBuilder):
    """The builder's mapping, into a list of triples instead of an rdflib graph."""

    def __init__(self, vocabulary: Vocabulary):  # no graph: the vocabularies are merged later, once
        self.vocab = vocabulary
        self.rules = concepts.rules(vocabulary.graph)
        self.keys = {}
        self.triples: list[tuple] = []

    def _add(self, subject, *pairs) -> None:
        for predicate, value in pairs:
            if value is not None:
                self.triples.append((subject, predicate, value))

    def part(self, parsed: Parsed) -> Part:
        """One document's part (whose key the caller claims: ``GraphBuilder.claim``)."""
        self.triples = []
        doc = parsed.document
        self._map(doc)
        triples = _located(self.triples, parsed)
        warnings = tuple(f"{doc.source_path}:{w.line}: warning: {w.kind}: {w.text}" for w in doc.warnings)
        return render(doc.key, doc.source_path, warnings, triples)


def _located(triples: list[tuple], parsed: Parsed) -> list[tuple]:
    """The triples with ``graph.locators``' additions, made on a graph of the few triples it reads.

    Locators replaces the source's media type, adds the metadata fields and, unless every line is
    plain text, a location for each node derived from the source with a line number."""
    doc, source = parsed.document, parsed.source
    source_iri = ID[f"{doc.key}/source"]
    located = all(locator.kind == "text" for locator in source.locators)
    read = [
        t
        for t in triples
        if (t[0] == source_iri and t[1] == DCTERMS["format"])
        or (not located and (t[1] == PROV.wasDerivedFrom or t[1] == IPG.sourceLine))
    ]
    mini = Graph()
    for t in read:
        mini.add(t)
    locators.add(mini, doc, source)
    after = set(mini)
    gone = set(read) - after
    added = after - set(read)
    return [t for t in triples if t not in gone] + list(added)


def render(key: str, source: str, warnings: tuple[str, ...], triples: list[tuple]) -> Part:
    writer = TurtleWriter()
    by_subject: dict[SubjectKey, tuple[str, set[Entry]]] = {}
    own: dict[str, None] = {}
    shared: dict[str, None] = {}
    segments: set[str] = set()
    view: dict[ViewTriple, None] = {}
    for s, p, o in triples:
        if isinstance(s, BNode):
            raise ValueError(f"a document's triples name no blank node: {s}")
        skey = subject_key(s)
        found = by_subject.get(skey)
        if found is None:
            found = by_subject[skey] = (writer.term(s), set())
        found[1].add(entry(writer, p, o))
        if isinstance(o, BNode):
            raise ValueError(f"a document's triples name no blank node: {o}")
        line = f"<{s}> <{p}> {nt_term(o)}"
        seg = id_segment(str(s))
        if seg == key:
            own[line] = None
        else:
            shared[line] = None
            if seg is not None:
                segments.add(seg)
        if type(o) is URIRef and (oseg := id_segment(str(o))) is not None and oseg != key:
            segments.add(oseg)
        if _linked(str(p), o, seg == key):
            view[(str(s), str(p), _view_object(o))] = None
    subjects = {skey: block(text, sorted(entries)) for skey, (text, entries) in by_subject.items()}
    return Part(
        key=key,
        source=source,
        warnings=warnings,
        subjects=subjects,
        prefixes=tuple(sorted(writer.used)),
        own="".join(f"{line} .\n" for line in own).encode(),
        own_count=len(own),
        own_digest=sum(map(line_digest, own)) % MODULUS,
        shared=tuple(shared),
        segments=tuple(sorted(segments)),
        view=tuple(view),
        count=sum(len(entries) for _text, entries in by_subject.values()),
    )


def _linked(p: str, o, own: bool) -> bool:
    """Whether the cross-document steps read this triple (the labels they read are the bodies')."""
    return p in LINKED or (p == _TYPE and str(o) in LINKED_TYPES) or (p == _LABEL and not own)


def _view_object(o) -> str | tuple[str, str, str]:
    if type(o) is Literal:
        return (str(o), o.language or "", str(o.datatype) if o.datatype else "")
    return str(o)


def view_triple(t: ViewTriple) -> tuple:
    """A view triple back as rdflib terms."""
    s, p, o = t
    if isinstance(o, tuple):
        value = Literal(o[0], lang=o[1] or None, datatype=URIRef(o[2]) if o[2] else None)
        return (URIRef(s), URIRef(p), value)
    return (URIRef(s), URIRef(p), URIRef(o))
