"""The persistent store: a graph file's triples in an on-disk Oxigraph store beside it.

``data/ipgraph.ttl`` gets the folder ``data/ipgraph.ttl.store/``. The graph file stays the
source of truth: the store records the sha256 of the file it was built from and is used only
while the file still has that checksum (timestamps change with a checkout or a copy; the
content is what matters; a file found unchanged is not hashed again while its stat signature
holds, :mod:`ipgraph.sparql.signature`). Deleting the folder is always safe: commands then read
the file.

The folder holds versions and a symbolic link, ``current``, naming the one in use::

    current -> v-3f2a9c01d4e7-1a2b3c4d
    v-3f2a9c01d4e7-1a2b3c4d/oxigraph/    the Oxigraph (RocksDB) store, read-only once written
    v-3f2a9c01d4e7-1a2b3c4d/meta.json    {"sha256": …, "triples": …, "graphs": {name: digest}, …}
    .building-<pid>-<token>/             a build in progress

A build fills a new version beside the others and then replaces the link with one rename, so
a reader opens the old version or the new one, never a half-written store; a build killed
midway leaves only a ``.building-…`` folder, which no reader opens and the next build removes.
The version before the current one is kept for readers that resolved the link just before it
changed; older ones are removed.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ipgraph.errors import IpgraphError
from ipgraph.sparql import signature
from ipgraph.sparql.graphs import document_key, document_keys, graph_name, partitioned
from ipgraph.sparql.store import FORMATS, EmbeddedStore, graph_file

ENTAILED_GRAPH = "https://w3id.org/ipgraph/graph/entailed"  # as ipgraph.sparql.entailment names it

SUFFIX = ".store"
LINK = "current"
META = "meta.json"
DATA = "oxigraph"
FORMAT = 1  # the layout of a version; a store of another layout is rebuilt


def location(graph: str | Path) -> Path:
    """The store folder of a graph file: beside it, named after it."""
    p = Path(graph)
    return p.with_name(p.name + SUFFIX)


def checksum(path: str | Path) -> str:
    """The sha256 of a file's bytes, as hex."""
    import hashlib

    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass(frozen=True)
class State:
    """What the store folder of a graph file holds, compared with the file."""

    graph: Path
    folder: Path
    version: Path | None  # the version ``current`` names, if it is readable
    recorded: str | None  # the checksum that version was built from
    actual: str  # the graph file's checksum now
    rules: bool = True  # whether the version's entailments come from today's ontology and rules

    @property
    def exists(self) -> bool:
        return self.folder.is_dir()

    @property
    def current(self) -> bool:
        return self.version is not None and self.recorded == self.actual and self.rules

    def describe(self) -> str:
        """Why the store cannot be used, in words."""
        if self.version is None:
            return f"{self.folder} holds no complete store"
        if self.recorded == self.actual:
            return f"the entailments in {self.folder} come from another version of the ontology or its rules"
        return (
            f"{self.folder} was built from another version of {self.graph} "
            f"(sha256 {(self.recorded or '?')[:12]}…; the file now has {self.actual[:12]}…)"
        )


def state(graph: str | Path, digest: str | None = None) -> State:
    """The store of ``graph`` and whether it is current (``digest``: the file's checksum, if known)."""
    p = Path(graph)
    folder = location(p)
    version, meta = None, {}
    with contextlib.suppress(OSError, ValueError):
        target = folder / os.readlink(folder / LINK)
        meta = _meta(target)
        if meta.get("format") == FORMAT and (target / DATA).is_dir():
            version = target
    if version is None:
        return State(p, folder, None, None, digest or checksum(p))
    recorded, entailment = meta.get("sha256"), meta.get("entailment")
    if digest is None and recorded and signature.remembered(version) == [recorded, entailment, *signature.of(p)]:
        return State(p, folder, version, recorded, recorded)  # unchanged since last found current
    from ipgraph.sparql.entailment import digest as rules_digest

    started, before = time.time_ns(), signature.of(p)
    now = State(p, folder, version, recorded, digest or checksum(p), entailment == rules_digest())
    if now.current and digest is None and before == signature.of(p) and signature.settled(before, started):
        signature.remember(version, [recorded, entailment, *before])
    return now


def read_only(version: Path) -> EmbeddedStore:
    """Open a version's store read-only (it is never written once published): its default graph is
    the union of its graphs, the file's and the entailed one."""
    meta = _meta(version)
    try:
        store = ox.Store.read_only(str(version / DATA))
    except OSError as exc:
        raise IpgraphError(f"{version}: cannot open the store: {exc}") from None
    return EmbeddedStore(store, union=True, location=version, size=meta.get("triples", 0) + meta.get("entailed", 0))


