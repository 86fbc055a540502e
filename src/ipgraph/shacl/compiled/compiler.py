"""The SHACL compiler: each constraint of a shapes graph becomes one SPARQL query over all its focus nodes."""

from __future__ import annotations

import re

from rdflib import Graph, IdentifiedNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from ipgraph.shacl.compiled.checks import Check, Unsupported, component, integer_family, term
from ipgraph.sparql.results import shorten

CLASS_OF = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
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


class Compiler:
    """Turns a shapes graph into :class:`Check` queries."""

    def __init__(self, shapes: Graph):
        self.g = shapes
        self.prologue = self._prefixes()

    # -- shapes graph helpers -----------------------------------------------------------

    def _prefixes(self) -> str:
        lines = [
            f"PREFIX {self.g.value(d, SH.prefix)}: <{self.g.value(d, SH.namespace)}>"
            for d in self.g.objects(None, SH.declare)
        ]
        return "\n".join(sorted(set(lines))) + "\n"

    def _list(self, node) -> list:
        return list(Collection(self.g, node))

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
        found = [*self.g.subjects(RDF.type, SH.NodeShape), *self.g.subjects(RDF.type, SH.PropertyShape)]
        for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            found += self.g.subjects(predicate, None)
        shapes = {s for s in found if isinstance(s, IdentifiedNode)}  # subjects: IRIs and blank nodes
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
        each value once and flags which conditions it fails, rather than once per condition."""
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
        value with EXISTS, which Oxigraph evaluates per value; so does a condition that only asks
        for one of several classes (an sh:node or sh:or of sh:class shapes). Figures:
        docs/performance.md."""
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
            classes: list = []
            for member in self._list(value):
                member_classes = self._shape_classes(member)
                if member_classes is None:
                    return None
                classes += member_classes
            return classes or None
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
        NOT EXISTS, one lookup per node, cheaper than counting every node's values."""
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
