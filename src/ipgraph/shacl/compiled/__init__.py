"""Fast SHACL validation: the shapes compiled to SPARQL queries, run on the embedded Oxigraph store.

pySHACL (``ipgraph.shacl``) is the reference engine. It checks one focus node at a
time in Python, and re-runs every SPARQL-based constraint per node, so it needs tens of
seconds even for one task list. This engine compiles each constraint once into a
SPARQL query over *all* focus nodes and lets Oxigraph evaluate it, which is orders of
magnitude faster and scales linearly with the graph.

It implements the part of SHACL that ``shapes/`` uses — targets (class, node,
subjects-of, objects-of), predicate and inverse paths, value-type, cardinality,
string, range, logical (or/and/not/node), qualified-cardinality, ``hasValue``, ``in``,
``uniqueLang`` and SPARQL-based constraints — and raises :class:`Unsupported` for
anything else, so that callers fall back to pySHACL rather than give a wrong answer.
Oxigraph keeps xsd:integer-derived literals (xsd:positiveInteger, xsd:int, …) as
xsd:integer, so the store alone cannot tell ``"5"^^xsd:positiveInteger`` from
``"5"^^xsd:integer``. Datatype constraints on these types are therefore checked on the
original triples (the rdflib graph the store was loaded from, passed as ``data``): the
store finds the candidate values, the original graph says which datatype each was
written with, and reported values are shown with that datatype. Two cases raise
:class:`Unsupported` (callers then use pySHACL): no ``data`` when the shapes need it, and
data that writes one property's integers with more than one of these datatypes (then
the store would find equal values where pySHACL, comparing terms, does not).

Messages follow pySHACL's rules: a result carries the shape's ``sh:message`` values and,
for a SPARQL-based constraint, the constraint's own ones (filled from the solution, which
drops their language tag); the report shows the English one, else the last untagged one.

Tests check that both engines report the same violations on the real graph, on
fixtures and on mutated graphs.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from dataclasses import dataclass, fields, replace
from itertools import count
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from ipgraph.shacl.compiled import merge as shacl_merge
from ipgraph.shacl.report import VALUE_LIMIT, Report, Violation, pick_label, report_order, source_line
from ipgraph.sparql.results import shorten
from ipgraph.sparql.run import paused_collection

CLASS_OF = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
SOURCE_LINE = "https://w3id.org/ipgraph/ontology#sourceLine"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
XSD = "http://www.w3.org/2001/XMLSchema#"
# Oxigraph stores every xsd:integer-derived literal as xsd:integer (its parser keeps the type,
# its store does not), so a datatype constraint on one of these checks the value's range.
INTEGER_RANGES = {
    "positiveInteger": (1, None), "nonNegativeInteger": (0, None), "negativeInteger": (None, -1),
    "nonPositiveInteger": (None, 0), "long": (-(2**63), 2**63 - 1), "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1), "byte": (-128, 127), "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 255),
}  # fmt: skip
RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
# Parameters this engine understands; any other sh: parameter on a shape makes it refuse.
STRUCTURAL = {
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property, SH.path, SH.name,
    SH.description, SH.message, SH.severity, SH.deactivated, SH.order, SH.group, SH.declare, SH.prefixes,
    SH.defaultValue, SH.sparql, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
}  # fmt: skip
VALUE_PARAMS = {
    SH["class"], SH.datatype, SH.nodeKind, SH.languageIn, SH.minLength, SH.maxLength, SH.pattern, SH.flags,
    SH["in"], SH["or"], SH["and"], SH["not"], SH.node, SH.hasValue, *RANGES,
}  # fmt: skip
FOCUS_PARAMS = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape}
# Below this many triples the checks run in this process: forking would cost more than it saves.
PARALLEL_FROM = 200_000


class Unsupported(Exception):
    """The shapes use a SHACL feature this engine does not implement."""


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a query whose rows are violations, and what to report for them."""

    query: str
    shape: str
    component: str
    path: str
    own: tuple[Literal, ...]  # the shape's sh:message values
    extra: tuple[Literal, ...]  # a SPARQL constraint's own sh:message values
    severity: str
    name: str  # short name: the component's ("MinCount") or a SPARQL constraint's sh:name
    # an integer-derived datatype the rows' values must have in the original triples, and their predicate
    original_datatype: str | None = None
    predicate: str | None = None
    # a boolean column of ``query`` true on this check's rows: checks that scan the same values
    # share one query (see ``Compiler.property_checks``); None: every row is a violation
    flag: str | None = None


def component(name: str) -> str:
    return f"{SH}{name}ConstraintComponent"


