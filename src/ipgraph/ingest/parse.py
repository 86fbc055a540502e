"""Stage 1 — source text → records."""

from __future__ import annotations

from pathlib import Path

from ipgraph.ingest import layouts
from ipgraph.ingest.records import Document
from ipgraph.ingest.source import read_source


def parse_file(path: str | Path, layout: str | None = None, encoding: str | None = None) -> Document:
    """Read and parse one source document into records."""
    return layouts.parse(read_source(path, encoding), layout)
