"""Where each line came from in its file, and the file's own metadata, added to a built graph.

A separate step after the records are mapped: every section, task and measure keeps
its ``ipg:sourceLine`` (the line of the text the layout read); this step adds, for
a web page, a Word file or a PDF, the place of that line in the file as an
``ipg:SourceLocation`` (an XPath and character offsets; a paragraph or a table row;
a page, a line and a box). Plain text needs none: its line is its place. The source
also gets its media type, and the document the gov.cn metadata block's fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import Graph, Literal, URIRef

from ipgraph.graph.namespaces import DCTERMS, ID, IPG, PROV, RDF, RDFS, XSD
from ipgraph.ingest.formats import Locator, SourceText
from ipgraph.ingest.records import Document

# The metadata block's fields → (property, datatype or language) on the document.
METADATA = {
    "索引号": (IPG.indexNumber, None),
    "文号": (IPG.documentNumber, None),
    "发布机构": (IPG.issuingBodyName, "zh"),
    "成文日期": (DCTERMS.created, XSD.date),
    "发布日期": (DCTERMS.issued, XSD.date),
}
DATE_RE = re.compile(r"^(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})\s*日?$")
PAGE_RE = re.compile(r"^page (\d+) ")


def add(graph: Graph, document: Document, source: SourceText) -> None:
    """Add the source's media type, metadata and line locations for one built document."""
    source_iri = ID[f"{document.key}/source"]
    graph.set((source_iri, DCTERMS["format"], Literal(source.media_type)))
    _metadata(graph, ID[document.key], source.metadata)
    if all(locator.kind == "text" for locator in source.locators):
        return
    for node, line in sorted(_nodes_by_line(graph, source_iri)):
        if 0 < line <= len(source.locators):
            location = _location(graph, document, line, source.locators[line - 1])
            graph.add((node, IPG.sourceLocation, location))


def _nodes_by_line(graph: Graph, source_iri: URIRef) -> set[tuple[URIRef, int]]:
    found = set()
    for node in graph.subjects(PROV.wasDerivedFrom, source_iri):
        for line in graph.objects(node, IPG.sourceLine):
            if isinstance(node, URIRef) and isinstance(line, Literal):
                found.add((node, int(line)))
    return found


def _location(graph: Graph, document: Document, line: int, locator: Locator) -> URIRef:
    iri = ID[f"{document.key}/source/line/{line}"]
    if (iri, RDF.type, IPG.SourceLocation) in graph:
        return iri
    graph.add((iri, RDF.type, IPG.SourceLocation))
    graph.add((iri, RDFS.label, Literal(describe(locator), lang="en")))
    graph.add((iri, RDFS.label, Literal(describe_zh(locator), lang="zh")))
    graph.add((iri, IPG.locationKind, Literal(locator.kind)))
    graph.add((iri, IPG.locationPath, Literal(locator.path)))
    graph.add((iri, IPG.textLine, Literal(line, datatype=XSD.positiveInteger)))
    detail = locator.detail
    for key, prop in (("start", IPG.startOffset), ("end", IPG.endOffset)):
        if key in detail:
            graph.add((iri, prop, Literal(int(detail[key]), datatype=XSD.nonNegativeInteger)))
    if m := PAGE_RE.match(locator.path):
        graph.add((iri, IPG.page, Literal(int(m[1]), datatype=XSD.positiveInteger)))
    if "bbox" in detail:
        box = " ".join(f"{float(v):g}" for v in detail["bbox"])
        graph.add((iri, IPG.boundingBox, Literal(box)))
    return iri


def describe(locator: Locator) -> str:
    """The place in the form that fits the file: ``/html/body/div[3]/p[2] chars 0–42``, ``table 1 row 3``."""
    if locator.kind == "html" and "start" in locator.detail:
        return f"{locator.path} chars {locator.detail['start']}–{locator.detail['end']}"
    return locator.path


ZH_PARTS = (
    (re.compile(r"page (\d+)"), r"第\1页"),
    (re.compile(r"table (\d+)"), r"表\1"),
    (re.compile(r"row (\d+)"), r"第\1行"),
    (re.compile(r"line (\d+)"), r"第\1行"),
    (re.compile(r"paragraph (\d+)"), r"第\1段"),
)


def describe_zh(locator: Locator) -> str:
    """The same place in Chinese: ``第2页第14行``, ``表1第3行``, ``/html/body/p[2] 第0–42字``."""
    if locator.kind == "html":
        chars = f" 第{locator.detail['start']}–{locator.detail['end']}字" if "start" in locator.detail else ""
        return locator.path + chars
    text = locator.path
    for pattern, replacement in ZH_PARTS:
        text = pattern.sub(replacement, text)
    return text.replace(" ", "")


def _metadata(graph: Graph, document_iri: URIRef, metadata: Mapping[str, str]) -> None:
    for key, value in sorted(metadata.items()):
        if key not in METADATA:
            continue
        prop, kind = METADATA[key]
        if kind == XSD.date:
            m = DATE_RE.match(value)
            literal = Literal(f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", datatype=XSD.date) if m else Literal(value)
        else:
            literal = Literal(value, lang=kind) if kind else Literal(value)
        graph.add((document_iri, prop, literal))
