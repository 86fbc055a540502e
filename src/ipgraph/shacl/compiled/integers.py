"""Integer datatypes the store does not keep: Oxigraph stores every xsd:integer-derived literal as
xsd:integer, so integer-derived sh:datatype constraints are decided on the original triples."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from ipgraph.shacl.compiled.checks import INTEGER, INTEGER_TYPES, Check, Unsupported
from ipgraph.shacl.compiled.display import literal, value_shown
from ipgraph.shacl.compiled.parallel import select_rows
from ipgraph.sparql.results import shorten


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
        once per predicate, so that a report reads the graph once, not once per focus node."""
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
        return {self.type_of(row["p"].value) for row in select_rows(self.store, query)}

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
            return literal(value.value, self.datatype(focus, value))
        return value_shown(value)


SUSPECTS_LISTED = 1000  # above this many suspect subjects, a datatype check reads every value


def narrowed(check: Check, originals: Originals) -> Check:
    """An integer-derived sh:datatype check that reads from the store only the values that can
    break it: those that are not integers, and those of subjects the original triples show with
    another datatype. A million-triple graph otherwise sends every number and source line
    (130 k values) through the report."""
    if check.original_datatype is None or check.predicate is None:
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


def original_datatype_rows(check: Check, rows: list[dict], originals: Originals) -> list[tuple[dict, str | None]]:
    """(row, value shown) for the values that are not written with ``check.original_datatype``."""
    if check.original_datatype is None or check.predicate is None:
        raise ValueError(f"not an integer-derived sh:datatype check: {check.name} of {check.shape}")
    out: list[tuple[dict, str | None]] = []
    for row in rows:
        value = row["value"]
        if not isinstance(value, ox.Literal) or value.datatype.value != INTEGER:
            out.append((row, value_shown(value)))
            continue
        written = originals.written(row["this"], value, check.predicate)
        if not written:
            raise Unsupported(f"{row['this']} {value} is in the store but not in the original triples")
        wrong = [o for o in written if str(o.datatype) != check.original_datatype or o.ill_typed]
        out += [(row, literal(str(o), str(o.datatype))) for o in wrong]
    return out


def integer_literals(path: str | Path, fmt: ox.RdfFormat) -> Graph:
    """The triples of a graph file whose object is an integer-typed literal (xsd:integer or a type
    derived from it), read with Oxigraph's parser, which keeps the datatype each was written with:
    all that :func:`validate_store` needs of the original triples (its ``data``), without parsing
    the whole file with rdflib, which is far slower (docs/performance.md)."""
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
