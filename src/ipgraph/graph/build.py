"""Stage 2 — records → RDF graph → deterministic Turtle."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, Node, URIRef

from ipgraph import paths
from ipgraph.errors import SourceError
from ipgraph.files import atomic_write
from ipgraph.graph import concepts, locators, reading
from ipgraph.graph.alignment import link_editions
from ipgraph.graph.instruments import tag_instruments
from ipgraph.graph.namespaces import DCTERMS, ID, IPG, ORG, PREFIXES, PROV, RDF, RDFS, SKOS, XSD
from ipgraph.graph.vocab import Vocabulary
from ipgraph.ingest.formats import SUFFIXES
from ipgraph.ingest.parse import Parsed, read_and_parse
from ipgraph.ingest.records import Document, Measure, Section, Task

ADDRESSEES = {
    "cnipa": ID["org/cnipa"],
    "all-regions": ID["scope/all-regions"],
    "qualified-regions": ID["scope/qualified-regions"],
    "relevant-regions": ID["scope/relevant-regions"],
}
RESPONSIBLE_BODIES = "responsible-bodies"  # actor of a measure addressed to its task's responsible bodies
PLAN_YEAR = "计划年度内（未单列完成时间）"  # the completion time of an annual plan's items


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def document_iri(doc: Document) -> URIRef:
    return ID[doc.key]


def section_iri(doc: Document, number: int) -> URIRef:
    return ID[f"{doc.key}/section/{number}"]


def task_iri(doc: Document, number: int) -> URIRef:
    return ID[f"{doc.key}/task/{number}"]


def measure_iri(doc: Document, task: int, number: int) -> URIRef:
    return ID[f"{doc.key}/task/{task}/measure/{number}"]


def translations(doc: Document) -> dict:
    """English titles for a document: ``data/translations/<key>.toml``, else a ``.toml`` beside the source."""
    path = paths.TRANSLATIONS_DIR / f"{doc.key}.toml"
    if not path.exists():
        path = Path(doc.source_path).with_suffix(".toml")
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(str(path), f"invalid TOML: {exc}") from None


class GraphBuilder:
    """Adds documents to one graph, sharing the curated vocabularies."""

    def __init__(self, vocabulary: Vocabulary | None = None):
        self.vocab = vocabulary or Vocabulary()
        self.graph = Graph()
        for prefix, ns in PREFIXES.items():
            self.graph.bind(prefix, ns)
        self.graph += self.vocab.graph
        self.rules = concepts.rules(self.vocab.graph)
        self.keys: dict[str, str] = {}

    def claim(self, key: str, source_path: str) -> None:
        """Take a document key for a source, refusing one another source already took."""
        if key in self.keys:
            raise SourceError(
                source_path,
                f"document key {key!r} is already used by {self.keys[key]}; "
                "each document needs its own key (layout and year): build them into separate graphs",
            )
        self.keys[key] = source_path

    def add(self, doc: Document) -> None:
        self.claim(doc.key, doc.source_path)
        self._map(doc)

    def _map(self, doc: Document) -> None:
        english = translations(doc)
        self._document(doc, english)
        for section in doc.sections:
            self._section(doc, section, english)
        for task in doc.tasks:
            self._task(doc, task, english)

    def _add(self, subject: URIRef, *pairs: tuple[URIRef, Node | None]) -> None:
        for predicate, value in pairs:
            if value is not None:
                self.graph.add((subject, predicate, value))

    def _provenance(self, doc: Document, subject: URIRef, line: int) -> None:
        self._add(
            subject,
            (PROV.wasDerivedFrom, ID[f"{doc.key}/source"]),
            (IPG.sourceLine, Literal(line, datatype=XSD.positiveInteger)),
        )

    def _document(self, doc: Document, english: dict) -> None:
        iri, source = document_iri(doc), ID[f"{doc.key}/source"]
        self._add(
            source,
            (RDF.type, IPG.SourceText),
            (RDF.type, PROV.Entity),
            (DCTERMS.identifier, Literal(paths.display_path(doc.source_path))),
            (DCTERMS["format"], Literal("text/plain")),
            (IPG.sha256, Literal(doc.sha256)),
            (RDFS.label, en(f"Source text of {doc.key}")),
        )
        title_en = english.get("title")
        self._add(
            iri,
            (RDF.type, IPG.TaskList),
            (RDF.type, IPG[doc.kind]),
            (DCTERMS.title, zh(doc.title)),
            (RDFS.label, zh(doc.title)),
            (RDFS.label, en(title_en) if title_en else None),
            (IPG.year, Literal(str(doc.year), datatype=XSD.gYear) if doc.year else None),
            (DCTERMS.publisher, reading.named_body(self, doc.publisher) if doc.publisher else None),
            (DCTERMS.language, Literal("zh")),
            (IPG.layout, Literal(doc.layout)),
            (PROV.wasDerivedFrom, source),
        )
        reading.notice(self, doc, iri)

    def _section(self, doc: Document, section: Section, english: dict) -> None:
        iri = section_iri(doc, section.number)
        title_en = english.get("sections", {}).get(str(section.number))
        self._add(
            iri,
            (RDF.type, IPG.Section),
            (IPG.taskList, document_iri(doc)),
            (IPG.number, Literal(section.number)),
            (SKOS.notation, Literal(section.numeral)),
            (DCTERMS.title, zh(section.title)),
            (RDFS.label, zh(section.title)),
            (RDFS.label, en(title_en) if title_en else None),
            (DCTERMS.isPartOf, section_iri(doc, section.parent) if section.parent else document_iri(doc)),
            (IPG.headingLevel, Literal(section.level)),
        )
        self._provenance(doc, iri, section.line)
        reading.text_span(self, doc, iri, section.where)

    def _task(self, doc: Document, task: Task, english: dict) -> None:
        iri = task_iri(doc, task.number)
        title_en = english.get("tasks", {}).get(str(task.number))
        self._add(
            iri,
            (RDF.type, IPG.Task),
            (IPG.taskList, document_iri(doc)),
            (IPG.section, section_iri(doc, task.section) if task.section else None),
            (IPG.number, Literal(task.number)),
            (SKOS.notation, Literal(task.label) if task.label else None),
            (DCTERMS.title, zh(task.title)),
            (RDFS.label, zh(task.title)),
            (RDFS.label, en(title_en) if title_en else None),
            (IPG.responsibilityStatement, zh(task.responsibility) if task.responsibility else None),
        )
        self._provenance(doc, iri, task.line)
        reading.text_span(self, doc, iri, task.where)
        if task.assignments:
            reading.assignments(self, doc, task, iri)
        else:
            for name in task.bodies:
                self._add(iri, (IPG.responsibleBody, self.vocab.body(name)))
                self._unlisted_body(name)
        self._completion(doc, iri, task)
        reading.deadline(self, doc, iri, task.deadline)
        self._references(iri, task.title)
        topics = set(concepts.tags(task.title, self.rules))
        for measure in task.measures:
            topics.update(self._measure(doc, task, measure))
        for topic in sorted(topics):
            self._add(iri, (DCTERMS.subject, topic))

    def _unlisted_body(self, name: str) -> None:
        iri = self.vocab.body(name)
        if name not in self.vocab.bodies:
            self._add(iri, (RDF.type, ORG.OrganizationalUnit), (RDFS.label, zh(name)), (ORG.unitOf, ID["org/cnipa"]))

    def _completion(self, doc: Document, iri: URIRef, task: Task) -> None:
        """The completion-time concept of a task list's cell; an annual plan's items share the plan's year."""
        completion = task.completion or (PLAN_YEAR if doc.kind == "AnnualPlan" else "")
        if not completion:
            return
        concept = self.vocab.completion_times.get(completion)
        if concept is None:
            known = ", ".join(sorted(self.vocab.completion_times))
            raise SourceError(
                doc.source_path,
                f"task {task.number}: unknown completion time {completion!r}; expected one of: {known}",
                task.line,
                "完成时间",
            )
        self._add(iri, (IPG.completionTime, concept))

    def _references(self, subject: URIRef, text: str) -> None:
        for mention in self.vocab.mentions(text):
            self._add(subject, (DCTERMS.references, mention.iri))
            if not mention.curated:
                self._add(mention.iri, (RDF.type, IPG.PolicyDocument), (RDFS.label, zh(mention.name)))

    def _addressees(self, task: Task, measure: Measure) -> list[URIRef]:
        if measure.actor == RESPONSIBLE_BODIES:
            return [self.vocab.body(name) for name in task.bodies]
        return [ADDRESSEES[measure.actor]]

    def _measure(self, doc: Document, task: Task, measure: Measure) -> list[URIRef]:
        """Add a measure; returns its topics."""
        iri = measure_iri(doc, task.number, measure.number)
        self._add(
            iri,
            (RDF.type, IPG.Measure),
            (IPG.task, task_iri(doc, task.number)),
            (IPG.number, Literal(measure.number)),
            (IPG.text, zh(measure.text)),
            (RDFS.label, zh(f"任务{task.number} 举措{measure.number}")),
            (RDFS.label, en(f"Task {task.number}, measure {measure.number}")),
        )
        for addressee in self._addressees(task, measure):
            self._add(iri, (IPG.addressedTo, addressee))
            if measure.actor == RESPONSIBLE_BODIES:
                self._add(addressee, (RDF.type, IPG.Addressee))
        self._provenance(doc, iri, measure.line)
        reading.text_span(self, doc, iri, measure.where)
        self._references(iri, measure.text)
        topics = concepts.tags(measure.text, self.rules)
        for topic in topics:
            self._add(iri, (DCTERMS.subject, topic))
        return topics


