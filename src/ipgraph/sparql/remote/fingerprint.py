"""What push verification compares: a fingerprint of a graph's triples, independent of order,
duplicates and blank node labels; and a graph file's triples read as written."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ipgraph.errors import StoreError
from ipgraph.prefixes import XSD, XSD_INTEGER


@dataclass(frozen=True)
class Fingerprint:
    """What verification compares: the number of triples and a hash of their sorted N-Triples."""

    count: int
    checksum: str


def fingerprint(ntriples: str) -> Fingerprint:
    """Count and SHA-256 of the distinct triples, one canonical N-Triples line each, sorted.

    Blank nodes get canonical labels (rdflib's canonical graph), so a store relabelling them
    does not change the checksum; literals are compared as RDF 1.1 terms (``"x"^^xsd:string`` is ``"x"``),
    and integers of the XSD integer subtypes as ``xsd:integer`` (``"7"^^xsd:positiveInteger`` is
    ``"7"^^xsd:integer``), since Oxigraph stores them that way.
    """
    triples = _canonical_lines(ntriples.encode("utf-8"))
    if any("_:" in t for t in triples):
        triples = _canonical_bnodes(ntriples)
    lines = sorted(triples)
    digest = hashlib.sha256("".join(f"{line} .\n" for line in lines).encode("utf-8")).hexdigest()
    return Fingerprint(len(lines), digest)


def _canonical_bnodes(ntriples: str) -> set[str]:
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    canonical = to_canonical_graph(Graph().parse(data=ntriples, format="nt"))
    return _canonical_lines(canonical.serialize(format="nt", encoding="utf-8"))


INTEGER_TYPES = {
    XSD + name
    for name in [
        "integer",
        "nonPositiveInteger",
        "negativeInteger",
        "nonNegativeInteger",
        "positiveInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}


def _canonical_lines(data: bytes) -> set[str]:
    """Distinct triples as N-Triples lines; integer subtypes as ``xsd:integer`` (Oxigraph stores them so)."""
    return {str(_canonical_triple(q.triple)) for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def _canonical_triple(triple: ox.Triple) -> ox.Triple:
    obj = triple.object
    if isinstance(obj, ox.Literal) and obj.datatype.value in INTEGER_TYPES:
        try:
            integer = ox.Literal(str(int(obj.value.strip())), datatype=ox.NamedNode(XSD_INTEGER))
        except ValueError:
            return triple
        return ox.Triple(triple.subject, triple.predicate, integer)
    return triple


def read_ntriples(path: str | Path | None = None) -> str:
    """A graph file's triples as N-Triples, exactly as written in the file (no store in between)."""
    from ipgraph.sparql.store import FORMATS, graph_file

    file = graph_file(path)
    fmt = FORMATS.get(file.suffix)
    if fmt is None:
        raise StoreError(f"{file}: unknown RDF file type {file.suffix!r}; use one of {', '.join(FORMATS)}")
    try:
        return "".join(f"{quad.triple} .\n" for quad in ox.parse(path=str(file), format=fmt))
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"{file}: not valid {fmt}: {exc}") from None
