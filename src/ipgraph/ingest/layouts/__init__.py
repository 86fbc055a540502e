"""Document layouts: each turns one kind of source text into plain records.

To add a layout, write a module with ``NAME``, ``EXPECTS`` (what the layout needs to
recognise a document, for error messages), ``detect(text) -> bool`` and
``parse(source) -> records.Document``, and list it in ``LAYOUTS``.
"""

from __future__ import annotations

from types import ModuleType

from ipgraph.errors import SourceError
from ipgraph.ingest.formats import SourceText
from ipgraph.ingest.layouts import annual_plan, cnipa_tasklist
from ipgraph.ingest.records import Document

LAYOUTS: tuple[ModuleType, ...] = (cnipa_tasklist, annual_plan)


def by_name(name: str) -> ModuleType:
    for layout in LAYOUTS:
        if name == layout.NAME:
            return layout
    known = ", ".join(layout.NAME for layout in LAYOUTS)
    raise SourceError(name, f"unknown layout {name!r}; known layouts: {known}")


def parse(source: SourceText, layout: str | None = None) -> Document:
    """Parse a source with the named layout, or the first layout that recognises it."""
    if layout:
        return by_name(layout).parse(source)
    for candidate in LAYOUTS:
        if candidate.detect(source.text):
            return candidate.parse(source)
    needs = "; ".join(f"{layout.NAME} needs {layout.EXPECTS}" for layout in LAYOUTS)
    raise SourceError(source.path, f"no known layout recognises this document: {needs}", 1)
