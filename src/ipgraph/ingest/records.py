"""Plain records that every document layout produces and the graph builder consumes.

A layout's job ends here: these records carry no RDF, so that a new layout only has
to fill them in, and the builder never needs to know which layout a document used.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Measure:
    number: int  # order within its task, 1-based
    # key of the addressee: "cnipa", "all-regions", "qualified-regions", "relevant-regions",
    # or "responsible-bodies": addressed to each of its task's responsible bodies (annual plans)
    actor: str
    text: str  # the paragraph exactly as in the source
    line: int


@dataclass(frozen=True)
class Task:
    number: int
    title: str
    section: int
    line: int
    measures: tuple[Measure, ...]
    bodies: tuple[str, ...]  # responsible bodies, normalised zh names, in source order
    responsibility: str  # the raw responsible-bodies cell
    completion: str  # the raw completion-time cell


@dataclass(frozen=True)
class Section:
    number: int
    numeral: str
    title: str
    line: int


@dataclass(frozen=True)
class Document:
    key: str  # IRI-safe identifier, e.g. "cnipa-tasklist-2021"
    layout: str
    title: str
    year: int
    source_path: str  # as given to the parser; the builder records it relative to the project
    sha256: str
    sections: tuple[Section, ...]
    tasks: tuple[Task, ...] = field(default=())
    kind: str = "TaskList"  # local name of its ipg: class (ipg:TaskList, ipg:AnnualPlan)
    publisher: str | None = "国家知识产权局"  # zh name of the issuing body, None when the text does not say
