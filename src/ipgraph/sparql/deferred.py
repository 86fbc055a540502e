"""A persistent store opened when first read, for a process that seldom reads it itself: ``ipgraph
serve``, whose query workers open the store on their own (:mod:`ipgraph.sparql.pool`), listens without
waiting for RocksDB to open it a second time."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from ipgraph.sparql import persist
from ipgraph.sparql.store import EmbeddedStore, graph_file


def current_store(graph: str | None) -> EmbeddedStore | None:
    """The graph's persistent store, when it is current, opened only when first used; else None."""
    file = graph_file(graph)
    if not persist.location(file).is_dir():
        return None
    now = persist.state(file)
    return DeferredStore(now.version) if now.current and now.version is not None else None


class DeferredStore(EmbeddedStore):
    """A persistent store that this process opens read-only when it first reads it: the query workers
    open the store themselves, so the server's own process needs it only for a few pages, and listens
    without waiting for it."""

    def __init__(self, version: Path):
        meta = json.loads((version / persist.META).read_text(encoding="utf-8"))
        size = meta.get("triples", 0) + meta.get("entailed", 0)
        self.union, self.location, self.size, self._version = True, version, size, version
        self._opening = threading.Lock()

    def __getattr__(self, name: str):
        if name != "store":
            raise AttributeError(name)
        with self._opening:
            if "store" not in self.__dict__:
                self.store = persist.read_only(self._version).store
        return self.__dict__["store"]