def derived_integer(datatype) -> bool:
    """An xsd:integer-derived datatype, which the store keeps as xsd:integer."""
    return str(datatype).removeprefix(XSD) in INTEGER_RANGES and str(datatype).startswith(XSD)


def integer_family(datatype) -> bool:
    """xsd:integer or a type derived from it: the store cannot tell these apart."""
    return str(datatype) == f"{XSD}integer" or derived_integer(datatype)


def term(node) -> str:
    """An rdflib term as SPARQL syntax."""
    if isinstance(node, BNode):
        raise Unsupported("blank nodes as constraint values")
    if isinstance(node, Literal) and derived_integer(node.datatype):
        raise Unsupported(f"a constant of type {shorten(str(node.datatype))}, which the store keeps as xsd:integer")
    return node.n3()


class Compiler:
    """Turns a shapes graph into :class:`Check` queries."""

    def __init__(self, shapes: Graph):
        self.g = shapes
        self.fresh = count()
        self.prologue = self._prefixes()

    # -- shapes graph helpers -----------------------------------------------------------

    def _prefixes(self) -> str:
        lines = [
            f"PREFIX {self.g.value(d, SH.prefix)}: <{self.g.value(d, SH.namespace)}>"
            for d in sorted(self.g.objects(None, SH.declare))
        ]
        return "\n".join(sorted(set(lines))) + "\n"

    def _list(self, node) -> list:
        return list(Collection(self.g, node))

    def _var(self) -> str:
        return f"?_v{next(self.fresh)}"

    def _messages(self, node) -> tuple[Literal, ...]:
        return tuple(sorted(m for m in self.g.objects(node, SH.message) if isinstance(m, Literal)))

    def _severity(self, shape) -> str:
        return str(self.g.value(shape, SH.severity) or SH.Violation).removeprefix(str(SH))

    def _check_known(self, shape) -> None:
        for predicate in set(self.g.predicates(shape, None)):
            if str(predicate).startswith(str(SH)) and predicate not in STRUCTURAL | VALUE_PARAMS | FOCUS_PARAMS:
                raise Unsupported(f"{shorten(str(predicate))} on {shape}")

    # -- targets and paths ------------------------------------------------------------------

    def focus(self, shape) -> str | None:
        """A group pattern binding ?this to the shape's focus nodes, or None if it has no target."""
        parts = [f"{{ ?this {CLASS_OF} {term(c)} }}" for c in self.g.objects(shape, SH.targetClass)]
        parts += [f"{{ VALUES ?this {{ {term(n)} }} }}" for n in self.g.objects(shape, SH.targetNode)]
        parts += [f"{{ ?this {term(p)} [] }}" for p in self.g.objects(shape, SH.targetSubjectsOf)]
        parts += [f"{{ [] {term(p)} ?this }}" for p in self.g.objects(shape, SH.targetObjectsOf)]
        if (shape, RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#Class")) in self.g:
            raise Unsupported(f"implicit class target on {shape}")
        if not parts:
            return None
        return f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(parts)} }} }}"

    def path(self, node) -> tuple[str, str]:
        """(SPARQL path, display path) of a sh:path value."""
        if isinstance(node, URIRef):
            return term(node), shorten(str(node))
        inverse = self.g.value(node, SH.inversePath)
        if isinstance(inverse, URIRef) and len(set(self.g.predicate_objects(node))) == 1:
            return f"^{term(inverse)}", "^" + shorten(str(inverse))
        raise Unsupported("complex property paths")

    # -- conditions: a SPARQL expression true when a node conforms ------------------------------

    def condition(self, param, value, v: str, shape) -> str:
        """The expression that holds when node ``v`` satisfies one value-type parameter."""
        if param == SH["class"]:
            return f"EXISTS {{ {v} {CLASS_OF} {term(value)} }}"
        if param == SH.datatype:
            if str(value) == LANG_STRING:
                return f'(isLiteral({v}) && lang({v}) != "")'
            if integer_family(value):
                raise Unsupported(f"sh:datatype {shorten(str(value))} in a node or nested shape {shape}")
            return f"(isLiteral({v}) && datatype({v}) = {term(value)})"
        if param == SH.nodeKind:
            return NODE_KINDS[value].format(v=v)
        if param == SH.languageIn:
            tags = " || ".join(f"langMatches(lang({v}), {term(tag)})" for tag in self._list(value))
            return f"(isLiteral({v}) && ({tags or 'false'}))"
        if param in (SH.minLength, SH.maxLength):
            op = ">=" if param == SH.minLength else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {int(value)})"
        if param == SH.pattern:
            flags = self.g.value(shape, SH.flags)
            extra = f", {term(Literal(str(flags)))}" if flags else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {term(Literal(str(value)))}{extra}))"
        if param in RANGES:
            # values that cannot be compared (a string against a number) fail, as in pySHACL
            return f"COALESCE({v} {RANGES[param]} {term(value)}, false)"
        if param == SH["in"]:
            return "(" + (" || ".join(f"sameTerm({v}, {term(m)})" for m in self._list(value)) or "false") + ")"
        if param == SH.hasValue:
            return f"sameTerm({v}, {term(value)})"
        if param == SH["or"]:
            return "(" + " || ".join(self.conforms(member, v) for member in self._list(value)) + ")"
        if param == SH["and"]:
            return "(" + " && ".join(self.conforms(member, v) for member in self._list(value)) + ")"
        if param == SH["not"]:
            return f"!({self.conforms(value, v)})"
        if param == SH.node:
            return self.conforms(value, v)
        raise Unsupported(shorten(str(param)))

    def conforms(self, shape, v: str) -> str:
        """The expression that holds when node ``v`` conforms to a (nested) shape."""
        self._check_known(shape)
        if any(self.g.objects(shape, SH.property)) or any(self.g.objects(shape, SH.sparql)):
            raise Unsupported(f"property or SPARQL constraints inside a nested shape {shape}")
        if any(p in FOCUS_PARAMS for p in self.g.predicates(shape, None)):
            raise Unsupported(f"cardinality inside a nested shape {shape}")
        parts = [
            self.condition(p, o, v, shape) for p, o in sorted(self.g.predicate_objects(shape)) if p in VALUE_PARAMS
        ]
        return "(" + (" && ".join(parts) or "true") + ")"

    # -- checks -------------------------------------------------------------------------------

    def checks(self) -> list[Check]:
        out: list[Check] = []
        shapes = set(self.g.subjects(RDF.type, SH.NodeShape)) | set(self.g.subjects(RDF.type, SH.PropertyShape))
        for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            shapes |= set(self.g.subjects(predicate, None))
        for shape in sorted(shapes):
            focus = self.focus(shape)
            if focus is None or self._deactivated(shape):
                continue
            if self.g.value(shape, SH.path) is not None:
                out += self.property_checks(shape, focus)
            else:
                out += self.node_checks(shape, focus)
        return out

    def _deactivated(self, shape) -> bool:
        return str(self.g.value(shape, SH.deactivated) or "").lower() == "true"

    def _check(self, query: str, shape, name: str, path: str, constraint=None, **extra_fields) -> Check:
        shape_id = str(shape) if isinstance(shape, URIRef) else ""
        extra = self._messages(constraint) if constraint is not None else ()
        short = str(self.g.value(constraint, SH.name) or name) if constraint is not None else name
        return Check(
            self.prologue + query,
            shape_id,
            component(name),
            path,
            self._messages(shape),
            extra,
            self._severity(shape),
            short,
            **extra_fields,
        )

    def node_checks(self, shape, focus: str) -> list[Check]:
        self._check_known(shape)
        out = []
        for param, value in sorted(self.g.predicate_objects(shape)):
            if param in (SH.flags,) or param not in VALUE_PARAMS:
                if param in FOCUS_PARAMS:
                    raise Unsupported(f"{shorten(str(param))} on node shape {shape}")
                continue
            cond = self.condition(param, value, "?this", shape)
            query = f"SELECT ?this (?this AS ?value) WHERE {{ {focus} FILTER (!COALESCE({cond}, false)) }}"
            out.append(self._check(query, shape, _component_name(param), ""))
        for prop in self.g.objects(shape, SH.property):
            if not self._deactivated(prop):
                out += self.property_checks(prop, focus)
        for constraint in self.g.objects(shape, SH.sparql):
            out.append(self.sparql_check(shape, constraint, focus, None))
        return out

    def property_checks(self, shape, focus: str) -> list[Check]:
        """The checks of a property shape. Its value-type conditions share one query, which reads
        each value once and flags which conditions it fails (they used to take a query each)."""
        self._check_known(shape)
        path, shown = self.path(self.g.value(shape, SH.path))
        out, conditions = [], []
        for param, value in sorted(self.g.predicate_objects(shape)):
            if param == SH.flags or param not in VALUE_PARAMS:
                continue
            if param == SH.hasValue:
                query = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} {term(value)} }} }}"
                out.append(self._check(query, shape, _component_name(param), shown))
            elif param == SH.datatype and integer_family(value):
                out.append(self.original_datatype_check(shape, focus, path, shown, value))
            else:
                conditions.append((_component_name(param), param, value))
        out += self._value_checks(shape, focus, path, shown, conditions)
        out += self.cardinality_checks(shape, focus, path, shown)
        for constraint in self.g.objects(shape, SH.sparql):
            out.append(self.sparql_check(shape, constraint, focus, (path, shown)))
        return out

    def _value_checks(self, shape, focus: str, path: str, shown: str, conditions: list) -> list[Check]:
        """One query for all value-type conditions (component, parameter, value) of a property
        shape: each value is read once, and a boolean column per condition flags failures.
        An sh:class condition joins the class's members, listed once, instead of testing each
        value with EXISTS (half the time on large graphs); so does a condition that only asks for
        one of several classes (an sh:node or sh:or of sh:class shapes: a seventh of the time)."""
        if not conditions:
            return []
        patterns, flags = [], []
        for i, (name, param, value) in enumerate(conditions):
            classes = self._classes(param, value)
            if classes is not None:
                patterns.append(f"OPTIONAL {{ {_members(classes, f'?_is{i}')} }}")
                cond = f"BOUND(?_is{i})"
            else:
                cond = self.condition(param, value, "?value", shape)
            patterns.append(f"BIND (!COALESCE({cond}, false) AS ?_fails{i})")
            flags.append((name, f"_fails{i}"))
        columns = " ".join(f"?{flag}" for _, flag in flags)
        failed = " || ".join(f"?{flag}" for _, flag in flags)
        query = (
            f"SELECT ?this ?value {columns} WHERE {{ {focus} ?this {path} ?value . "
            f"{' '.join(patterns)} FILTER ({failed}) }}"
        )
        return [self._check(query, shape, name, shown, flag=flag) for name, flag in flags]

    def _classes(self, param, value) -> list | None:
        """The classes whose instances, and only those, satisfy a value-type parameter: sh:class,
        or sh:node and sh:or of shapes that ask nothing else; None for any other condition."""
        if param == SH["class"]:
            return [value]
        if param == SH.node:
            return self._shape_classes(value)
        if param == SH["or"]:
            members = [self._shape_classes(member) for member in self._list(value)]
            if members and all(m is not None for m in members):
                return [c for m in members for c in m]
        return None

    def _shape_classes(self, shape) -> list | None:
        nested = any(p in FOCUS_PARAMS or p in (SH.property, SH.sparql) for p in self.g.predicates(shape, None))
        params = [(p, o) for p, o in self.g.predicate_objects(shape) if p in VALUE_PARAMS]
        if nested or len(params) != 1:
            return None  # left to conforms(), which refuses what this engine cannot check
        self._check_known(shape)
        return self._classes(*params[0])

    def original_datatype_check(self, shape, focus: str, path: str, shown: str, datatype) -> Check:
        """sh:datatype with an integer-derived type: the store lists the candidates (every value
        that is not a literal of another type); the original triples decide (see ``run_checks``)."""
        predicate = self.g.value(shape, SH.path)
        if not isinstance(predicate, URIRef):
            raise Unsupported(f"sh:datatype {shorten(str(datatype))} on a path other than a predicate")
        query = f"SELECT ?this ?value WHERE {{ {focus} ?this {path} ?value }}"
        return self._check(query, shape, "Datatype", shown, original_datatype=str(datatype), predicate=str(predicate))

    @staticmethod
    def _below_query(focus: str, path: str, low: int, cond: str) -> str:
        """The focus nodes with fewer than ``low`` values meeting ``cond``. A minimum of 1 is a
        NOT EXISTS, one lookup per node: at a million triples half the time of counting."""
        values = f"?this {path} ?v FILTER ({cond})"
        if low == 1:
            return f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {values} }} }}"
        return (
            f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) "
            f"WHERE {{ {focus} OPTIONAL {{ {values} }} }} GROUP BY ?this }} FILTER (?n < {low}) }}"
        )

    @staticmethod
    def _above_query(focus: str, path: str, high: int, cond: str) -> str:
        """The focus nodes with more than ``high`` values meeting ``cond``. A node without values
        never has too many: the values there are get counted (paths are one predicate or its
        inverse: read whole, cheaply), and then the focus nodes among them are kept."""
        counts = (
            f"SELECT ?this WHERE {{ ?this {path} ?v FILTER ({cond}) }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {high})"
        )
        return f"SELECT ?this WHERE {{ {{ {counts} }} {focus} }}"

    def _count_checks(
        self, shape, focus, path: str, shown: str, bounds: tuple, names: tuple, cond="true"
    ) -> list[Check]:
        """Checks of a minimum and a maximum count (either may be None), a query each."""
        (low, high), (below, above) = bounds, names
        out = []
        if low is not None:
            out.append(self._check(self._below_query(focus, path, int(low), cond), shape, below, shown))
        if high is not None:
            out.append(self._check(self._above_query(focus, path, int(high), cond), shape, above, shown))
        return out

    def cardinality_checks(self, shape, focus: str, path: str, shown: str) -> list[Check]:
        g = self.g
        minimum = g.value(shape, SH.minCount)
        bounds = (minimum if minimum is not None and int(minimum) > 0 else None, g.value(shape, SH.maxCount))
        out = self._count_checks(shape, focus, path, shown, bounds, ("MinCount", "MaxCount"))
        if str(g.value(shape, SH.uniqueLang) or "").lower() == "true":
            query = (
                f'SELECT ?this WHERE {{ {focus} ?this {path} ?v . BIND (lang(?v) AS ?lang) FILTER (?lang != "") }} '
                "GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?v) > 1)"
            )
            out.append(self._check(query, shape, "UniqueLang", shown))
        qualified = g.value(shape, SH.qualifiedValueShape)
        if qualified is not None:
            if str(g.value(shape, SH.qualifiedValueShapesDisjoint) or "").lower() == "true":
                raise Unsupported("sh:qualifiedValueShapesDisjoint")
            cond = self.conforms(qualified, "?v")
            bounds = (g.value(shape, SH.qualifiedMinCount), g.value(shape, SH.qualifiedMaxCount))
            names = ("QualifiedMinCount", "QualifiedMaxCount")
            out += self._count_checks(shape, focus, path, shown, bounds, names, cond)
        return out

    def sparql_check(self, shape, constraint, focus: str, path: tuple[str, str] | None) -> Check:
        select = self.g.value(constraint, SH.select)
        if select is None or self._deactivated(constraint):
            raise Unsupported(f"SPARQL constraint without sh:select on {shape}")
        text = str(select)
        if re.search(r"\$(currentShape|shapesGraph)\b|\bPREFIX\b|\bBASE\b", text, re.I):
            raise Unsupported(f"SPARQL constraint using $currentShape, $shapesGraph or its own prologue on {shape}")
        if "$PATH" in text:
            if path is None:
                raise Unsupported("$PATH in a node shape's SPARQL constraint")
            text = text.replace("$PATH", path[0])
        text = re.sub(r"\$this\b", "?this", text)
        query = f"SELECT * WHERE {{ {focus} {{ {text} }} }}"
        shown = path[1] if path else ""
        return self._check(query, shape, "SPARQL", shown, constraint=constraint)


