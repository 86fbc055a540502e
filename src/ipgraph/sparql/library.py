"""The query library: named, documented SPARQL files in ``queries/``, and running them.

Each ``queries/NAME.rq`` opens with a header of comment lines::

    # title: Tasks per department
    # zh: 每个部门负责多少项任务？
    # en: How many tasks is each department responsible for?
    # param dept: literal@zh = 运用促进司 -- a department's Chinese name (optional)
    # column dept: the department's IRI
    # names dept: department -- ?x a ipg:Department ; rdfs:label|skos:altLabel ?name

``param`` types are ``iri``, ``literal``, ``literal@LANG`` and ``integer``; a param
with ``= VALUE`` has a default, one marked ``(optional)`` may be left unbound, any
other is required. A ``names`` line gives the graph pattern that lists the names a
parameter may take (``?name``, of the resource ``?x``): when an answer is empty,
:mod:`ipgraph.sparql.checks` says which value names nothing, and the closest names.
Values are bound as RDF terms by the engine (embedded) or as a
``VALUES`` row built from escaped RDF terms (remote): never pasted into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ipgraph import paths
from ipgraph.errors import QueryError
from ipgraph.prefixes import XSD_INTEGER

HEADER_RE = re.compile(r"^#\s*(?P<key>title|zh|en|param|column|names)\b\s*(?P<name>[\w-]*)\s*:\s*(?P<value>.*)$")
PARAM_RE = re.compile(
    r"^(?P<type>iri|integer|literal(?:@[A-Za-z-]+)?)\s*(?:=\s*(?P<default>.*?))?\s*(?:--\s*(?P<doc>.*))?$"
)
NAMES_RE = re.compile(r"^(?P<noun>.+?)\s+--\s+(?P<pattern>.+)$")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
MAX_PARAM_LENGTH = 10_000


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    doc: str
    optional: bool

    def term(self, value: str) -> ox.NamedNode | ox.Literal:
        """A typed RDF term from a value typed by a person; bad values are refused."""
        if len(value) > MAX_PARAM_LENGTH:
            raise QueryError(f"parameter {self.name}: value longer than {MAX_PARAM_LENGTH} characters")
        if self.type == "iri":
            if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value) or IRI_FORBIDDEN.search(value):
                raise QueryError(f"parameter {self.name}: {value[:80]!r} is not an absolute IRI")
            return ox.NamedNode(value)
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?[0-9]+", value.strip(), re.ASCII):
                raise QueryError(f"parameter {self.name}: {value[:80]!r} is not an integer")
            return ox.Literal(value.strip(), datatype=ox.NamedNode(XSD_INTEGER))
        if "@" in self.type:
            return ox.Literal(value, language=self.type.split("@", 1)[1])
        return ox.Literal(value)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path | None
    text: str
    title: str = ""
    zh: str = ""
    en: str = ""
    params: tuple[Param, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # param → (what it names, graph pattern)

    def bind(self, values: dict[str, str] | None = None) -> dict[str, ox.NamedNode | ox.Literal]:
        """Check given values against the declared params and turn them into RDF terms."""
        values = dict(values or {})
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            accepted = ", ".join(declared) or "none"
            raise QueryError(f"{self.name}: unknown parameter(s) {', '.join(unknown)}; it accepts: {accepted}")
        bound = {}
        for param in self.params:
            value = values.get(param.name, param.default)
            if value is None:
                if not param.optional:
                    raise QueryError(f"{self.name}: missing parameter {param.name} ({param.type}): {param.doc}")
                continue
            bound[param.name] = param.term(value)
        return bound


def parse_header(name: str, text: str, path: Path | None = None) -> NamedQuery:
    meta: dict[str, str] = {}
    params: list[Param] = []
    columns: dict[str, str] = {}
    names: dict[str, tuple[str, str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = HEADER_RE.match(line)
        if not m:
            continue
        key, pname, value = m["key"], m["name"], m["value"].strip()
        if key == "param":
            p = PARAM_RE.match(value)
            if not p or not pname:
                raise QueryError(
                    f"{path or name}:{number}: bad param line; expected '# param NAME: TYPE [= DEFAULT] -- description'"
                )
            doc = p["doc"] or ""
            params.append(Param(pname, p["type"], p["default"], doc, "(optional)" in doc))
        elif key == "column":
            columns[pname] = value
        elif key == "names":
            n = NAMES_RE.match(value)
            if not n or not pname:
                raise QueryError(f"{path or name}:{number}: bad names line; expected '# names PARAM: NOUN -- PATTERN'")
            names[pname] = (n["noun"], n["pattern"])
        else:
            meta[key] = value
    undeclared = sorted(set(names) - {p.name for p in params})
    if undeclared:
        raise QueryError(f"{path or name}: names line for undeclared parameter(s) {', '.join(undeclared)}")
    title, zh, en = meta.get("title", ""), meta.get("zh", ""), meta.get("en", "")
    return NamedQuery(name, path, text, title, zh, en, tuple(params), columns, names)


def library(directory: Path | None = None) -> dict[str, NamedQuery]:
    """All named queries, by name (the file name without ``.rq``)."""
    folder = directory or paths.QUERIES_DIR
    return {p.stem: parse_header(p.stem, p.read_text(encoding="utf-8"), p) for p in sorted(folder.glob("*.rq"))}


def resolve(spec: str) -> NamedQuery:
    """A query by name, by ``.rq`` file path, or as SPARQL text typed by the user."""
    if NAME_RE.match(spec):
        path = paths.QUERIES_DIR / f"{spec}.rq"
        if path.is_file():  # read that file alone, not the whole library
            return parse_header(spec, path.read_text(encoding="utf-8"), path)
        queries = library()
        import difflib

        close = difflib.get_close_matches(spec, queries, n=3)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise QueryError(f"no named query {spec!r}; {hint}`ipgraph queries` lists them")
    if spec.endswith(".rq") and "\n" not in spec:
        path = Path(spec)
        try:
            return parse_header(path.stem, path.read_text(encoding="utf-8"), path)
        except OSError as exc:
            raise QueryError(f"{spec}: cannot read: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise QueryError(f"{spec}: not UTF-8 text (byte {exc.start + 1}); save the query as UTF-8") from None
    return parse_header("query", spec)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword after the prologue."""
    stripped = re.sub(r"#[^\n]*|<[^>\s]*>|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'", " ", text)
    m = re.search(r"(?<![\w:?$-])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:-])", stripped, re.I)
    return m.group(1).upper() if m else "SELECT"
