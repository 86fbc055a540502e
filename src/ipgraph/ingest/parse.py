"""Stage 1 — source file → text → records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ipgraph.ingest import layouts
from ipgraph.ingest.formats import SourceText, read_source
from ipgraph.ingest.records import Document


@dataclass(frozen=True)
class Parsed:
    """A document's records with the text they were read from (its lines' locators, its metadata)."""

    document: Document
    source: SourceText


def read_and_parse(path: str | Path, layout: str | None = None, encoding: str | None = None) -> Parsed:
    """Read one source document in any supported format and parse it into records."""
    source = read_source(path, encoding)
    return Parsed(layouts.parse(source, layout), source)


def parse_file(path: str | Path, layout: str | None = None, encoding: str | None = None) -> Document:
    """Read and parse one source document into records."""
    return read_and_parse(path, layout, encoding).document