def _members(classes: list, flag: str) -> str:
    """A sub-select of the instances of any of ``classes``, each once, with ``flag`` true."""
    if len(classes) == 1:
        return f"SELECT ?value (true AS {flag}) WHERE {{ ?value {CLASS_OF} {term(classes[0])} }}"
    listed = " ".join(term(c) for c in classes)
    typed = f"VALUES ?_class {{ {listed} }} ?value {CLASS_OF} ?_class"
    return f"SELECT DISTINCT ?value (true AS {flag}) WHERE {{ {typed} }}"


def _component_name(param) -> str:
    local = str(param).removeprefix(str(SH))
    return local[0].upper() + local[1:]


def compile_shapes(shapes: Graph) -> list[Check]:
    """Compile a shapes graph; raises :class:`Unsupported` if any shape needs pySHACL."""
    return Compiler(shapes).checks()


# -- running --------------------------------------------------------------------------------------

INTEGER = f"{XSD}integer"
INTEGER_TYPES = {INTEGER} | {f"{XSD}{name}" for name in INTEGER_RANGES}


def _text(node) -> str:
    """A term as the message templates and reports show it: IRIs and lexical forms, bare."""
    return node.value if isinstance(node, (ox.NamedNode, ox.Literal, ox.BlankNode)) else str(node)


