"""The per-document cache of ``ipgraph build``: each document's part, kept until what shapes it changes.

An entry is filed under the sha256 of everything its part depends on: the source file's bytes,
its path, the ``.toml`` beside it, the reader options, and a digest of the code and data every
part depends on (the modules of ``ingest/`` and ``graph/``, the ontology's individuals, the
vocabularies, the translations, the Python and library versions). So a changed document, or
changed code, misses and is read again, and the other documents are read back as they were.

An entry is trusted only when it is whole and is what its name says: it is marshalled data (no
code runs when it is read), it carries the digest it is filed under and the sha256 of its
payload, and the payload unpacks into a part; anything else is ignored and the document read
again. Entries a build did not use are removed after it, so the folder holds one build's worth.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import rdflib

from ipgraph import paths
from ipgraph.errors import IpgraphError
from ipgraph.files import atomic_write
from ipgraph.graph.parts import Collector, Part
from ipgraph.graph.vocab import Vocabulary
from ipgraph.graph.workers import mapped
from ipgraph.ingest.parse import read_and_parse

FORMAT = 1
MARK = "ipgraph-part"
SUFFIX = ".part"
_PACKAGE = Path(__file__).resolve().parents[1]


@functools.cache
def code_digest() -> str:
    """The sha256 of the code and data that shape every document's triples."""
    h = hashlib.sha256(f"{MARK} {FORMAT} {sys.version} {rdflib.__version__} {ox.__version__}".encode())
    files = [
        *sorted((_PACKAGE / "ingest").rglob("*.py")),
        *sorted((_PACKAGE / "graph").glob("*.py")),
        _PACKAGE / "prefixes.py",
        _PACKAGE / "paths.py",
        paths.INDIVIDUALS,
        *sorted(p for p in paths.VOCAB_DIR.rglob("*") if p.is_file()),
        *sorted(p for p in paths.TRANSLATIONS_DIR.rglob("*") if p.is_file()),
    ]
    for path in files:
        h.update(f"\0{path.name}\0".encode() + path.read_bytes())
    return h.hexdigest()


def entry_digest(path: Path, layout: str | None, encoding: str | None) -> str | None:
    """The name of a source's entry: what its part depends on, hashed. None for what is not a regular
    file (a device, a FIFO, a missing file): it is not cached, and reading it gives the clear error."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        h = hashlib.sha256(f"{code_digest()}\0{path}\0{paths.display_path(path)}\0{layout}\0{encoding}\0".encode())
        with open(path, "rb") as handle:
            h.update(hashlib.file_digest(handle, "sha256").digest())
        beside = path.with_suffix(".toml")
        if beside.is_file():
            h.update(b"\0toml\0" + beside.read_bytes())
    except OSError:
        return None
    return h.hexdigest()


class Cache:
    """One folder of entries."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()

    def get(self, digest: str) -> Part | None:
        path = self.folder / (digest + SUFFIX)
        self.used.add(path.name)
        try:
            mark, named, checksum, payload = marshal.loads(path.read_bytes())
            if mark != MARK or named != digest or hashlib.sha256(payload).hexdigest() != checksum:
                return None
            return Part.from_data(marshal.loads(payload))
        except (OSError, ValueError, EOFError, TypeError):
            return None

    def put(self, digest: str, part: Part) -> None:
        """Write an entry whole or not at all (a torn one fails its checksum and is ignored)."""
        payload = marshal.dumps(part.data())
        data = marshal.dumps((MARK, digest, hashlib.sha256(payload).hexdigest(), payload))
        with contextlib.suppress(IpgraphError):  # a cache that cannot be written only costs time
            atomic_write(self.folder / (digest + SUFFIX), data, durable=False)

    def prune(self) -> None:
        """Remove the entries this build did not use."""
        if not self.folder.is_dir():
            return
        for entry in self.folder.iterdir():
            if entry.name not in self.used and entry.suffix == SUFFIX:
                entry.unlink(missing_ok=True)


def parts(
    files: Iterable[Path],
    vocab: Vocabulary,
    layout: str | None = None,
    encoding: str | None = None,
    cache: Cache | None = None,
    warn: Callable[[str], None] = lambda _: None,
    workers: int | None = None,
) -> Iterator[Part]:
    """Each file's part, from the cache when it holds it, else read and mapped (in worker processes
    when there are many: ``graph.workers``) and cached; ``warn`` gets each document's warnings
    (``file:line: warning: …``), cached or not."""
    paths = [Path(p) for p in files]
    digests = [entry_digest(p, layout, encoding) if cache else None for p in paths]
    found = [cache.get(d) if cache and d else None for d in digests]
    made = mapped([p for p, part in zip(paths, found, strict=True) if part is None], vocab, layout, encoding, workers)
    collector = Collector(vocab)
    try:
        for path, digest, part in zip(paths, digests, found, strict=True):
            if part is None:
                part = next(made) or collector.part(read_and_parse(path, layout, encoding))
                if cache and digest:
                    cache.put(digest, part)
            collector.claim(part.key, part.source)
            for warning in part.warnings:
                warn(warning)
            yield part
    finally:
        made.close()
