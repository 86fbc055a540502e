"""Plain text files: decoded as ``ingest.source`` detects, each line located by its number."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ipgraph.ingest.formats.model import SourceText
from ipgraph.ingest.source import decode


def read(path: Path, data: bytes, encoding: str | None = None) -> SourceText:
    text, used = decode(data, str(path), encoding)
    return SourceText.plain(str(path), text, hashlib.sha256(data).hexdigest(), used)