def _shown(text: str, datatype: str, language: str | None = None) -> str:
    """A literal as pySHACL reports show it: Turtle notation, truncated."""
    text = text if len(text) <= VALUE_LIMIT else text[:VALUE_LIMIT] + "…"
    if language:
        return f'"{text}"@{language}'
    if datatype == f"{XSD}string":
        return f'"{text}"'
    return f'"{text}"^^{shorten(datatype)}'


def _value(node) -> str:
    """A value as pySHACL reports show it: shortened IRIs, literals in Turtle notation (truncated)."""
    if isinstance(node, ox.NamedNode):
        return shorten(node.value)
    if not isinstance(node, ox.Literal):
        return _text(node)
    return _shown(node.value, node.datatype.value, node.language)


def _same_integer(original: Literal, value: ox.Literal) -> bool:
    if str(original.datatype) not in INTEGER_TYPES:
        return False
    try:
        return str(original) == value.value or int(str(original)) == int(value.value)
    except ValueError:
        return False


class Originals:
    """The triples a store was loaded from (an rdflib graph), for what the store does not keep:
    the integer datatype each literal was written with."""

    def __init__(self, data: Graph, store: ox.Store):
        self.data = data
        self.store = store
        self._literals: dict[str, dict[str, list[Literal]]] = {}
        self._types: dict[str, str] = {}

    def literals(self, predicate: str) -> dict[str, list[Literal]]:
        """subject IRI (``_:id`` for a blank node) → the literals it has for ``predicate``, indexed
        once per predicate: looking each focus node up in the graph costs seconds at a million triples."""
        if predicate not in self._literals:
            index: dict[str, list[Literal]] = {}
            for s, o in self.data.subject_objects(URIRef(predicate)):
                if isinstance(o, Literal):
                    index.setdefault(f"_:{s}" if isinstance(s, BNode) else str(s), []).append(o)
            self._literals[predicate] = index
        return self._literals[predicate]

    def type_of(self, predicate: str) -> str:
        """The one integer datatype ``predicate``'s values are written with; refused when there are
        two, as the store cannot tell them apart. Worked out for the predicates a report needs."""
        if predicate not in self._types:
            written = {str(o.datatype) for values in self.literals(predicate).values() for o in values}
            written &= INTEGER_TYPES
            if len(written) > 1:
                shown = ", ".join(sorted(shorten(t) for t in written))
                raise Unsupported(
                    f"{shorten(predicate)} has integers written as {shown}: the store cannot tell them apart"
                )
            self._types[predicate] = written.pop() if written else INTEGER
        return self._types[predicate]

    def suspects(self, predicate: str, datatype: str) -> set[str]:
        """The subjects with a ``predicate`` literal not written as a valid ``datatype``: the only
        ones whose integer values can break an integer-derived sh:datatype."""
        return {
            subject
            for subject, values in self.literals(predicate).items()
            if any(str(o.datatype) != datatype or o.ill_typed for o in values)
        }

    def all_types(self) -> set[str]:
        """The integer datatypes of every predicate that has integer values in the store."""
        query = f"SELECT DISTINCT ?p WHERE {{ ?s ?p ?o FILTER (isLiteral(?o) && datatype(?o) = <{INTEGER}>) }}"
        return {self.type_of(row["p"].value) for row in self.store.query(query)}

    def written(self, focus, value: ox.Literal, predicate: str) -> list[Literal]:
        """The original literals of ``focus``'s ``predicate`` equal to the store's integer ``value``."""
        if not isinstance(focus, ox.NamedNode):
            raise Unsupported("integer datatypes on blank nodes")
        self.type_of(predicate)  # refuses a predicate whose integers are written with two datatypes
        return [o for o in self.literals(predicate).get(focus.value, ()) if _same_integer(o, value)]

    def datatype(self, focus, value: ox.Literal) -> str:
        """The datatype ``value`` was written with: the one of the focus node's properties that holds it."""
        if not isinstance(focus, ox.NamedNode):
            raise Unsupported("integer datatypes on blank nodes")
        subject = URIRef(focus.value)
        near = {
            self.type_of(str(p))
            for p, o in self.data.predicate_objects(subject)
            if isinstance(o, Literal) and _same_integer(o, value)
        }
        if not near:
            near = self.all_types()
        if len(near) != 1:
            raise Unsupported(f"cannot tell which integer datatype {value} of {focus.value} was written with")
        return near.pop()

    def shown(self, focus, value) -> str:
        if isinstance(value, ox.Literal) and value.datatype.value == INTEGER:
            return _shown(value.value, self.datatype(focus, value))
        return _value(value)


