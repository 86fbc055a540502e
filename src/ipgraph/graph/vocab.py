"""Curated reference data: bodies, cited policies, addressees, completion times, topics.

The vocabularies are Turtle files (``data/vocab/*.ttl`` and ``ontology/individuals.ttl``)
that are merged into every graph; this module also uses their zh labels to recognise
names and mentions in source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from ipgraph import paths
from ipgraph.graph.namespaces import ID, RDFS, SKOS

TITLE_RE = re.compile(r"《([^《》]+)》")


def _zh_names(graph: Graph, subject: URIRef) -> set[str]:
    names = set()
    for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
        for value in graph.objects(subject, prop):
            if isinstance(value, Literal) and value.language in (None, "zh"):
                names.add(str(value))
    return names


def _index(graph: Graph) -> dict[str, URIRef]:
    """zh name → IRI for every labelled subject of a vocabulary graph."""
    index: dict[str, URIRef] = {}
    for subject in sorted({s for s in graph.subjects(RDFS.label, None) if isinstance(s, URIRef)}):
        for name in _zh_names(graph, subject):
            index.setdefault(name, subject)
    return index


def iri_segment(name: str) -> str:
    """A name as an IRI path segment: ASCII-unsafe characters percent-encoded, CJK kept.

    Kept characters are those an IRI path may hold (RFC 3987 ``ucschar``); U+FFFD, private-use
    characters and noncharacters are percent-encoded, so every minted IRI parses again."""
    out = []
    for ch in name.strip():
        if (ch.isalnum() and ord(ch) < 0x3000) or ch in "-._~" or (ord(ch) > 0x3000 and _ucschar(ord(ch))):
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
    return "".join(out)


def _ucschar(code: int) -> bool:
    if 0xD800 <= code <= 0xF8FF or 0xFDD0 <= code <= 0xFDEF or 0xFFF0 <= code <= 0xFFFF:
        return False  # surrogates, private use, noncharacters, specials (U+FFFD)
    return code & 0xFFFE != 0xFFFE and code < 0xF0000  # a plane's last two; the private-use planes


@dataclass(frozen=True)
class Mention:
    """A curated entity (or a 《title》) found in a text, and where."""

    iri: URIRef
    name: str
    start: int
    curated: bool


class Vocabulary:
    """The merged curated graphs, with look-ups by zh name."""

    def __init__(self, files: list[Path] | None = None):
        self.files = files if files is not None else default_files()
        self.graphs = {}
        for path in self.files:
            g = Graph()
            g.parse(path, format="turtle")
            self.graphs[path.stem] = g

    @cached_property
    def graph(self) -> Graph:
        merged = Graph()
        for g in self.graphs.values():
            merged += g
        return merged

    def _union(self, *stems: str) -> Graph:
        merged = Graph()
        for stem in stems:
            merged += self.graphs.get(stem, Graph())
        return merged

    @cached_property
    def bodies(self) -> dict[str, URIRef]:
        """zh name → IRI of CNIPA, its departments and the other bodies (organizations.ttl).

        The files are merged before indexing, so an alias added in one file (知识产权局 for
        CNIPA, in organizations.ttl) counts for a body labelled in another.
        """
        return _index(self._union("individuals", "departments", "organizations"))

    @cached_property
    def references(self) -> dict[str, URIRef]:
        """zh name → IRI of what a measure's text can mention: cited documents, programmes, bodies.

        Each file is indexed on its own, so only bodies labelled in organizations.ttl are
        mentionable: CNIPA, which opens most measures, is not a mention.
        """
        index = _index(self.graphs.get("organizations", Graph()))
        index.update(_index(self.graphs.get("references", Graph())))
        return index

    @cached_property
    def _reference_patterns(self) -> list[tuple[str, re.Pattern]]:
        """The mentionable names, longest first, each with its compiled pattern (compiled once:
        ``mentions`` runs for every measure of every document)."""
        names = sorted(self.references, key=lambda n: (-len(n), n))
        return [(name, re.compile(re.escape(name))) for name in names]

    @cached_property
    def completion_times(self) -> dict[str, URIRef]:
        index = _index(self._union("individuals", "concepts"))
        return {name: iri for name, iri in index.items() if str(iri).startswith(str(ID["completion-time/"]))}

    def body(self, name: str) -> URIRef:
        """The IRI of a responsible body; unknown names get an IRI made from the name."""
        return self.bodies.get(name) or ID[f"org/{iri_segment(name)}"]

    def mentions(self, text: str) -> list[Mention]:
        """Curated entities named in a text (longest match wins), then uncurated 《titles》."""
        taken = [False] * len(text)
        found: list[Mention] = []
        for name, pattern in self._reference_patterns:
            if name not in text:
                continue
            for m in pattern.finditer(text):
                if not any(taken[m.start() : m.end()]):
                    taken[m.start() : m.end()] = [True] * (m.end() - m.start())
                    found.append(Mention(self.references[name], name, m.start(), True))
        for m in TITLE_RE.finditer(text):
            title = m.group(1).strip()
            if title not in self.references and not any(taken[m.start(1) : m.end(1)]):
                found.append(Mention(ID[f"ref/{iri_segment(title)}"], title, m.start(), False))
        return sorted(found, key=lambda mention: mention.start)


def default_files() -> list[Path]:
    return [paths.INDIVIDUALS, *sorted(paths.VOCAB_DIR.glob("*.ttl"))]
