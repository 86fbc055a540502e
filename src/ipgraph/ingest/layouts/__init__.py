"""Which reader reads a document.

The reader (``ipgraph.ingest.reader``) reads every layout of the catalogue. One table
layout keeps a strict profile of its own: CNIPA's four-column task list
(``cnipa_tasklist``), whose measures cell holds ``<p>`` paragraphs each opened by its
addressee, and which is checked cell by cell.
"""

from __future__ import annotations

from types import ModuleType

from ipgraph.errors import SourceError
from ipgraph.ingest.formats import SourceText
from ipgraph.ingest.layouts import cnipa_tasklist
from ipgraph.ingest.reader import read_document
from ipgraph.ingest.records import Document

LAYOUTS: tuple[ModuleType, ...] = (cnipa_tasklist,)
READER = "reader"


def by_name(name: str) -> ModuleType:
    for layout in LAYOUTS:
        if name == layout.NAME:
            return layout
    known = ", ".join([READER, *(layout.NAME for layout in LAYOUTS)])
    raise SourceError(name, f"unknown layout {name!r}; known layouts: {known}")


def parse(source: SourceText, layout: str | None = None) -> Document:
    """Parse a source with the named layout, or the first layout that recognises it."""
    if layout and layout != READER:
        return by_name(layout).parse(source)
    for candidate in LAYOUTS:
        if layout != READER and candidate.detect(source.text):
            return candidate.parse(source)
    return read_document(source)