def _entail(store: ox.Store, graph: Path, fmt: ox.RdfFormat) -> dict:
    """Put the graph's entailments in the entailed graph, worked out exactly as for a graph read into
    memory (:func:`ipgraph.sparql.entailment.entail`: the file in the default graph, the ontology in
    a graph of its own that the persistent store does not keep)."""
    from ipgraph.sparql.entailment import digest, entail, entailed_ntriples

    memory = EmbeddedStore()
    _read(graph, fmt, lambda _: memory.store.bulk_load(path=str(graph), format=fmt))
    added = entail(memory)
    entailed = ox.NamedNode(ENTAILED_GRAPH)
    if store.contains_named_graph(entailed):
        store.remove_graph(entailed)
    store.load(entailed_ntriples(memory), format=ox.RdfFormat.N_TRIPLES, to_graph=entailed)
    return {"entailed": added, "entailment": digest()}


def create(graph: str | Path, digest: str | None = None) -> State:
    """Build the store of a graph file from the file (each document in its own named graph) and
    make it the current one; returns the new state."""
    p = Path(graph)
    fmt = file_format(p)

    def fill(store: ox.Store) -> dict:
        keys = _read(p, fmt, document_keys)
        digests: dict[str, int] = {}
        _read(p, fmt, lambda triples: store.bulk_extend(_hashed(partitioned(triples, keys), digests)))
        graphs = _hex(digests)
        entailed = _entail(store, p, fmt)
        return {"triples": digests.get("", 0), "documents": sorted(keys), "graphs": graphs, **entailed}

    return publish(p, digest or checksum(p), fill)


