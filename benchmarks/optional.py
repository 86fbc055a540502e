"""Network building and exports: measured through ``ipgraph.network`` and ``ipgraph.export`` when present."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

Operation = tuple[str, str, str, Callable[[], object], Callable[[object], int | None]]


def _present(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def operations(graph, store, folder: Path) -> list[Operation]:
    """(section, operation, engine, action, size-of-result) for each available operation."""
    ops: list[Operation] = []
    if _present("ipgraph.network"):
        ops += _network(graph, store)
    if _present("ipgraph.export"):
        ops += _exports(graph, store, folder)
    return ops


def _network(graph, store) -> list[Operation]:
    return []


def _exports(graph, store, folder: Path) -> list[Operation]:
    return []
