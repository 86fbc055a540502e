"""Query results in one shape, whoever answered: SPARQL 1.1 JSON bindings, a boolean, or triples.

Formats: ``table`` (for people), ``csv`` and ``tsv`` (SPARQL 1.1 CSV/TSV results),
``json`` and ``xml`` (SPARQL 1.1 Query Results JSON and XML); graph results as ``turtle``,
``nt`` or ``jsonld``. Oxigraph writes CSV, TSV and XML.
"""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from ipgraph.errors import QueryError
from ipgraph.prefixes import PREFIXES, XSD_STRING

TABULAR = ("table", "csv", "tsv", "json", "xml")
GRAPH = ("turtle", "nt", "jsonld")


class FormatError(QueryError, ValueError):
    """A result format that does not fit the result: tables for SELECT and ASK, RDF for graphs."""


@dataclass
class Result:
    """One query's answer. ``rows`` are SPARQL JSON bindings: {var: {"type", "value", …}}.

    Rows from the embedded store share the value dict of a term that recurs: read values, and
    build new dicts rather than change them in place."""

    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, dict]] = field(default_factory=list)
    boolean: bool | None = None
    triples: str | None = None  # N-Triples, for CONSTRUCT / DESCRIBE
    truncated: bool = False  # rows were capped at a limit
    warnings: list[str] = field(default_factory=list)  # why an answer may be empty (ipgraph.sparql.checks)

    @property
    def kind(self) -> str:
        if self.triples is not None:
            return "graph"
        return "boolean" if self.boolean is not None else "bindings"

    def values(self, var: str) -> list[str | None]:
        """The plain values of one column, for scripts and tests."""
        return [row[var]["value"] if var in row else None for row in self.rows]

    def records(self) -> list[dict[str, str]]:
        return [{var: row[var]["value"] for var in self.variables if var in row} for row in self.rows]

    def sparql_json(self) -> dict:
        """SPARQL 1.1 Query Results JSON, and nothing else."""
        if self.boolean is not None:
            return {"head": {}, "boolean": self.boolean}
        return {"head": {"vars": self.variables}, "results": {"bindings": self.rows}}

    def to_json(self) -> dict:
        out = self.sparql_json()
        if (
            self.warnings and self.boolean is None
        ):  # a member of its own: SPARQL JSON readers ignore it, the results stay standard
            out["warnings"] = self.warnings
        return out

    def serialize(self, fmt: str = "table") -> str:
        if self.kind == "graph":
            return serialize_graph(self.triples or "", fmt)
        if fmt not in TABULAR:
            raise FormatError(f"format {fmt!r} does not fit a SELECT or ASK result: use one of {', '.join(TABULAR)}")
        if fmt == "json":
            return json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n"
        if fmt == "xml" or (fmt in ("csv", "tsv") and self.boolean is None):
            return _written_by_oxigraph(self, fmt)
        if self.boolean is not None:
            # Hand-written: SPARQL 1.1 CSV/TSV define no boolean form; a named column keeps it a table.
            return (
                {"csv": "_askResult\n", "tsv": "?_askResult\n"}.get(fmt, "")
                + ("true" if self.boolean else "false")
                + "\n"
            )
        return _table(self)


# (query name or text, parameters) → Result: the embedded store and a remote endpoint alike, so
# networks and exports work on either.
Runner = Callable[[str, dict[str, str]], Result]


def serialize_graph(ntriples: str, fmt: str) -> str:
    if fmt not in (*GRAPH, "ntriples", "ttl", "table"):
        raise FormatError(
            f"format {fmt!r} does not fit a graph (CONSTRUCT or DESCRIBE) result: use one of {', '.join(GRAPH)}"
        )
    if fmt in ("nt", "ntriples"):
        return ntriples
    from rdflib import Graph

    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    graph.parse(data=ntriples, format="nt")
    if fmt in ("turtle", "ttl", "table"):
        return graph.serialize(format="longturtle")
    return graph.serialize(format="json-ld", context={p: ns for p, ns in PREFIXES.items()}, indent=1)


def _written_by_oxigraph(result: Result, fmt: str) -> str:
    """SPARQL 1.1 CSV, TSV or XML results, written by Oxigraph from the JSON ones (whoever answered)."""
    import pyoxigraph as ox

    formats = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "xml": ox.QueryResultsFormat.XML}
    # Only the standard members: Oxigraph's reader refuses ipgraph's own (warnings).
    parsed = ox.parse_query_results(json.dumps(result.sparql_json()).encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    out = io.BytesIO()
    parsed.serialize(out, format=formats[fmt])
    return out.getvalue().decode("utf-8")


def to_ntriples(term: dict) -> str:
    """A SPARQL JSON term in N-Triples/Turtle syntax."""
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    if "xml:lang" in term:
        return f'"{escaped}"@{term["xml:lang"]}'
    if "datatype" in term and term["datatype"] != XSD_STRING:
        return f'"{escaped}"^^<{term["datatype"]}>'
    return f'"{escaped}"'


def shorten(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and prefix != "id":
            return f"{prefix}:{iri[len(ns) :]}"
    base = PREFIXES["id"]
    return iri[len(base) :] if iri.startswith(base) else iri


def display_width(text: str) -> int:
    """Columns on a terminal: wide (CJK) characters take two."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")


def _cell(term: dict | None, limit: int = 60) -> str:
    """A value as a table shows it: on one line, control characters (terminal escapes) as ``\\xNN``,
    cut to ``limit`` columns. Only the first ``4 * limit`` characters are read, however long the value."""
    if term is None:
        return ""
    text = shorten(term["value"]) if term["type"] == "uri" else term["value"]
    cut = len(text) > 4 * limit
    text = " ".join(text[: 4 * limit].split())
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    if display_width(text) <= limit and not cut:
        return text
    kept, width = [], 0
    for ch in text:
        width += display_width(ch)
        if width > limit - 1:
            break
        kept.append(ch)
    return "".join(kept) + "…"


def _table(result: Result) -> str:
    if not result.variables:
        return "(no columns)\n"
    # Rows of the embedded store share the value dict of a recurring term: each is shown once.
    shown: dict[int, tuple[str, int]] = {}

    def cell(term: dict | None) -> tuple[str, int]:
        if term is None:
            return "", 0
        known = shown.get(id(term))
        if known is None:
            text = _cell(term)
            known = shown[id(term)] = (text, display_width(text))
        return known

    heading = [(var, display_width(var)) for var in result.variables]
    cells = [[cell(row.get(var)) for var in result.variables] for row in result.rows]
    widths = [max(width for _, width in column) for column in zip(heading, *cells, strict=True)]

    def line(values: list[tuple[str, int]]) -> str:
        return "  ".join(v + " " * (w - n) for (v, n), w in zip(values, widths, strict=True)).rstrip()

    out = [line(heading), line([("-" * w, w) for w in widths])]
    out += [line(r) for r in cells]
    count = len(result.rows)
    out.append(f"({count} row{'s' if count != 1 else ''}{', truncated at the row limit' if result.truncated else ''})")
    return "\n".join(out) + "\n"
