"""Stage 3 — check a graph against the SHACL shapes in ``shapes/`` with pySHACL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from . import paths
from .namespaces import IPG, RDFS
from .results import shorten


@dataclass(frozen=True)
class Violation:
    focus: str  # IRI of the node at fault
    label: str  # its label, for people
    line: int | None  # its ipg:sourceLine, when it came from a source
    path: str  # the property the constraint is about
    constraint: str  # the constraint component, e.g. sh:MinCountConstraintComponent
    shape: str
    message: str
    value: str | None
    severity: str

    def describe(self) -> str:
        where = f" (source line {self.line})" if self.line else ""
        found = f"; found {self.value}" if self.value else ""
        return (
            f"{self.severity}: {self.label or shorten(self.focus)}{where} — {self.path}: {self.message}"
            f" [{shorten(self.constraint)} in {shorten(self.shape)}{found}]"
        )


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: tuple[Violation, ...]

    def text(self) -> str:
        if self.conforms:
            return "The graph conforms to the shapes.\n"
        lines = [f"The graph does not conform: {len(self.violations)} violation(s)."]
        lines += [f"- {v.describe()}" for v in self.violations]
        return "\n".join(lines) + "\n"


def shapes_graph(directory: Path | None = None) -> Graph:
    shapes = Graph()
    for path in sorted((directory or paths.SHAPES_DIR).glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


def _label(data: Graph, node) -> str:
    labels = {lit.language: str(lit) for lit in data.objects(node, RDFS.label) if isinstance(lit, Literal)}
    return labels.get("zh") or labels.get("en") or labels.get(None) or ""


def validate(data: Graph, shapes: Graph | None = None) -> Report:
    """Validate an rdflib graph; returns the violations in a stable order."""
    from pyshacl import validate as shacl_validate

    conforms, report, _ = shacl_validate(
        data,
        shacl_graph=shapes if shapes is not None else shapes_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    violations = []
    for result in report.subjects(SH.resultSeverity, None):
        focus = report.value(result, SH.focusNode)
        line = data.value(focus, IPG.sourceLine)
        value = report.value(result, SH.value)
        path = report.value(result, SH.resultPath)
        violations.append(
            Violation(
                focus=str(focus),
                label=_label(data, focus),
                line=int(line) if line is not None else None,
                path=shorten(str(path)) if isinstance(path, URIRef) else str(path or ""),
                constraint=str(report.value(result, SH.sourceConstraintComponent)),
                shape=str(report.value(result, SH.sourceShape)),
                message=str(report.value(result, SH.resultMessage) or ""),
                value=(shorten(str(value)) if isinstance(value, URIRef) else str(value)) if value is not None else None,
                severity=shorten(str(report.value(result, SH.resultSeverity))).removeprefix("sh:"),
            )
        )
    violations.sort(key=lambda v: (v.line or 0, v.focus, v.path, v.constraint, v.value or ""))
    return Report(bool(conforms), tuple(violations))
