"""Broken graphs for the SHACL tests: one defect per node, and the result of the report that must name it.

A mutation changes one node of a copy of a built graph (removes, adds or replaces a
value); a ``Case`` pairs it with the node, path and check (constraint component, or the
name of a SPARQL constraint) that the validation report must give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from ipgraph.validate import Report

ID = "https://w3id.org/ipgraph/id/"
# First segments of instance IRIs that are not under the 2021 task list (docs/vocabulary-contract.md).
SHARED = {"org", "scope", "ref", "date", "completion-time", "concept", "province", "annual-plan-2022"}

Mutation = Callable[[Graph], None]


def node(path: str) -> URIRef:
    """An instance IRI: ``task/7`` is task 7 of the 2021 list, ``""`` the list itself; ``org/…``,
    ``scope/…``, ``ref/…``, ``concept/…``, ``province/…``, ``annual-plan-2022/…`` (…) are taken as they are."""
    if not path:
        return URIRef(ID + "cnipa-tasklist-2021")
    prefix = "" if path.split("/")[0] in SHARED else "cnipa-tasklist-2021/"
    return URIRef(ID + prefix + path)


def copy(graph: Graph) -> Graph:
    g = Graph()
    g += graph
    return g


def with_defects(graph: Graph, mutations: Iterable[Mutation]) -> Graph:
    """A copy of the graph with every mutation applied."""
    g = copy(graph)
    for mutate in mutations:
        mutate(g)
    return g


# --- mutations -----------------------------------------------------------------


def drop(subject: str, predicate: URIRef, value=None, lang: str | None = None) -> Mutation:
    """Remove one value (or every value, or those in one language) of a property."""

    def mutate(g: Graph) -> None:
        for found in list(g.objects(node(subject), predicate)):
            if (value is None or found == value) and (lang is None or getattr(found, "language", None) == lang):
                g.remove((node(subject), predicate, found))

    return mutate


def add(subject: str, predicate: URIRef, value) -> Mutation:
    return lambda g: g.add((node(subject), predicate, value))


def replace(subject: str, predicate: URIRef, value, lang: str | None = None) -> Mutation:
    """Replace every value of a property (only the one in ``lang``, if given) by ``value``."""

    def mutate(g: Graph) -> None:
        drop(subject, predicate, lang=lang)(g)
        g.add((node(subject), predicate, value))

    return mutate


# --- cases and reports -----------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One defect, the node it is on, and the result that must name it."""

    id: str
    mutate: Mutation
    focus: str
    path: str
    check: str
    message: str = ""  # part of the message, where two constraints share a path and a check
    others: tuple[str, ...] = field(default=(), kw_only=True)  # other nodes the defect is rightly reported on

    def found_in(self, report: Report) -> bool:
        return found(report, node(self.focus), self.path, self.check, self.message)


def found(report: Report, focus: URIRef, path: str, check: str, message: str = "") -> bool:
    """Whether the report has a result on ``focus`` with this path and check (and part of the message)."""
    return any(
        v.focus == str(focus) and v.path == path and v.check == check and message in v.message
        for v in report.violations
    )


def assert_only_case_nodes(report: Report, cases: Iterable[Case]) -> None:
    """The report names no node but the cases' focus nodes and their other nodes."""
    expected = {str(node(n)) for case in cases for n in (case.focus, *case.others)}
    unexpected = {v.focus for v in report.violations} - expected
    assert not unexpected, f"{sorted(unexpected)}\n{explain(report)}"


def explain(report: Report) -> str:
    return "\n".join(f"{v.focus} | {v.path} | {v.check} | {v.message}" for v in report.violations)
