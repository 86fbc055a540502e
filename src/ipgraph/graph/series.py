"""Series and editions: which documents are yearly editions of the same plan or list.

A document's period is the year, or the range of years (2021—2022), that opens its
title; its series is the rest of the title, without the period, a trailing remark in
brackets (（样例）, （试行）) and punctuation. When the title does not open with its
period, the period is the one the reader found elsewhere — in the title (年度 with the
year of its 文号, 十四五), else in the notice: the title it quotes as the one it issues
(关于印发《2034年…》的通知, 现将《…》印发给你们), else its date (``Notice.period``) —
which the graph holds as ``ipg:periodStart``/``ipg:periodEnd``; the series name is
then the title without any year in it. Documents whose titles give the same series
name are editions of one series, ordered by period.

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
ANY_PERIOD = re.compile(r"\d{4}\s*(?:年\s*)?(?:[—–\-－~～至到]+\s*\d{4}\s*)?年(?:度)?")
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


def series_name(title: str) -> str:
    """The series a title names: without any year in it, a trailing remark and punctuation."""
    return NOISE.sub("", REMARK.sub("", ANY_PERIOD.sub("", title)))


def stated_period(graph: Graph, doc: URIRef) -> tuple[int, int] | None:
    """The period the reader gave the document (from its title or its notice), if any."""
    start, end = graph.value(doc, IPG.periodStart), graph.value(doc, IPG.periodEnd)
    if start is None or end is None:
        return None
    return int(str(start)[:4]), int(str(end)[:4])


def editions(graph: Graph) -> dict[str, list[Edition]]:
    """Series name → its editions in period order, for every document with a period (title, else notice)."""
    found: dict[str, list[Edition]] = defaultdict(list)
    for doc in graph.subjects(RDF.type, IPG.TaskList):
        title = graph.value(doc, DCTERMS.title)
        if title is None or not isinstance(doc, URIRef):
            continue
        if parsed := parse_title(str(title)):
            name, start, end = parsed
            found[name].append(Edition(doc, name, start, end))
        elif (period := stated_period(graph, doc)) and (name := series_name(str(title))):
            found[name].append(Edition(doc, name, *period))
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
