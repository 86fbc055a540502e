"""The validation report both engines produce, its order and its display.

Owns :class:`Violation` and :class:`Report`; imports only ``ipgraph.sparql.results`` for
shortened IRIs, so either engine can build a report without importing the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from ipgraph.sparql.results import shorten

VALUE_LIMIT = 80  # characters of a literal value shown in a report


def shown_literal(text: str, datatype: str | None, language: str | None = None) -> str:
    """A literal as reports show it: Turtle notation, shortened datatype, text cut at VALUE_LIMIT."""
    text = text if len(text) <= VALUE_LIMIT else text[:VALUE_LIMIT] + "…"
    if language:
        return f'"{text}"@{language}'
    return f'"{text}"^^{shorten(datatype)}' if datatype else f'"{text}"'


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


def report_order(v: Violation) -> tuple:
    # nodes with a source line first, in source order; then the rest by IRI
    return (v.line is None, v.line or 0, v.focus, v.path, v.check, v.value or "", v.message)


def pick_label(labels: list[tuple[str | None, str]]) -> str:
    """Of (language, text) pairs, the label a report shows: zh, else en, else untagged; in each, the
    first in code-point order. Language tags compare in lower case, as BCP 47 has them."""
    chosen: dict[str | None, str] = {}
    for language, text in sorted(labels, key=lambda pair: pair[1]):
        chosen.setdefault(language.lower() if language else None, text)
    return chosen.get("zh") or chosen.get("en") or chosen.get(None) or ""


def source_line(values) -> int | None:
    """The smallest of these lexical forms that is a line number (digits only), if any."""
    return min((int(v) for v in values if v.isdigit()), default=None)