def _pick(candidates: list[tuple[str, str | None]]) -> str:
    """The message a report shows: English, else the last untagged one, else the first (as ipgraph.shacl)."""
    by_language = {}
    for text, language in candidates:
        by_language[language] = text
    return by_language.get("en") or by_language.get(None) or next(iter(by_language.values()), "")


def _fill(template: str, row: dict) -> str:
    return re.sub(r"\{[?$](\w+)\}", lambda m: _text(row[m[1]]) if row.get(m[1]) is not None else m[0], template)


def _message(check: Check, row: dict) -> str:
    """pySHACL's messages for a result: a SPARQL constraint's own ones, then the shape's; filled
    from the solution (which drops their language tag) for SPARQL constraints only."""
    if check.component != component("SPARQL"):
        return _pick([(str(m), m.language) for m in check.own])
    extra = [m for m in sorted(check.extra, key=str) if m not in check.own]
    return _pick([(_fill(str(m), row), None) for m in extra + list(check.own)])


def _describe(store: ox.Store, nodes: set) -> dict:
    """focus IRI → (label, source line), chosen as ``ipgraph.shacl`` chooses them. Looked up
    node by node: a query listing 26 k focus nodes in VALUES took twice as long."""

    label, line, default = ox.NamedNode(LABEL), ox.NamedNode(SOURCE_LINE), ox.DefaultGraph()

    def literals(node: ox.NamedNode, predicate: ox.NamedNode) -> list[ox.Literal]:
        quads = store.quads_for_pattern(node, predicate, None, default)
        return [q.object for q in quads if isinstance(q.object, ox.Literal)]

    return {
        node: (
            pick_label([(o.language, o.value) for o in literals(node, label)]),
            source_line(o.value for o in literals(node, line)),
        )
        for node in nodes
        if isinstance(node, ox.NamedNode)
    }


