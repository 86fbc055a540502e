"""Series and editions: which documents are yearly editions of the same plan or list.

A document's period is the year, or the range of years (2021—2022), that opens its
title; its series is the rest of the title, without the period, a trailing remark in
brackets (（样例）, （试行）) and punctuation. Documents whose titles give the same
series name are editions of one series, ordered by period.

In the graph (vocabulary choices in docs/series-and-alignment.md):

- the series is an ``ipg:Series`` (``id:series/<name>``) with its name as label;
- each edition is ``eli:is_member_of`` its series, with ``ipg:periodStart`` and
  ``ipg:periodEnd`` (``xsd:gYear``) and ``ipg:edition`` (1, 2, … in period order);
- each edition after the first ``prov:wasRevisionOf`` the one before it.

Grouping is by a dictionary keyed on the series name, so linking is linear in the
documents; the alignment of tasks between consecutive editions is in
``graph.alignment``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from ipgraph.graph.namespaces import DCTERMS, ELI, ID, IPG, PROV, RDF, RDFS, XSD
from ipgraph.graph.vocab import iri_segment

PERIOD = re.compile(r"^\s*(?P<start>\d{4})\s*(?:年\s*)?(?:[—–\-－~～至到]+\s*(?P<end>\d{4})\s*)?年(?:度)?\s*")
REMARK = re.compile(r"[（(][^（）()]*[）)]\s*$")
NOISE = re.compile(r"[\s，。、；：:,.;“”\"《》·]+")


@dataclass(frozen=True)
class Edition:
    """A document as an edition: its series name and period."""

    document: URIRef
    series: str
    start: int
    end: int

    @property
    def period(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}—{self.end}"


def parse_title(title: str) -> tuple[str, int, int] | None:
    """(series name, first year, last year) from a title opening with its period; None without one."""
    m = PERIOD.match(title)
    if not m:
        return None
    start = int(m["start"])
    end = int(m["end"] or start)
    rest = REMARK.sub("", title[m.end() :])
    name = NOISE.sub("", rest)
    if not name or end < start:
        return None
    return name, start, end


def editions(graph: Graph) -> dict[str, list[Edition]]:
    """Series name → its editions in period order, for every document whose title gives a period."""
    found: dict[str, list[Edition]] = defaultdict(list)
    for doc in graph.subjects(RDF.type, IPG.TaskList):
        title = graph.value(doc, DCTERMS.title)
        if title is None or not isinstance(doc, URIRef):
            continue
        if parsed := parse_title(str(title)):
            name, start, end = parsed
            found[name].append(Edition(doc, name, start, end))
    return {name: sorted(eds, key=lambda e: (e.start, e.end, str(e.document))) for name, eds in found.items()}


def series_iri(name: str) -> URIRef:
    return ID[f"series/{iri_segment(name)}"]


def link_series(graph: Graph) -> dict[str, list[Edition]]:
    """Add the series, periods, edition numbers and revision links; returns the series found."""
    found = editions(graph)
    triples = []
    for name, eds in sorted(found.items()):
        series = series_iri(name)
        triples += [(series, RDF.type, IPG.Series), (series, RDFS.label, Literal(name, lang="zh"))]
        for number, edition in enumerate(eds, 1):
            doc = edition.document
            triples += [
                (doc, ELI.is_member_of, series),
                (doc, IPG.periodStart, Literal(str(edition.start), datatype=XSD.gYear)),
                (doc, IPG.periodEnd, Literal(str(edition.end), datatype=XSD.gYear)),
                (doc, IPG.edition, Literal(number)),
            ]
            if number > 1:
                triples.append((doc, PROV.wasRevisionOf, eds[number - 2].document))
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return found