def sync(graph: str | Path, digest: str | None = None) -> State:
    """Bring the store of a graph file up to date with the file, rewriting only what changed.

    Each graph's digest is recorded in the store; a document whose triples are the same as in the
    current version keeps its graph, and the new version is a copy of the current one (hard links,
    :meth:`pyoxigraph.Store.backup`) in which only the changed, added and removed documents' graphs
    and the shared graph are replaced. Without a current version, or when most documents changed,
    the store is built afresh (:func:`create`)."""
    p = Path(graph)
    digest = digest or checksum(p)
    now = state(p, digest)
    if now.current:
        return now
    recorded = _meta(now.version).get("graphs") if now.version else None
    if not recorded:
        return create(p, digest)
    fmt = file_format(p)
    keys = _read(p, fmt, document_keys)
    digests: dict[str, int] = {}
    _read(p, fmt, lambda triples: sum(1 for _ in _hashed(partitioned(triples, keys), digests)))
    graphs = _hex(digests)
    changed = {g for g in graphs.keys() | recorded.keys() if graphs.get(g) != recorded.get(g)}
    documents = [g for g in changed if document_key(g) is not None]
    if len(documents) > max(1, len(keys) // 2):
        return create(p, digest)
    base = now.version
    assert base is not None  # recorded digests come from a version

    def fill(store: ox.Store) -> dict:
        for name in changed:
            store.remove_graph(ox.NamedNode(name))
        wanted = {name for name in changed if name in graphs}

        def add(triples: Iterable[ox.Quad]) -> None:
            store.extend(q for q in partitioned(triples, keys) if graph_name(q) in wanted)

        _read(p, fmt, add)
        entailed = _entail(store, p, fmt)
        meta = {"triples": digests.get("", 0), "documents": sorted(keys), "graphs": graphs}
        return {**meta, "replaced": sorted(changed), **entailed}

    def copy(path: Path) -> ox.Store:
        ox.Store.read_only(str(base / DATA)).backup(str(path))
        return ox.Store(str(path))

    return publish(p, digest, fill, copy)


def file_format(path: Path) -> ox.RdfFormat:
    fmt = FORMATS.get(path.suffix)
    if fmt is None:
        raise IpgraphError(f"{path}: unknown RDF file type {path.suffix!r}; use one of {', '.join(FORMATS)}")
    return fmt


def _read(path: Path, fmt: ox.RdfFormat, use: Callable[[Iterable[ox.Quad]], object]):
    """``use`` applied to the file's triples, with a syntax error named after the file."""
    try:
        return use(ox.parse(path=str(path), format=fmt))
    except (SyntaxError, ValueError) as exc:
        raise IpgraphError(f"{path}: not valid {fmt}: {exc}") from None


def _hashed(quads: Iterable[ox.Quad], digests: dict[str, int]) -> Iterator[ox.Quad]:
    """The quads, as they come; each graph's digest is the sum of its triples' sha256 (modulo
    2²⁵⁶): it does not depend on the order the file lists them in. ``digests[""]`` counts them."""
    import hashlib

    for quad in quads:
        digests[""] = digests.get("", 0) + 1
        name = graph_name(quad)
        line = hashlib.sha256(str(quad.triple).encode()).digest()
        digests[name] = (digests.get(name, 0) + int.from_bytes(line)) % _MODULUS
        yield quad


_MODULUS = 2**256


def _hex(digests: dict[str, int]) -> dict[str, str]:
    return {name: f"{value:064x}" for name, value in sorted(digests.items()) if name}


@functools.lru_cache(maxsize=8)
def _meta(version: Path) -> dict:
    """A version's metadata, read once (a published version never changes): read it, do not change it."""
    try:
        return json.loads((version / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def publish(
    graph: Path, digest: str, fill: Callable[[ox.Store], dict], start: Callable[[Path], ox.Store] | None = None
) -> State:
    """Fill a new version beside the current one (``start``: how to open it, by default empty),
    then swap the ``current`` link to it."""
    import shutil

    from ipgraph.files import atomic_write

    folder = location(graph)
    token = os.urandom(4).hex()
    building = folder / f".building-{os.getpid()}-{token}"
    _BUILDING.add(building.name)
    try:
        building.mkdir(parents=True)
        store = (start or (lambda path: ox.Store(str(path))))(building / DATA)
        meta = fill(store)
        store.flush()
        meta = {"format": FORMAT, "sha256": digest, "file": graph.name, **meta}
        del store  # closes the database before it is published
        atomic_write(building / META, json.dumps(meta, ensure_ascii=False, indent=1) + "\n")
        version = folder / f"v-{digest[:12]}-{token}"
        os.rename(building, version)
    except OSError as exc:
        shutil.rmtree(building, ignore_errors=True)
        raise IpgraphError(f"{folder}: cannot write the store: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    finally:
        _BUILDING.discard(building.name)
    previous = _link_target(folder)
    _point(folder, version.name)
    _prune(folder, keep={version.name, previous})
    return state(graph, digest)


def _link_target(folder: Path) -> str | None:
    try:
        return os.readlink(folder / LINK)
    except OSError:
        return None


def _point(folder: Path, name: str) -> None:
    """Make ``current`` name this version, in one rename."""
    link = folder / f".{LINK}-{os.urandom(4).hex()}"
    os.symlink(name, link)
    os.replace(link, folder / LINK)
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _prune(folder: Path, keep: set[str | None]) -> None:
    """Remove versions other than ``keep`` and the folders of builds whose process has ended."""
    import shutil

    for entry in folder.iterdir():
        name = entry.name
        old = name.startswith("v-") and name not in keep
        abandoned = name.startswith(".building-") and name not in _BUILDING and not _alive(name.split("-")[1])
        if old or abandoned:
            shutil.rmtree(entry, ignore_errors=True)


# The builds in progress in this process: a failed one's folder may outlive it (the open store is
# referenced by the exception's traceback, so removing the folder can fail); the next build removes it.
_BUILDING: set[str] = set()


def _alive(pid: str) -> bool:
    if pid == str(os.getpid()):
        return False  # this process's folders that are not in _BUILDING are abandoned
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def open_graph(
    path: str | Path | None = None,
    on_rebuild: Callable[[State], None] | None = None,
    rebuild: bool = True,
    entailments: bool | None = False,
) -> EmbeddedStore:
    """The graph to query: its persistent store when current, else the file read into memory.

    A graph file without a store folder is read into memory, as before stores existed. A store
    that is not current is rebuilt from the file (``on_rebuild`` is told first), or refused with
    a message saying why when ``rebuild`` is false or the folder cannot be written. The store's
    default graph includes the ontology's entailments; without ``entailments`` the file is read
    into memory instead when the ontology entails anything from it: leaving the entailed graph out
    would mean listing the others as the default graph, which makes Oxigraph evaluate each pattern
    graph by graph (a hundred times slower at 85 documents). ``entailments=None``, for queries that
    read nothing the ontology entails (the networks'): the store as it is, else the file alone."""
    file = graph_file(path)
    if not location(file).is_dir():
        return EmbeddedStore.from_file(file)
    now = state(file)
    if not now.current:
        if not rebuild:
            raise IpgraphError(f"{now.describe()}; rebuild it with `ipgraph load {file}`, or delete the folder")
        if on_rebuild is not None:
            on_rebuild(now)
        try:
            now = sync(file, now.actual)
        except IpgraphError as exc:
            raise IpgraphError(f"{now.describe()}, and it cannot be rebuilt: {exc}; or delete the folder") from None
    version = now.version
    if version is None:
        raise IpgraphError(now.describe())
    if entailments is False and _meta(version).get("entailed"):
        return EmbeddedStore.from_file(file)
    return read_only(version)


def summary(now: State) -> str:
    """The triples and documents a version holds, in words."""
    meta = _meta(now.version) if now.version else {}
    text = f"{meta.get('triples', 0):,} triples, {len(meta.get('documents', [])):,} document(s)"
    if "replaced" in meta:
        text += f"; {len(meta['replaced'])} graph(s) replaced, the others kept"
    return text


def documents(store: EmbeddedStore) -> Iterable[str]:
    """The document keys whose graphs the store holds."""
    return sorted(k for g in store.store.named_graphs() if (k := document_key(g.value)) is not None)
