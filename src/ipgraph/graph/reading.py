"""What the reader adds to a document's triples: roles, open lists, deadlines, the notice and selectors.

Kept apart from ``build`` so that the builder's core (documents, sections, tasks,
measures) stays one screen; each function here adds one aspect of a record.

Provenance: a task, measure, body assignment or deadline points at the characters it
came from with ``ipg:textSpan`` → an ``oa:SpecificResource`` of the source text whose
selector is both an ``oa:TextPositionSelector`` (start/end offsets in the original text,
in code points) and an ``oa:TextQuoteSelector`` (the exact characters).
"""

from __future__ import annotations

import calendar
from typing import Protocol

from rdflib import Literal, Node, URIRef

from ipgraph.graph.namespaces import DCTERMS, ID, IPG, OA, ORG, RDF, RDFS, TIME, XSD
from ipgraph.graph.vocab import Vocabulary
from ipgraph.ingest.records import Deadline, Document, Selector, Task


class GraphBuilder(Protocol):
    """What these functions need of ``build.GraphBuilder`` (named here so that neither imports the other)."""

    vocab: Vocabulary

    def _add(self, subject: URIRef, *pairs: tuple[URIRef, Node | None]) -> None: ...

    def _unlisted_body(self, name: str) -> None: ...


ROLES = {"lead": IPG.Lead, "participant": IPG.Participant, "responsible": IPG.Responsible}
ROLE_PROPERTIES = {"lead": IPG.leadBody, "participant": IPG.participantBody}


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def due_literal(due: str) -> Literal:
    """2024-06-30 → xsd:date, 2024-10 → xsd:gYearMonth, 2025 → xsd:gYear."""
    kind = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(due)]
    return Literal(due, datatype=kind)


def last_day(due: str) -> str:
    """The last day of the period a due date names (2024-10 → 2024-10-31)."""
    if len(due) == 10:
        return due
    year = int(due[:4])
    month = int(due[5:7]) if len(due) == 7 else 12
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def text_span(builder: GraphBuilder, doc: Document, subject: URIRef, where: Selector | None) -> None:
    if where is None:
        return
    span, selector = URIRef(f"{subject}/text"), URIRef(f"{subject}/text/selector")
    builder._add(subject, (IPG.textSpan, span))
    builder._add(
        span,
        (RDF.type, OA.SpecificResource),
        (OA.hasSource, ID[f"{doc.key}/source"]),
        (OA.hasSelector, selector),
    )
    builder._add(
        selector,
        (RDF.type, OA.TextPositionSelector),
        (RDF.type, OA.TextQuoteSelector),
        (OA.start, Literal(where.start, datatype=XSD.nonNegativeInteger)),
        (OA.end, Literal(where.end, datatype=XSD.nonNegativeInteger)),
        (OA.exact, Literal(where.exact)),
        (IPG.sourceLine, Literal(where.line, datatype=XSD.positiveInteger)),
        (IPG.sourceEndLine, Literal(where.end_line, datatype=XSD.positiveInteger)),
    )


def assignments(builder: GraphBuilder, doc: Document, task: Task, iri: URIRef) -> None:
    """Each body assignment: the role property on the task and a node that keeps the words as written."""
    for index, assignment in enumerate(task.assignments, start=1):
        body = builder.vocab.body(assignment.name)
        if doc.layout == "cnipa-tasklist":
            builder._unlisted_body(assignment.name)  # a department of CNIPA the vocabulary lacks
        elif assignment.name not in builder.vocab.bodies:
            _new_body(builder, body, assignment.name, generic=assignment.generic)
        builder._add(iri, (IPG.responsibleBody, body))
        if assignment.role in ROLE_PROPERTIES:
            builder._add(iri, (ROLE_PROPERTIES[assignment.role], body))
        node = URIRef(f"{iri}/assignment/{index}")
        builder._add(
            node,
            (RDF.type, IPG.Assignment),
            (IPG.assignedTask, iri),
            (IPG.assignedBody, body),
            (IPG.role, ROLES[assignment.role]),
            (IPG.writtenAs, zh(assignment.written)),
            (IPG.alsoNamed, zh(assignment.also) if assignment.also else None),
            (RDFS.label, zh(f"任务{task.number} {assignment.written}")),
        )
        text_span(builder, doc, node, assignment.where)
    if task.open_list:
        builder._add(iri, (IPG.openList, Literal(True)))
    if task.split_duty:
        builder._add(iri, (IPG.splitDuty, Literal(True)))
    for person in task.people:
        builder._add(iri, (IPG.responsiblePerson, zh(person)))
    if task.output:
        builder._add(iri, (IPG.outputForm, zh(task.output)))


