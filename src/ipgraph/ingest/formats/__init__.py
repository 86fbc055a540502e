"""The published forms of a document → one plain text with a locator per line.

Every reader of a file format returns a :class:`SourceText`: the text a plain-text
copy of the document would give (one paragraph per line; a table one row per line,
cells separated by a TAB), with, for each line, where it came from in its file (a
:class:`Locator`). The layouts read ``SourceText.text`` the same whatever the file
was.

``read_source`` picks the reader for the file's format.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from pathlib import Path

from ipgraph.errors import SourceError
from ipgraph.ingest.formats import html, legacy_word, pdf, text, word
from ipgraph.ingest.formats.model import Locator, SourceText

__all__ = ["MAX_SOURCE_BYTES", "Locator", "SourceText", "read_source"]

# The task lists are tens of kilobytes, their PDFs a few megabytes; anything this big is not one of them.
MAX_SOURCE_BYTES = 64 * 1024 * 1024


Reader = Callable[[Path, bytes, "str | None"], SourceText]


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing what cannot be a task list (too large, unreadable, empty).

    Only a regular file (or a link to one) is read: a device never ends (``/dev/zero``) and a pipe
    may never open. The limit holds for what is read, not only for the size the file claims."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(str(path), "not a regular file (a device, pipe or socket); give a document file")
        if info.st_size > MAX_SOURCE_BYTES:
            raise SourceError(str(path), _too_large(f"{info.st_size} bytes"))
        with path.open("rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
        if len(data) > MAX_SOURCE_BYTES:
            raise SourceError(str(path), _too_large(f"over {MAX_SOURCE_BYTES} bytes read"))
    except OSError as exc:
        raise SourceError(str(path), f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise SourceError(str(path), "the file is empty")
    return data


def _too_large(size: str) -> str:
    return f"too large for a task list ({size}; the limit is {MAX_SOURCE_BYTES})"


SUFFIXES: dict[str, Reader] = {
    ".html": html.read,
    ".htm": html.read,
    ".xhtml": html.read,
    ".shtml": html.read,
    ".docx": word.read,
    ".doc": legacy_word.read,
    ".wps": legacy_word.read,
    ".pdf": pdf.read,
    ".txt": text.read,
}
# Formats told by their first bytes when the suffix says nothing.
MAGIC: tuple[tuple[bytes, Reader], ...] = (
    (b"%PDF-", pdf.read),
    (b"PK\x03\x04", word.read),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", legacy_word.read),  # OLE2: .doc, .wps
)
HTML_START_RE = re.compile(rb"^(\xef\xbb\xbf)?\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|\?xml)", re.I | re.S)


def _reader(path: Path, data: bytes) -> Reader:
    """The reader for the file's suffix; for another suffix (or none), the one its first bytes call for.

    A ``.txt`` file is text whatever it holds, so a binary file named ``.txt`` is refused as not text.
    """
    by_suffix = SUFFIXES.get(path.suffix.lower())
    if by_suffix:
        return by_suffix
    for magic, reader in MAGIC:
        if data.startswith(magic):
            return reader
    if HTML_START_RE.match(data[:4096]):
        return html.read
    return text.read


def read_source(path: str | Path, encoding: str | None = None) -> SourceText:
    """Read a source document in any supported format.

    ``encoding`` names the encoding of a text file or an HTML page when detection
    would guess wrong; the other formats carry their own.
    """
    p = Path(path)
    data = read_bytes(p)
    return _reader(p, data)(p, data, encoding)
