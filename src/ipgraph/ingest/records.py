"""Plain records that every document layout produces and the graph builder consumes.

A layout's job ends here: these records carry no RDF, so that a new layout only has
to fill them in, and the builder never needs to know which layout a document used.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Selector:
    """Where a record's characters are in the original text (W3C Web Annotation position + quote)."""

    line: int  # 1-based line of the first character
    start: int  # offset of the first character in the original text (code points, 0-based)
    end: int  # offset after the last character
    exact: str  # the original characters
    end_line: int  # line of the last character


@dataclass(frozen=True)
class Assignment:
    """A body named as responsible for a task, in one role."""

    name: str  # the body's name after normalising (era, prefix carried over, relative to the issuer)
    written: str  # as the text writes it
    role: str  # "responsible" | "lead" | "participant"
    generic: bool = False  # a class of bodies (各地区, 有关成员单位, 知识产权部门), not one body
    known: bool = True  # the registry knows it (or it has the form of a local body)
    also: str | None = None  # its second name (市科技局（知识产权局）)
    where: Selector | None = None


@dataclass(frozen=True)
class Deadline:
    text: str  # as written
    due: str | None  # "2024-06-30" (xsd:date), "2024-10" (xsd:gYearMonth), "2025" (xsd:gYear), or None
    ongoing: bool = False
    schedule: tuple[str, ...] = ()  # the dates of a schedule in one cell (3月上旬，…；4月，…)
    where: Selector | None = None


@dataclass(frozen=True)
class Warning:
    kind: str  # "unknown-body" | "truncated" | "no-tasks"
    line: int
    text: str


@dataclass(frozen=True)
class Notice:
    """The notice that issues a document, and the page metadata around it."""

    doc_number: str | None = None
    doc_number_line: int | None = None
    title: str | None = None
    title_line: int | None = None
    addressees: tuple[str, ...] = ()
    addressees_line: int | None = None
    issuers: tuple[str, ...] = ()
    issuers_line: int | None = None
    sealed_by: str | None = None
    issued: str | None = None  # ISO date
    issued_line: int | None = None
    published: str | None = None
    published_line: int | None = None
    reply_by: Deadline | None = None
    attachments: tuple[tuple[str, int], ...] = ()  # (title, line)
    markers: tuple[tuple[str, int], ...] = ()  # (此件公开发布, line)
    metadata: tuple[tuple[str, str], ...] = ()  # gov.cn block, canonical keys
    # the years the notice gives the document it issues: those opening the title it quotes
    # (关于印发《2034年…》的通知, 现将《…》印发给你们), else the year of its date (or 成文日期)
    period: tuple[int, int] | None = None
    metadata_lines: tuple[int, ...] = ()  # the lines of the gov.cn block in the text


@dataclass(frozen=True)
class Measure:
    number: int  # order within its task, 1-based
    # key of the addressee: "cnipa", "all-regions", "qualified-regions", "relevant-regions",
    # or "responsible-bodies": addressed to each of its task's responsible bodies (annual plans)
    actor: str
    text: str  # the paragraph exactly as in the source
    line: int
    where: Selector | None = None


@dataclass(frozen=True)
class Task:
    number: int
    title: str
    section: int  # 0: directly under the document
    line: int
    measures: tuple[Measure, ...]
    bodies: tuple[str, ...]  # responsible bodies, normalised zh names, in source order
    responsibility: str  # the raw responsible-bodies cell
    completion: str  # the raw completion-time cell
    label: str | None = None  # the item's number as written ("3", "（2）"), None when unnumbered
    assignments: tuple[Assignment, ...] = ()
    open_list: bool = False  # 等部门, 有关成员单位: more bodies than are named
    split_duty: bool = False  # 按职责分工（分别）负责
    deadline: Deadline | None = None
    where: Selector | None = None
    people: tuple[str, ...] = ()  # 责任人 (people, never bodies)
    output: str | None = None  # 成果形式


@dataclass(frozen=True)
class Section:
    number: int
    numeral: str
    title: str
    line: int
    level: str = "l1"  # "chapter" | "section" | "l1" (一、) | "l2" (（一）) | "l3" (1.) | "l4" (（1）)
    parent: int | None = None  # number of the enclosing section, None under the document
    run_in: bool = False  # the body follows the title on the same line
    where: Selector | None = None


@dataclass(frozen=True)
class TableShape:
    """How a document's task table was written: what separates its cells, and its header rows."""

    layout: str  # "tab" | "pipe" | "spaces" | "cell-per-line"
    headers: tuple[tuple[int, tuple[str, ...]], ...]  # (line, labels): the header row and each repeat of it


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
    notice: Notice | None = None
    period: tuple[int, int] | None = None  # the years the document covers, when it says
    warnings: tuple[Warning, ...] = ()
    excerpt: bool = False
    ignored: tuple[tuple[int, str], ...] = ()  # (line, why): lines that yield nothing (noise, text before the title)
    title_line: int = 1
    title_end_line: int = 1
    table: TableShape | None = None  # a document whose tasks are the rows of a table
