"""The embedded store: the graph in an in-memory Oxigraph store, queried with SPARQL 1.1.

rdflib stays the library for building, validating and exporting; queries run on
Oxigraph, which answers the query library orders of magnitude faster.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pyoxigraph as ox

from ipgraph import paths
from ipgraph.errors import IpgraphError, QueryError
from ipgraph.prefixes import PREFIXES
from ipgraph.sparql.results import display_width
from ipgraph.sparql.text import term_text, written_in_place


def graph_file(path: str | Path | None = None) -> Path:
    """The graph file to read: the given one, the workspace's, or the bundled one."""
    if path is not None:
        p = Path(path)
        if not p.exists():
            raise IpgraphError(f"{p}: no such graph file (run `ipgraph build` first?)")
        return p
    default = paths.default_graph_file()
    return default if default.exists() else paths.BUNDLED_GRAPH


def sorted_ntriples(graph) -> bytes:
    """An rdflib graph as N-Triples with sorted lines: deterministic, and each subject's triples together.

    The store keeps triples in the order they were loaded, and a lookup is about three times faster
    at a million triples when a subject's triples lie together (docs/performance.md); rdflib
    writes them in no particular order."""
    return sorted_lines(graph.serialize(format="nt", encoding="utf-8"))


def sorted_lines(ntriples: bytes) -> bytes:
    """N-Triples text with its lines sorted (and blank lines dropped)."""
    return b"".join(line + b"\n" for line in sorted(ntriples.splitlines()) if line.strip())


FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


class EmbeddedStore:
    """An Oxigraph store holding one ipgraph graph: in memory, or a persistent one opened read-only.

    ``union``: queries read the union of the store's graphs as their default graph (a persistent
    store keeps each document in a graph of its own, :mod:`ipgraph.sparql.graphs`). ``size``: the
    triples of the graph, when known. ``location``: the folder of a persistent store."""

    def __init__(
        self, store: ox.Store | None = None, union: bool = False, location: Path | None = None, size: int | None = None
    ):
        self.store = store or ox.Store()
        self.union = union
        self.location = location
        self.size = size

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> EmbeddedStore:
        p = graph_file(path)
        fmt = FORMATS.get(p.suffix)
        if fmt is None:
            raise IpgraphError(f"{p}: unknown RDF file type {p.suffix!r}; use one of {', '.join(FORMATS)}")
        store = cls()
        try:
            store.store.load(path=str(p), format=fmt)
        except (SyntaxError, ValueError) as exc:
            raise IpgraphError(f"{p}: not valid {fmt}: {exc}") from None
        return store

    @classmethod
    def from_rdflib(cls, graph) -> EmbeddedStore:
        store = cls()
        store.store.load(sorted_ntriples(graph), format=ox.RdfFormat.N_TRIPLES)
        return store

    def __len__(self) -> int:
        return self.size if self.size is not None else len(self.store)

    def query(self, sparql: str, substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None):
        """Run a query; parameters are bound as RDF terms by the engine.

        They are also written into the WHERE group as escaped N-Triples terms
        (:func:`~ipgraph.sparql.text.written_in_place`), so the planner sees them as constants;
        the engine's binding gives them to the projection. A text that this rewriting would break
        (a parameter in a BIND target, say) runs as written, and errors point into that text."""
        try:
            return self._query(sparql, substitutions or {})
        except SyntaxError as exc:
            raise syntax_error(sparql, str(exc)) from None
        except RuntimeError as exc:  # e.g. a parameter that the SELECT clause does not project
            raise QueryError(f"cannot bind the parameters: {exc}; list each parameter in the SELECT clause") from None
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from None

    def _query(self, sparql: str, bound: dict[str, ox.NamedNode | ox.Literal]):
        subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(name): term for name, term in bound.items()
        }
        if subs:
            with contextlib.suppress(QueryError, SyntaxError):
                text = written_in_place(sparql, {name: term_text(term) for name, term in bound.items()})
                return self.store.query(
                    text, prefixes=PREFIXES, substitutions=subs, use_default_graph_as_union=self.union
                )
        return self.store.query(
            sparql, prefixes=PREFIXES, substitutions=subs or None, use_default_graph_as_union=self.union
        )

    def view(self):
        """The pyoxigraph store for code that queries it directly: its default graph reads as the union."""
        return UnionView(self.store) if self.union else self.store

    def ntriples(self) -> bytes:
        """The graph (the default graph, or with ``union`` every graph) as N-Triples."""
        graphs = [ox.DefaultGraph(), *sorted(self.store.named_graphs(), key=str)] if self.union else [ox.DefaultGraph()]
        return b"".join(self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) or b"" for g in graphs)

    def portable(self) -> bytes:
        """The store as N-Quads for another process (whose store reads the default graph): with
        ``union``, every graph in the default graph."""
        return self.ntriples() if self.union else self.store.dump(format=ox.RdfFormat.N_QUADS) or b""


class UnionView:
    """A pyoxigraph store whose default graph is the union of its graphs, for code written for one
    graph (the compiled SHACL engine)."""

    def __init__(self, store: ox.Store):
        self._store = store

    def query(self, query: str, **options):
        return self._store.query(query, use_default_graph_as_union=True, **options)

    def quads_for_pattern(self, subject, predicate, object, graph_name=None):
        any_graph = graph_name is None or isinstance(graph_name, ox.DefaultGraph)
        return self._store.quads_for_pattern(subject, predicate, object, None if any_graph else graph_name)

    def __len__(self) -> int:
        return len(self._store)


SYNTAX_RE = re.compile(r"error at (?P<line>\d+):(?P<column>\d+): (?P<message>.*)", re.S)
MAX_MESSAGE = 300
EXCERPT = 60  # characters of the faulty line shown on either side of the position


def syntax_error(sparql: str, message: str) -> QueryError:
    """The parser's message with the line and column it points at, and that line with a caret under it."""
    m = SYNTAX_RE.search(message)
    if not m:
        return QueryError(f"SPARQL syntax error: {message}")
    line, column, reason = int(m["line"]), int(m["column"]), " ".join(m["message"].split())
    if "Prefix not found" in reason:
        reason = f"undeclared prefix; declare it with PREFIX, or use a predeclared one ({', '.join(PREFIXES)})"
    elif len(reason) > MAX_MESSAGE:
        reason = reason[:MAX_MESSAGE] + "…"
    where = f"{line}:{column} (line {line}, column {column})"
    return QueryError(f"SPARQL syntax error at {where}: {reason}{_excerpt(sparql, line, column)}")


def _excerpt(sparql: str, line: int, column: int) -> str:
    """The reported line with a caret under the column, after the line before it.

    The parser reports where it gave up, which can be just past the mistake (the
    start of the next line), so the line before is shown too.
    """
    lines = sparql.split("\n")
    if not 1 <= line <= len(lines):
        return ""
    start = max(0, column - 1 - EXCERPT)
    shown = [_clip(text, start) for text in lines[max(0, line - 2) : line]]
    before = shown[-1][: column - 1 - start]
    return "".join(f"\n    {text}" for text in shown) + f"\n    {' ' * display_width(before)}^"


def _clip(text: str, start: int) -> str:
    return text[start : start + 2 * EXCERPT].replace("\t", " ")