def deadline(builder: GraphBuilder, doc: Document, iri: URIRef, stated: Deadline | None) -> None:
    """A task's deadline as written, the date it states (if any), and the instant that date ends on."""
    if stated is None:
        return
    builder._add(iri, (IPG.deadlineStatement, _statement(builder, doc, URIRef(f"{iri}/deadline"), stated)))
    if stated.due:
        end = last_day(stated.due)
        instant = ID[f"date/{end}"]
        builder._add(iri, (IPG.deadline, instant))
        builder._add(
            instant,
            (RDF.type, TIME.Instant),
            (TIME.inXSDDate, Literal(end, datatype=XSD.date)),
            (RDFS.label, Literal(end)),
        )


def _statement(builder: GraphBuilder, doc: Document, node: URIRef, stated: Deadline) -> URIRef:
    builder._add(
        node,
        (RDF.type, IPG.DeadlineStatement),
        (RDFS.label, zh(stated.text)),
        (IPG.due, due_literal(stated.due) if stated.due else None),
        (IPG.ongoing, Literal(True) if stated.ongoing else None),
    )
    for date in stated.schedule:
        builder._add(node, (IPG.scheduleDate, zh(date)))
    text_span(builder, doc, node, stated.where)
    return node


def notice(builder: GraphBuilder, doc: Document, iri: URIRef) -> None:
    """The notice that issues the document, and the document's period (from its title, else from the notice)."""
    period = doc.period or (doc.notice.period if doc.notice else None)
    if period:
        builder._add(
            iri,
            (IPG.periodStart, Literal(str(period[0]), datatype=XSD.gYear)),
            (IPG.periodEnd, Literal(str(period[1]), datatype=XSD.gYear)),
        )
    if doc.excerpt:
        builder._add(iri, (IPG.excerpt, Literal(True)))
    n = doc.notice
    if n is None:
        return
    builder._add(
        iri,
        (IPG.documentNumber, Literal(n.doc_number) if n.doc_number else None),
        (IPG.noticeTitle, zh(n.title) if n.title and n.title != doc.title else None),
        (DCTERMS.issued, Literal(n.issued, datatype=XSD.date) if n.issued else None),
        (IPG.published, Literal(n.published, datatype=XSD.date) if n.published else None),
    )
    for name in n.issuers:
        builder._add(iri, (IPG.issuer, named_body(builder, name)))
    if n.sealed_by:
        builder._add(iri, (IPG.sealedBy, named_body(builder, n.sealed_by)))
    for name in n.addressees:
        builder._add(iri, (IPG.addressee, named_body(builder, name)))
    for title, _line in n.attachments:
        builder._add(iri, (IPG.attachmentTitle, zh(title)))
    if n.reply_by is not None:
        builder._add(iri, (IPG.replyBy, _statement(builder, doc, URIRef(f"{iri}/reply-by"), n.reply_by)))


def named_body(builder: GraphBuilder, name: str) -> URIRef:
    body = builder.vocab.body(name)
    if name not in builder.vocab.bodies:
        _new_body(builder, body, name, generic=name.startswith("各") or "有关" in name)
    return body


def _new_body(builder: GraphBuilder, body: URIRef, name: str, *, generic: bool) -> None:
    """A body the vocabulary does not know: a node all the same, named as the text names it."""
    kind = IPG.BodyClass if generic else ORG.FormalOrganization
    builder._add(
        body, (RDF.type, ORG.Organization), (RDF.type, kind), (RDF.type, IPG.Addressee), (RDFS.label, zh(name))
    )