def build_graph(documents: Iterable[Document | Parsed], vocabulary: Vocabulary | None = None) -> Graph:
    """Build one graph from parsed documents and the curated vocabularies.

    A document given with the text it was read from (``Parsed``) also gets its file
    locations and metadata (``graph.locators``).
    """
    builder = GraphBuilder(vocabulary)
    for item in documents:
        doc = item.document if isinstance(item, Parsed) else item
        builder.add(doc)
        if isinstance(item, Parsed):
            locators.add(builder.graph, doc, item.source)
    link_documents(builder.graph)
    return builder.graph


def link_documents(graph: Graph) -> None:
    """The cross-document steps, in order: similar titles, instrument tags, series and task alignment."""
    concepts.link_similar_titles(graph)
    tag_instruments(graph)
    link_editions(graph)


FOLDER_SUFFIXES = frozenset(SUFFIXES)


def source_files(sources: Iterable[str | Path]) -> list[Path]:
    """The files to build: each file as given, each folder's source documents in name order.

    In a folder, the documents are the files with a suffix ``read_source`` knows
    (``FOLDER_SUFFIXES``).
    """
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in FOLDER_SUFFIXES and p.is_file())
            if not found:
                known = ", ".join(sorted(FOLDER_SUFFIXES))
                raise SourceError(str(path), f"the folder holds no source documents ({known})")
            files.extend(found)
        else:
            files.append(path)
    return files


def build_sources(
    sources: Iterable[str | Path] | None = None, layout: str | None = None, encoding: str | None = None
) -> Graph:
    """Parse and build source files or folders (default: the bundled sources) into one graph."""
    given = list(sources) if sources else []
    files = source_files(given) if given else paths.bundled_sources()
    return build_graph(read_and_parse(path, layout, encoding) for path in files)


HEADER = "# Built by `ipgraph build` from the source texts it names (ipg:SourceText). Do not edit by hand.\n"


def to_turtle(graph: Graph) -> str:
    """Serialise as deterministic Turtle: sorted subjects and predicates (:mod:`ipgraph.graph.writer`)."""
    from ipgraph.graph.writer import turtle

    return turtle(graph, HEADER)


def write_turtle(graph: Graph, path: str | Path) -> Path:
    return atomic_write(path, to_turtle(graph))
