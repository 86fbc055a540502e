"""What the graph says about one resource: its labels, its statements, what points at it, where it comes from.

The resource pages (:mod:`ipgraph.web.resources`) show this; it is read from the store with a few
small queries, each bounded, so a resource that a million statements point at still answers fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ipgraph import paths
from ipgraph.errors import IpgraphError
from ipgraph.prefixes import IPG, PREFIXES
from ipgraph.sparql.entailment import ENTAILED_GRAPH, ONTOLOGY_GRAPH
from ipgraph.sparql.run import term_json
from ipgraph.sparql.store import EmbeddedStore

MAX_INCOMING = 500  # statements pointing at a resource shown on its page
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PARAGRAPH = re.compile(r"</?p>|\t")  # the cells and paragraphs of a table row


@dataclass(frozen=True)
class Statement:
    predicate: str
    term: dict  # the other end, as a SPARQL JSON term
    entailed: bool = False  # added by the ontology's rules, not stated in the graph file


@dataclass(frozen=True)
class Passage:
    """Where a section, task or measure was read: its line of the source, cut into its cells and paragraphs."""

    path: str
    line: int
    parts: tuple[str, ...]
    marked: int | None  # the part holding the resource's own text, if found
    start: int = 0  # where, in that part, the text starts
    end: int = 0


@dataclass
class Description:
    iri: str
    outgoing: list[Statement] = field(default_factory=list)
    incoming: list[Statement] = field(default_factory=list)
    more_incoming: bool = False
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # IRI → language → label
    passage: Passage | None = None

    def labels(self, lang: str) -> list[str]:
        return [s.term["value"] for s in self.outgoing if s.predicate == LABEL and s.term.get("xml:lang") == lang]

    def values(self, predicate: str) -> list[str]:
        return [s.term["value"] for s in self.outgoing if s.predicate == predicate]


def describe(store: EmbeddedStore, iri: str) -> Description | None:
    """The resource's description, or None when no statement names it."""
    node = ox.NamedNode(iri)
    entailed = ox.NamedNode(ENTAILED_GRAPH)
    inferred = {(q.predicate, q.object) for q in store.store.quads_for_pattern(node, None, None, entailed)}
    inferred_in = {(q.subject, q.predicate) for q in store.store.quads_for_pattern(None, None, node, entailed)}
    out = Description(iri)
    for quad in store.store.quads_for_pattern(node, None, None, ox.DefaultGraph()):
        out.outgoing.append(
            Statement(quad.predicate.value, term_json(quad.object), (quad.predicate, quad.object) in inferred)
        )
    for quad in store.store.quads_for_pattern(None, None, node, ox.DefaultGraph()):
        if len(out.incoming) == MAX_INCOMING:
            out.more_incoming = True
            break
        out.incoming.append(
            Statement(quad.predicate.value, term_json(quad.subject), (quad.subject, quad.predicate) in inferred_in)
        )
    if not out.outgoing and not out.incoming:
        return None
    out.outgoing.sort(key=lambda s: (s.predicate != LABEL, s.predicate, s.term["value"]))
    out.incoming.sort(key=lambda s: (s.predicate, s.term["value"]))
    out.names = names(store, {iri} | {s.predicate for s in out.outgoing + out.incoming} | linked(out))
    out.passage = passage(store, out)
    return out


def linked(description: Description) -> set[str]:
    return {s.term["value"] for s in description.outgoing + description.incoming if s.term["type"] == "uri"}


def names(store: EmbeddedStore, iris: set[str]) -> dict[str, dict[str, str]]:
    """The rdfs:label of each IRI by language, from the graph or the ontology (for classes and properties)."""
    label = ox.NamedNode(LABEL)
    found: dict[str, dict[str, str]] = {}
    for graph in (ox.DefaultGraph(), ox.NamedNode(ONTOLOGY_GRAPH)):
        for iri in sorted(iris):
            for quad in store.store.quads_for_pattern(ox.NamedNode(iri), label, None, graph):
                if isinstance(quad.object, ox.Literal):
                    found.setdefault(iri, {}).setdefault(quad.object.language or "", quad.object.value)
    return found


def passage(store: EmbeddedStore, description: Description) -> Passage | None:
    """The source line of a section, task or measure, with its own text found in it."""
    lines = description.values(IPG + "sourceLine")
    sources = description.values("http://www.w3.org/ns/prov#wasDerivedFrom")
    if not lines or not sources:
        return None
    path = source_path(store, sources[0])
    if path is None:
        return None
    from ipgraph.ingest.formats import read_source  # the document readers: heavy, and needed here only

    try:
        text = read_source(path).text.split("\n")
    except (IpgraphError, OSError):
        return None
    number = int(lines[0])
    if not 1 <= number <= len(text):
        return None
    parts = tuple(part for part in PARAGRAPH.split(text[number - 1]) if part.strip())
    own = description.values(IPG + "text") + description.values("http://purl.org/dc/terms/title")
    for index, part in enumerate(parts):
        for wanted in own:
            at = part.find(wanted)
            if wanted and at >= 0:
                return Passage(str(path), number, parts, index, at, at + len(wanted))
    return Passage(str(path), number, parts, None)


def source_path(store: EmbeddedStore, source_iri: str) -> Path | None:
    """The file a source text names (``dcterms:identifier``: relative to the resources or the workspace)."""
    identifier = ox.NamedNode("http://purl.org/dc/terms/identifier")
    for quad in store.store.quads_for_pattern(ox.NamedNode(source_iri), identifier, None, ox.DefaultGraph()):
        if not isinstance(quad.object, ox.Literal):
            continue
        for root in (paths.RESOURCES, paths.workspace()):
            candidate = root / quad.object.value
            if candidate.is_file():
                return candidate
    return None


def prefixed(iri: str) -> str:
    """``ipg:Task`` or ``id:org/cnipa`` (for reading; SPARQL would need ``id:org\\/cnipa``) for an IRI in a
    predeclared namespace; the IRI itself otherwise."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_./-]*", iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri
