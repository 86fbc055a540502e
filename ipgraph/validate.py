"""Stage 3 — check a graph against the SHACL shapes in ``shapes/`` with pySHACL.

The shapes target the classes the builder writes explicitly; validation runs without
inference (``inference="none"``), so no ontology is mixed into the data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.util import guess_format

from . import paths
from .errors import IpgraphError
from .namespaces import IPG, RDFS
from .results import shorten

VALUE_LIMIT = 80  # characters of a literal value shown in a report


@dataclass(frozen=True)
class Violation:
    """One validation result, with what a person needs to find and fix it."""

    focus: str  # IRI of the node at fault
    label: str  # its zh label (else en), for people
    line: int | None  # its ipg:sourceLine, when it came from a source
    path: str  # the property the constraint is about, shortened ("" for node-level constraints)
    constraint: str  # IRI of the constraint component, e.g. sh:MinCountConstraintComponent
    check: str  # short name: "MinCount", or a SPARQL constraint's sh:name such as "unique task number"
    shape: str  # IRI of the shape (or blank-node id of an inline property shape)
    message: str
    value: str | None  # the offending value, shortened (IRIs) or in Turtle notation (literals)
    severity: str  # "Violation", "Warning" or "Info"

    def describe(self) -> str:
        """One line: path, check, message and value found."""
        severity = "" if self.severity == "Violation" else f"({self.severity.lower()}) "
        path = f"{self.path} " if self.path else ""
        found = f" — found {self.value}" if self.value is not None else ""
        return f"{severity}{path}[{self.check}] {self.message}{found}"

    def heading(self) -> str:
        """The node: its label, its source line and its IRI."""
        parts = [self.label] if self.label else []
        if self.line is not None:
            parts.append(f"source line {self.line}")
        parts.append(shorten(self.focus))
        return " — ".join(parts)


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: tuple[Violation, ...]

    def by_node(self) -> Iterator[tuple[str, list[Violation]]]:
        """The results grouped by focus node, in report order."""
        for focus, group in groupby(self.violations, key=lambda v: v.focus):
            yield focus, list(group)

    def text(self) -> str:
        """A readable report: one block per node, headed by its label and source line."""
        nodes = list(self.by_node())
        if self.conforms and not nodes:
            return "The graph conforms to the shapes.\n"
        count = f"{len(self.violations)} result(s) on {len(nodes)} node(s)"
        verdict = "conforms to the shapes, with" if self.conforms else "does not conform:"
        lines = [f"The graph {verdict} {count}."]
        for _, group in nodes:
            lines += ["", group[0].heading()]
            lines += [f"  - {v.describe()}" for v in group]
        return "\n".join(lines) + "\n"


def shapes_graph(directory: Path | None = None) -> Graph:
    """All shapes: every ``*.ttl`` file of the folder (default: the project's ``shapes/``)."""
    folder = directory or paths.SHAPES_DIR
    files = sorted(folder.glob("*.ttl")) if folder.is_dir() else []
    if not files:
        raise IpgraphError(f"{folder}: no shapes found (expected *.ttl files)")
    shapes = Graph()
    for path in files:
        try:
            shapes.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many kinds of syntax errors
            raise IpgraphError(f"{path}: not valid Turtle: {exc}") from None
    return shapes


def load_graph(path: str | Path) -> Graph:
    """Read a graph file (Turtle unless its extension says otherwise); a clear error if it is not RDF."""
    p = Path(path)
    fmt = guess_format(str(p)) or "turtle"
    graph = Graph()
    try:
        graph.parse(p, format=fmt)
    except Exception as exc:  # rdflib raises many kinds of syntax errors
        raise IpgraphError(f"{p}: not valid {fmt}: {exc}") from None
    return graph


@lru_cache(maxsize=256)
def _prepared(text: str):
    from rdflib.plugins.sparql import prepareQuery  # 0.3 s to import: only pySHACL needs it

    return prepareQuery(text)


class _PreparedQueryGraph(Graph):
    """A view of a graph that parses each distinct SPARQL text once.

    pySHACL runs a SPARQL-based constraint once per focus node, passing the same text
    with ``$this`` pre-bound; parsing dominates the cost, so it is cached here.
    """

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


ENGINES = ("auto", "fast", "pyshacl")


def validate(data: Graph, shapes: Graph | None = None, engine: str = "auto", store=None) -> Report:
    """Validate an rdflib graph; returns the results in a stable order (by source line, node, path).

    ``engine``: "pyshacl" is the reference; "fast" compiles the shapes to SPARQL on the
    embedded store (``ipgraph.shacl_fast``; ``store`` may hold ``data`` already) and fails
    with :class:`~ipgraph.shacl_fast.Unsupported` where it cannot answer exactly as pySHACL
    would; "auto" uses the fast engine and falls back to pySHACL in that case.
    """
    engine = _engine(engine)
    shapes = shapes if shapes is not None else shapes_graph()
    if engine == "pyshacl":
        return _validate_pyshacl(data, shapes)
    from .shacl_fast import validate_graph, validate_store

    def fast() -> Report:
        return validate_store(store, shapes, data) if store is not None else validate_graph(data, shapes)

    return _fast_else_pyshacl(engine, fast, lambda: data, shapes)


# Graph files the fast engine reads itself (Oxigraph's parser); others go through rdflib.
FAST_SUFFIXES = (".ttl", ".nt")


def validate_file(path: str | Path, shapes: Graph | None = None, engine: str = "auto") -> Report:
    """Validate a graph file: the same report as ``validate(load_graph(path), …)``.

    The fast engine loads a Turtle or N-Triples file straight into the embedded store and keeps
    of the original triples only its integer-typed literals (``shacl_fast.integer_literals``);
    rdflib parses the whole file (a minute for a million triples) only for pySHACL, that is
    for ``engine="pyshacl"`` or when "auto" falls back to it.
    """
    p = Path(path)
    if _engine(engine) == "pyshacl" or p.suffix not in FAST_SUFFIXES:
        return validate(load_graph(p), shapes, engine)
    from .shacl_fast import integer_literals, validate_store
    from .store import FORMATS, EmbeddedStore

    shapes = shapes if shapes is not None else shapes_graph()

    def fast() -> Report:
        return validate_store(EmbeddedStore.from_file(p), shapes, integer_literals(p, FORMATS[p.suffix]))

    return _fast_else_pyshacl(engine, fast, lambda: load_graph(p), shapes)


def _engine(engine: str) -> str:
    if engine not in ENGINES:
        raise IpgraphError(f"unknown validation engine {engine!r}; choose one of {', '.join(ENGINES)}")
    return engine


def _fast_else_pyshacl(engine: str, fast: Callable[[], Report], data: Callable[[], Graph], shapes: Graph) -> Report:
    """The fast engine's report; where it cannot answer exactly, pySHACL's on ``data()`` for
    "auto", and the fast engine's error for "fast"."""
    from .shacl_fast import Unsupported

    try:
        return fast()
    except Unsupported:
        if engine == "fast":
            raise
    return _validate_pyshacl(data(), shapes)


def _validate_pyshacl(data: Graph, shapes: Graph) -> Report:
    from pyshacl import validate as shacl_validate

    view = _PreparedQueryGraph(store=data.store, identifier=data.identifier)
    conforms, report, _ = shacl_validate(
        view,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
    )
    # a property shape shared by two node shapes that target the same node reports twice: keep one
    results = {_violation(data, report, shapes, result) for result in report.objects(None, SH.result)}
    return Report(bool(conforms), tuple(sorted(results, key=_order)))


def _order(v: Violation) -> tuple:
    # nodes with a source line first, in source order; then the rest by IRI
    return (v.line is None, v.line or 0, v.focus, v.path, v.check, v.value or "", v.message)


def _violation(data: Graph, report: Graph, shapes: Graph, result) -> Violation:
    focus = report.value(result, SH.focusNode)
    component = report.value(result, SH.sourceConstraintComponent)
    value = report.value(result, SH.value)
    return Violation(
        focus=str(focus),
        label=_label(data, focus),
        line=_line(data, focus),
        path=_path(report, report.value(result, SH.resultPath)),
        constraint=str(component),
        check=_check(report, shapes, result, component),
        shape=str(report.value(result, SH.sourceShape)),
        message=_message(report, result),
        value=_term(value) if value is not None else None,
        severity=str(report.value(result, SH.resultSeverity)).removeprefix(str(SH)),
    )


def _label(data: Graph, node) -> str:
    """The node's zh label (else en, else plain); the first in code-point order if it has several."""
    labels = [(x.language, str(x)) for x in data.objects(node, RDFS.label) if isinstance(x, Literal)]
    return pick_label(labels)


def pick_label(labels: list[tuple[str | None, str]]) -> str:
    """Of (language, text) pairs, the label a report shows: zh, else en, else untagged; in each, the
    first in code-point order. Language tags compare in lower case, as BCP 47 has them."""
    chosen: dict[str | None, str] = {}
    for language, text in sorted(labels, key=lambda pair: pair[1]):
        chosen.setdefault(language.lower() if language else None, text)
    return chosen.get("zh") or chosen.get("en") or chosen.get(None) or ""


def _line(data: Graph, node) -> int | None:
    """The node's source line: the smallest if it has several (a violation of its own)."""
    return source_line(str(x) for x in data.objects(node, IPG.sourceLine) if isinstance(x, Literal))


def source_line(values) -> int | None:
    """The smallest of these lexical forms that is a line number (digits only), if any."""
    return min((int(v) for v in values if v.isdigit()), default=None)


def _message(report: Graph, result) -> str:
    """The English message (the shapes may also carry a Chinese one)."""
    messages = {getattr(m, "language", None): str(m) for m in report.objects(result, SH.resultMessage)}
    return messages.get("en") or messages.get(None) or next(iter(messages.values()), "")


def _check(report: Graph, shapes: Graph, result, component) -> str:
    """A SPARQL constraint's sh:name, else the component's local name without the suffix."""
    if component == SH.SPARQLConstraintComponent:
        constraint = report.value(result, SH.sourceConstraint)
        # named constraints are only referenced by the report; inline ones are copied into it
        name = shapes.value(constraint, SH.name) or report.value(constraint, SH.name)
        if name is not None:
            return str(name)
    return str(component).removeprefix(str(SH)).removesuffix("ConstraintComponent")


def _path(report: Graph, path) -> str:
    """A SHACL property path in SPARQL notation: ``ipg:task``, ``^ipg:task``, ``ipg:task/ipg:number``."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return shorten(str(path))
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path(report, inverse)
    if isinstance(path, BNode) and report.value(path, RDF.first) is not None:
        return "/".join(_path(report, step) for step in Collection(report, path))
    return str(path)


def _term(term) -> str:
    if isinstance(term, URIRef):
        return shorten(str(term))
    if isinstance(term, Literal):
        text = str(term)
        if len(text) > VALUE_LIMIT:
            text = text[:VALUE_LIMIT] + "…"
        if term.language:
            return f'"{text}"@{term.language}'
        datatype = f"^^{shorten(str(term.datatype))}" if term.datatype else ""
        return f'"{text}"{datatype}'
    return str(term)
