"""The entailed part of the graph: what the ontology's axioms add to the data, by SPARQL rules.

The graph file holds what the sources say: a cited opinion is an ``ipg:Opinion``, a task is in its
section by ``ipg:section``. The ontology says more (an opinion is a policy document, ``ipg:section``
is a kind of ``dcterms:isPartOf``, ``org:hasUnit`` is the inverse of ``org:unitOf``), and generic
queries rely on it. The rules of ``ontology/rules/`` (CONSTRUCT queries, applied in file-name order
until none adds a triple) materialise those statements in the store: in the default graph, where
every query sees them, and as a copy in the named graph :data:`ENTAILED_GRAPH`, so a query can tell
them apart. The ontology is loaded into the named graph :data:`ONTOLOGY_GRAPH`, where the rules read
its axioms. ``ipgraph query`` and ``ipgraph serve`` add them unless ``--no-entailments``;
``ipgraph export --entailments`` writes them as a file of their own.
"""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox

from ipgraph import paths
from ipgraph.prefixes import PREFIXES
from ipgraph.sparql.library import NamedQuery, parse_header
from ipgraph.sparql.store import EmbeddedStore, sorted_lines

ONTOLOGY_GRAPH = "https://w3id.org/ipgraph/ontology"
ENTAILED_GRAPH = "https://w3id.org/ipgraph/graph/entailed"
RULES_DIR = paths.RESOURCES / "ontology" / "rules"
MAX_ROUNDS = 10  # the rules reach their fixpoint in two or three rounds; a cycle of axioms cannot loop


def digest() -> str:
    """The sha256 of the ontology and its rules, which the entailed graph is made from (a store
    records it, :mod:`ipgraph.sparql.persist`)."""
    import hashlib

    h = hashlib.sha256(paths.ONTOLOGY.read_bytes())
    for rule in sorted(RULES_DIR.glob("*.rq")):
        h.update(rule.name.encode() + b"\0" + rule.read_bytes())
    return h.hexdigest()


def rules(directory: Path = RULES_DIR) -> list[NamedQuery]:
    """The entailment rules, in the order they are applied (by file name)."""
    return [parse_header(p.stem, p.read_text(encoding="utf-8"), p) for p in sorted(directory.glob("*.rq"))]


def entail(store: EmbeddedStore, ontology: Path = paths.ONTOLOGY) -> int:
    """Add the entailed triples to ``store``; returns how many were added."""
    schema = ox.NamedNode(ONTOLOGY_GRAPH)
    if not any(True for _ in store.store.quads_for_pattern(None, None, None, schema)):
        store.store.load(path=str(ontology), format=ox.RdfFormat.TURTLE, to_graph=schema)
    entailed = ox.NamedNode(ENTAILED_GRAPH)
    added = 0
    for _ in range(MAX_ROUNDS):
        new: set[ox.Triple] = set()
        for rule in rules():
            triples = store.store.query(rule.text, prefixes=PREFIXES)
            if not isinstance(triples, ox.QueryTriples):
                raise ValueError(f"an entailment rule is a CONSTRUCT query: {rule.text[:200]}")
            new.update(triples)
        if not new:
            break
        for triple in sorted(new, key=str):
            store.store.add(ox.Quad(triple.subject, triple.predicate, triple.object, ox.DefaultGraph()))
            store.store.add(ox.Quad(triple.subject, triple.predicate, triple.object, entailed))
        added += len(new)
    return added


def entailed_ntriples(store: EmbeddedStore) -> bytes:
    """The entailed triples as sorted N-Triples: the same graph gives the same bytes."""
    data = io.BytesIO()
    store.store.dump(data, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(ENTAILED_GRAPH))
    return sorted_lines(data.getvalue())


def open_store(path: str | Path | None = None, entailments: bool = True) -> EmbeddedStore:
    """The graph file in the embedded store, with its entailments unless told to leave them out."""
    store = EmbeddedStore.from_file(path)
    if entailments:
        entail(store)
    return store
