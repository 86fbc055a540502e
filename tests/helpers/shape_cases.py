"""Broken graphs for the SHACL tests of both engines: one defect per node, and what the report must name.

A mutation changes one node of a copy of a built graph (removes, adds or replaces a
value); a ``Case`` pairs it with the node, path and check (constraint component, or the
name of a SPARQL constraint) that the validation report must give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rns

from ipgraph.shacl import Report

ID = "https://w3id.org/ipgraph/id/"
# First segments of instance IRIs that are not under the 2021 task list (docs/vocabulary-contract.md).
SHARED = {"org", "scope", "ref", "date", "completion-time", "concept", "instrument", "province", "annual-plan-2022"}

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


# --- the cases: one defect each, shared by the tests of both validation engines ---------

FIXTURES = Path(__file__).parents[1] / "fixtures" / "shapes"
IPG = "https://w3id.org/ipgraph/ontology#"
ORG = "http://www.w3.org/ns/org#"
SHAPES = "https://w3id.org/ipgraph/shapes#"


def ipg(name: str) -> URIRef:
    return URIRef(IPG + name)


# --- mutations -----------------------------------------------------------------


def drop_type(subject: str, cls: URIRef) -> Mutation:
    return lambda g: g.remove((node(subject), rns.RDF.type, cls))


def both_completion_times(task: str) -> Mutation:
    def mutate(g: Graph) -> None:
        for concept in ("completion-time/by-year-end", "completion-time/progress-within-year"):
            g.add((node(task), ipg("completionTime"), node(concept)))

    return mutate


def add_department(subject: str) -> Mutation:
    """A new department typed ipg:Department only (not org:OrganizationalUnit)."""

    def mutate(g: Graph) -> None:
        g.add((node(subject), rns.RDF.type, ipg("Department")))
        g.add((node(subject), rns.RDFS.label, Literal("新办公室", lang="zh")))
        g.add((node(subject), rns.RDFS.label, Literal("New Office", lang="en")))
        g.add((node(subject), URIRef(ORG + "unitOf"), node("org/cnipa")))

    return mutate


def drop_measures(task: str) -> Mutation:
    def mutate(g: Graph) -> None:
        for measure in list(g.subjects(ipg("task"), node(task))):
            g.remove((measure, None, None))

    return mutate


CASES = [
    # task list
    Case("tasklist-no-year", drop("", ipg("year")), "", "ipg:year", "MinCount"),
    Case("tasklist-no-layout", drop("", ipg("layout")), "", "ipg:layout", "MinCount"),
    Case(
        "tasklist-publisher-not-org",
        replace("", rns.DCTERMS.publisher, node("section/1")),
        "",
        "dcterms:publisher",
        "Or",
    ),
    # sections
    Case(
        "section-numeral-pattern",
        replace("section/1", rns.SKOS.notation, Literal("A")),
        "section/1",
        "skos:notation",
        "Pattern",
    ),
    Case("section-no-title", drop("section/2", rns.DCTERMS.title), "section/2", "dcterms:title", "MinCount"),
    Case(
        "section-no-en-label",
        drop("section/3", rns.RDFS.label, lang="en"),
        "section/3",
        "rdfs:label",
        "QualifiedMinCount",
    ),
    # tasks
    Case("task-two-sections", add("task/2", ipg("section"), node("section/8")), "task/2", "ipg:section", "MaxCount"),
    Case("task-no-tasklist", drop("task/3", ipg("taskList")), "task/3", "ipg:taskList", "MinCount", others=("task/4",)),
    Case("task-no-title", drop("task/5", rns.DCTERMS.title), "task/5", "dcterms:title", "MinCount"),
    Case(
        "task-two-completion-times",
        both_completion_times("task/6"),
        "task/6",
        "ipg:completionTime",
        "MaxCount",
    ),
    Case("task-no-en-label", drop("task/7", rns.RDFS.label, lang="en"), "task/7", "rdfs:label", "QualifiedMinCount"),
    Case(
        "task-label-language",
        add("task/8", rns.RDFS.label, Literal("tâche", lang="fr")),
        "task/8",
        "rdfs:label",
        "LanguageIn",
    ),
    Case(
        "task-two-zh-labels",
        add("task/9", rns.RDFS.label, Literal("另一个标题", lang="zh")),
        "task/9",
        "rdfs:label",
        "UniqueLang",
    ),
    Case(
        "task-body-not-org",
        add("task/11", ipg("responsibleBody"), node("section/1")),
        "task/11",
        "ipg:responsibleBody",
        "Or",
    ),
    Case(
        "task-deadline-literal",
        replace("task/13", ipg("deadline"), Literal("2021-12-31", datatype=rns.XSD.date)),
        "task/13",
        "ipg:deadline",
        "Class",
    ),
    Case("task-no-measures", drop_measures("task/15"), "task/15", "^ipg:task", "MinCount"),
    Case(
        "task-line-datatype",
        replace("task/16", ipg("sourceLine"), Literal(39)),
        "task/16",
        "ipg:sourceLine",
        "Datatype",
    ),
    Case(
        "task-no-source",
        drop("task/17", rns.PROV.wasDerivedFrom),
        "task/17",
        "prov:wasDerivedFrom",
        "MinCount",
        others=("task/17/measure/1", "task/17/measure/2"),  # their source is no longer their task's
    ),
    Case(
        "task-reference-untyped",
        add("task/19", rns.DCTERMS.references, node("section/1")),
        "task/19",
        "dcterms:references",
        "Node",
    ),
    Case(
        "task-title-language",
        replace("task/20", rns.DCTERMS.title, Literal("A title", lang="en")),
        "task/20",
        "dcterms:title",
        "LanguageIn",
    ),
    # measures (tasks 1, 2, 4 and 6-14 have two or more measures, so no task loses its last one)
    Case("measure-no-text", drop("task/1/measure/1", ipg("text")), "task/1/measure/1", "ipg:text", "MinCount"),
    Case(
        "measure-two-texts",
        add("task/1/measure/2", ipg("text"), Literal("又一段", lang="zh")),
        "task/1/measure/2",
        "ipg:text",
        "MaxCount",
    ),
    Case(
        "measure-second-addressee",
        add("task/2/measure/2", ipg("addressedTo"), node("org/cnipa")),
        "task/2/measure/2",
        "",
        "one addressee",
    ),
    Case(
        "measure-addressee-not-in-text",
        replace("task/4/measure/1", ipg("addressedTo"), node("scope/relevant-regions")),
        "task/4/measure/1",
        "",
        "addressee named in the text",
    ),
    Case(
        "measure-addressee-class",
        replace("task/6/measure/1", ipg("addressedTo"), node("section/1")),
        "task/6/measure/1",
        "ipg:addressedTo",
        "Class",
    ),
    Case(
        "measure-no-task",
        drop("task/7/measure/1", ipg("task")),
        "task/7/measure/1",
        "ipg:task",
        "MinCount",
        others=("task/7/measure/2",),  # now the first measure of task 7 is numbered 2
    ),
    Case(
        "measure-no-en-label",
        drop("task/8/measure/1", rns.RDFS.label, lang="en"),
        "task/8/measure/1",
        "rdfs:label",
        "QualifiedMinCount",
    ),
    Case(
        "measure-no-line", drop("task/9/measure/1", ipg("sourceLine")), "task/9/measure/1", "ipg:sourceLine", "MinCount"
    ),
    Case(
        "measure-number-datatype",
        replace("task/11/measure/2", ipg("number"), Literal("2")),
        "task/11/measure/2",
        "ipg:number",
        "Datatype",
    ),
    Case(
        "measure-text-language",
        replace("task/12/measure/2", ipg("text"), Literal("text")),
        "task/12/measure/2",
        "ipg:text",
        "Datatype",
    ),
    # departments and organisations
    Case(
        "department-no-en-label",
        drop("org/cnipa/application-promotion", rns.RDFS.label, lang="en"),
        "org/cnipa/application-promotion",
        "rdfs:label",
        "QualifiedMinCount",
    ),
    Case(
        "department-no-parent",
        drop("org/cnipa/protection", URIRef(ORG + "unitOf")),
        "org/cnipa/protection",
        "org:unitOf",
        "MinCount",
    ),
    Case("department-not-unit", add_department("org/cnipa/new-office"), "org/cnipa/new-office", "rdf:type", "HasValue"),
    Case(
        "organisation-no-en-label",
        drop("org/cnipa", rns.RDFS.label, lang="en"),
        "org/cnipa",
        "rdfs:label",
        "QualifiedMinCount",
    ),
    # region scopes, referenced entities, completion times, deadlines, source text
    Case(
        "scope-no-definition",
        drop("scope/relevant-regions", rns.SKOS.definition),
        "scope/relevant-regions",
        "skos:definition",
        "MinCount",
    ),
    Case(
        "reference-no-en-label",
        drop("ref/rcep", rns.RDFS.label, lang="en"),
        "ref/rcep",
        "rdfs:label",
        "QualifiedMinCount",
    ),
    Case(
        "completion-not-concept",
        drop_type("completion-time/by-year-end", rns.SKOS.Concept),
        "completion-time/by-year-end",
        "rdf:type",
        "HasValue",
    ),
    Case(
        "completion-no-scheme",
        drop("completion-time/progress-within-year", rns.SKOS.inScheme),
        "completion-time/progress-within-year",
        "skos:inScheme",
        "MinCount",
    ),
    Case(
        "instant-date-datatype",
        replace("date/2021-12-31", rns.TIME.inXSDDate, Literal("2021-12-31")),
        "date/2021-12-31",
        "time:inXSDDate",
        "Datatype",
    ),
    Case(
        "source-sha256-pattern", replace("source", ipg("sha256"), Literal("01C8D2")), "source", "ipg:sha256", "Pattern"
    ),
    Case("source-not-entity", drop_type("source", rns.PROV.Entity), "source", "rdf:type", "HasValue"),
    Case("source-no-identifier", drop("source", rns.DCTERMS.identifier), "source", "dcterms:identifier", "MinCount"),
]

# the Turtle files of tests/fixtures/shapes/, each a defect added to the graph
ADDITIONS = sorted(p.name for p in FIXTURES.glob("*.ttl") if p.name != "not-turtle.ttl")