SUSPECTS_LISTED = 1000  # above this many suspect subjects, a datatype check reads every value


def _narrowed(check: Check, originals: Originals) -> Check:
    """An integer-derived sh:datatype check that reads from the store only the values that can
    break it: those that are not integers, and those of subjects the original triples show with
    another datatype. A million-triple graph otherwise sends every number and source line
    (130 k values) through the report."""
    if check.original_datatype is None:
        return check
    suspects = originals.suspects(check.predicate, check.original_datatype)
    if len(suspects) > SUSPECTS_LISTED or any(s.startswith("_:") for s in suspects):
        return check
    keep = f"!(isLiteral(?value) && datatype(?value) = <{INTEGER}>)"
    if suspects:
        keep += f" || ?this IN ({', '.join(f'<{s}>' for s in sorted(suspects))})"
    if not check.query.endswith("}"):
        raise ValueError(f"unexpected datatype query: {check.query[-80:]!r}")
    return replace(check, query=f"{check.query[:-1]} FILTER ({keep}) }}")


def _original_datatype_rows(check: Check, rows: list[dict], originals: Originals) -> list[tuple[dict, str]]:
    """(row, value shown) for the values that are not written with ``check.original_datatype``."""
    out = []
    for row in rows:
        value = row["value"]
        if not isinstance(value, ox.Literal) or value.datatype.value != INTEGER:
            out.append((row, _value(value)))
            continue
        written = originals.written(row["this"], value, check.predicate)
        if not written:
            raise Unsupported(f"{row['this']} {value} is in the store but not in the original triples")
        wrong = [o for o in written if str(o.datatype) != check.original_datatype or o.ill_typed]
        out += [(row, _shown(str(o), str(o.datatype))) for o in wrong]
    return out


