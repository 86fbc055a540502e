"""Deterministic Turtle, written in one pass over the sorted triples.

The layout follows the Turtle ipgraph has always committed: prefixes, then one block per subject
in sorted order, ``a`` first and the other predicates sorted by IRI, several objects of a
predicate one per line. Each term is written once per occurrence, by string operations only, so
the cost is linear in the size of the graph (rdflib's long-Turtle writer looks up the longest
namespace of every literal, which grows with its length).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import groupby
from typing import Any

from rdflib import BNode, Literal, URIRef

from ipgraph.prefixes import PREFIXES

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = PREFIXES["xsd"]
XSD_STRING = XSD + "string"
XSD_INTEGER = XSD + "integer"
INDENT = "    "
LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")  # a local name that needs no escaping
INTEGER = re.compile(r"[+-]?[0-9]+\Z")
ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')

# Namespaces by length, longest first: an IRI is abbreviated with the longest one it starts with.
_NAMESPACES = sorted(((ns, prefix) for prefix, ns in PREFIXES.items()), key=lambda item: -len(item[0]))


class TurtleWriter:
    """Renders terms, remembering which prefixes were used."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self._iris: dict[str, str] = {}

    def iri(self, value: str) -> str:
        text = self._iris.get(value)
        if text is None:
            text = self._iris[value] = self._iri(value)
        return text

    def _iri(self, value: str) -> str:
        for ns, prefix in _NAMESPACES:
            if value.startswith(ns):
                local = value[len(ns) :]
                if LOCAL_NAME.match(local):
                    self.used.add(prefix)
                    return f"{prefix}:{local}"
                break
        return f"<{value}>"

    def term(self, node) -> str:
        kind = type(node)
        if kind is URIRef:
            return self.iri(node)
        if kind is Literal:
            return self.literal(node)
        if kind is BNode:
            return f"_:{node}"
        return self.iri(str(node))

    def literal(self, node: Literal) -> str:
        text = str(node)
        quoted = '"' + (NEEDS_ESCAPE.sub(_escape, text) if NEEDS_ESCAPE.search(text) else text) + '"'
        if node.language:
            return f"{quoted}@{node.language}"
        datatype = str(node.datatype) if node.datatype else XSD_STRING
        if datatype == XSD_STRING:
            return quoted
        if datatype == XSD_INTEGER and INTEGER.match(text):
            return text
        return f"{quoted}^^{self.iri(datatype)}"


def _escape(match: re.Match) -> str:
    ch = match.group()
    return ESCAPES.get(ch) or f"\\u{ord(ch):04X}"


# One triple as the writer lays it out: (not rdf:type, predicate IRI, verb, object text). Sorting
# entries gives the written order; a subject's block is its distinct entries, sorted.
Entry = tuple[bool, str, str, str]
SubjectKey = tuple[bool, str]  # (is a blank node, the IRI or label): subjects are written in this order


def subject_key(node) -> SubjectKey:
    return (isinstance(node, BNode), str(node))


def entry(writer: TurtleWriter, predicate, value) -> Entry:
    p = str(predicate)
    if p == RDF_TYPE:
        return (False, p, "a", writer.term(value))
    return (True, p, writer.iri(p), writer.term(value))


def block(subject: str, entries: Iterable[Entry]) -> str:
    """One subject's block, from its distinct entries in sorted order."""
    lines = [subject]
    for (_flag, _p, verb), group in groupby(entries, key=lambda e: e[:3]):
        objects = [e[3] for e in group]
        if len(objects) == 1:
            lines.append(f"{INDENT}{verb} {objects[0]} ;")
        else:
            lines.append(f"{INDENT}{verb}")
            lines.extend(f"{INDENT * 2}{text} ," for text in objects[:-1])
            lines.append(f"{INDENT * 2}{objects[-1]} ;")
    return "\n".join(lines) + "\n.\n"


def entries_of(text: str) -> tuple[str, list[Entry]]:
    """A block back as its subject's text and its entries (what :func:`block` made it from)."""
    subject, *lines = text[: -len("\n.\n")].split("\n")
    entries: list[Entry] = []
    verb = ""
    for line in lines:
        if line.startswith(INDENT * 2):
            entries.append(_entry(verb, line[len(INDENT) * 2 : -2]))
        elif line.endswith(" ;"):
            verb, value = line[len(INDENT) : -2].split(" ", 1)
            entries.append(_entry(verb, value))
        else:
            verb = line[len(INDENT) :]
    return subject, entries


def block_size(text: str) -> int:
    """How many triples a block holds: each ends a line with " ;" or " ,"."""
    return text.count(" ;\n") + text.count(" ,\n")


def _entry(verb: str, value: str) -> Entry:
    if verb == "a":
        return (False, RDF_TYPE, verb, value)
    if verb.startswith("<"):
        return (True, verb[1:-1], verb, value)
    prefix, local = verb.split(":", 1)
    return (True, PREFIXES[prefix] + local, verb, value)


def document(blocks: Iterable[str], used: Iterable[str], header: str = "") -> str:
    """The whole file: the header, the prefixes used, then the blocks (already in subject order)."""
    prefixes = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in sorted(set(used)))
    return header + prefixes + "\n" + "\n".join(blocks)


def turtle(triples: Iterable[tuple[Any, Any, Any]], header: str = "") -> str:
    """The triples as Turtle: byte-identical for the same set of triples, whatever their order."""
    writer = TurtleWriter()
    subjects: dict[SubjectKey, tuple[str, set[Entry]]] = {}
    for s, p, o in triples:
        key = subject_key(s)
        found = subjects.get(key)
        if found is None:
            found = subjects[key] = (writer.term(s), set())
        found[1].add(entry(writer, p, o))
    blocks = (block(text, sorted(found)) for _key, (text, found) in sorted(subjects.items()))
    return document(list(blocks), writer.used, header)
