"""What the compiled engine's parts share: the Check a constraint compiles to, its refusal, and SPARQL terms.

Oxigraph keeps xsd:integer-derived literals (xsd:positiveInteger, xsd:int, …) as
xsd:integer; the helpers here tell those datatypes apart for the compiler and the runner.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Literal
from rdflib.namespace import SH

from ipgraph.prefixes import XSD, XSD_INTEGER
from ipgraph.sparql.results import shorten

# Oxigraph stores every xsd:integer-derived literal as xsd:integer (its parser keeps the type,
# its store does not), so a datatype constraint on one of these checks the value's range.
INTEGER_RANGES = {
    "positiveInteger": (1, None), "nonNegativeInteger": (0, None), "negativeInteger": (None, -1),
    "nonPositiveInteger": (None, 0), "long": (-(2**63), 2**63 - 1), "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1), "byte": (-128, 127), "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 255),
}  # fmt: skip
INTEGER = XSD_INTEGER
INTEGER_TYPES = {INTEGER} | {f"{XSD}{name}" for name in INTEGER_RANGES}


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