def _query_rows(store: ox.Store, query: str) -> list[dict]:
    solutions = store.query(query)
    names = [variable.value for variable in solutions.variables]
    return [dict(zip(names, solution, strict=True)) for solution in solutions]


# What forked workers read: set just before the pool forks, so children inherit the store
# instead of receiving a copy.
_SHARED: tuple[ox.Store, list[str]] | None = None


def _rows_of(index: int) -> tuple[int, list[dict]]:
    store, queries = _SHARED
    return index, _query_rows(store, queries[index])


def workers_for(store: ox.Store) -> int:
    """How many processes to run the checks in: one per core (at most 4) for graphs of
    :data:`PARALLEL_FROM` triples or more where processes can be forked, else one."""
    if "fork" not in multiprocessing.get_all_start_methods() or len(store) < PARALLEL_FROM:
        return 1
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def _all_rows(store: ox.Store, checks: list[Check], workers: int) -> list[list[dict]]:
    """Each check's rows, in the order of ``checks``; in ``workers`` forked processes when above 1.

    Checks that share a query run it once, and queries that differ only in their focus nodes
    run as one (:mod:`ipgraph.shacl.compiled.merge`). The store is read-only here, so forked children
    share its memory with the parent. SPARQL constraints, the slowest checks, are handed out
    first so the processes finish together.
    """
    queries = list(dict.fromkeys(check.query for check in checks))
    to_run, where = shacl_merge.plan(queries)
    if workers <= 1:
        answers = [_query_rows(store, query) for query in to_run]
    else:
        global _SHARED
        slow = {check.query for check in checks if check.component == component("SPARQL")}
        sparql = {run for query, (run, _) in zip(queries, where, strict=True) if query in slow}
        order = sorted(range(len(to_run)), key=lambda i: i not in sparql)
        _SHARED = (store, to_run)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                done = dict(pool.imap_unordered(_rows_of, order, chunksize=1))
        finally:
            _SHARED = None
        answers = [done[i] for i in range(len(to_run))]
    by_query = {
        query: shacl_merge.rows_for(answers[run], tag) for query, (run, tag) in zip(queries, where, strict=True)
    }
    return [_flagged(by_query[check.query], check.flag) for check in checks]


def _flagged(rows: list[dict], flag: str | None) -> list[dict]:
    """The rows of a shared query that are violations of the check with this flag."""
    if flag is None:
        return rows
    return [row for row in rows if row.get(flag) is not None and row[flag].value == "true"]


def _solutions(check: Check, rows: list[dict], originals: Originals | None) -> list[tuple[dict, str | None]]:
    """The rows of one check that are violations, with the value as the report shows it."""
    if check.original_datatype is not None:
        if originals is None:
            raise Unsupported(f"sh:datatype {shorten(check.original_datatype)} needs the original triples")
        return _original_datatype_rows(check, rows, originals)
    shown = originals.shown if originals is not None else (lambda _, value: _value(value))
    return [(row, shown(row["this"], row["value"]) if row.get("value") is not None else None) for row in rows]


def run_checks(store: ox.Store, checks: list[Check], data: Graph | None = None, workers: int | None = None) -> Report:
    """Run compiled checks; ``data`` is the graph the store was loaded from (see the module docstring).

    ``workers``: processes to run the queries in (default: :func:`workers_for`); the report
    does not depend on it.
    """
    with paused_collection():
        return _run_checks(store, checks, data, workers if workers is not None else workers_for(store))


def _run_checks(store: ox.Store, checks: list[Check], data: Graph | None, workers: int) -> Report:
    originals = Originals(data, store) if data is not None else None
    if originals is not None:
        checks = [_narrowed(check, originals) for check in checks]
    all_rows = _all_rows(store, checks, workers)
    found = [
        (check, row, value)
        for check, rows in zip(checks, all_rows, strict=True)
        for row, value in _solutions(check, rows, originals)
    ]
    focus_nodes = {row["this"] for _, row, _ in found}
    described = _describe(store, focus_nodes)
    violations = {}
    for check, row, value in found:
        focus = row["this"]
        label, line = described.get(focus, ("", None))
        path = row.get("path")
        violation = _violation(
            focus=_text(focus),
            label=label,
            line=line,
            path=shorten(path.value) if isinstance(path, ox.NamedNode) else check.path,
            constraint=check.component,
            check=check.name,
            shape=check.shape,
            message=_message(check, row),
            value=value,
            severity=check.severity,
        )
        violations[violation] = None  # one result per distinct violation, as ipgraph.shacl reports
    ordered = sorted(violations, key=report_order)
    conforms = not any(v.severity == "Violation" for v in ordered)
    return Report(conforms, tuple(ordered))


def _violation(**values) -> Violation:
    """A Violation from the fields it declares (the report format belongs to ``ipgraph.shacl``)."""
    return Violation(**{f.name: values.get(f.name) for f in fields(Violation)})


def validate_store(store, shapes: Graph | None = None, data: Graph | None = None, workers: int | None = None) -> Report:
    """Validate an :class:`~ipgraph.sparql.store.EmbeddedStore` (or a pyoxigraph Store) against the shapes.

    ``data``: the rdflib graph the store was loaded from, needed when the shapes constrain a
    literal to an integer-derived datatype (the store keeps only xsd:integer). ``workers``: see
    :func:`run_checks`. Raises :class:`Unsupported` when the shapes need pySHACL.
    """
    from ipgraph.shacl.inputs import shapes_graph

    checks = compile_shapes(shapes if shapes is not None else shapes_graph())
    return run_checks(getattr(store, "store", store), checks, data, workers)


def integer_literals(path: str | Path, fmt: ox.RdfFormat) -> Graph:
    """The triples of a graph file whose object is an integer-typed literal (xsd:integer or a type
    derived from it), read with Oxigraph's parser, which keeps the datatype each was written with:
    all that :func:`validate_store` needs of the original triples (its ``data``), in seconds where
    rdflib takes a minute to parse a million triples."""
    kept = Graph()
    for quad in ox.parse(path=str(path), format=fmt):
        value = quad.object
        if type(value) is ox.Literal and value.datatype.value in INTEGER_TYPES:
            kept.add(
                (
                    _rdflib_node(quad.subject),
                    URIRef(quad.predicate.value),
                    Literal(value.value, datatype=URIRef(value.datatype.value)),
                )
            )
    return kept


def _rdflib_node(node) -> URIRef | BNode:
    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    raise Unsupported("a triple term as the subject of an integer-typed value")


def validate_graph(data: Graph, shapes: Graph | None = None) -> Report:
    """Validate an rdflib graph with this engine (loaded into a temporary embedded store)."""
    from ipgraph.sparql.store import EmbeddedStore

    return validate_store(EmbeddedStore.from_rdflib(data), shapes, data)
