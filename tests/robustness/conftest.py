"""Shared helpers for the robustness suite: the clean source, building mutated copies of it, failing writes."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from ipgraph import files
from ipgraph.graph.build import build_graph, to_turtle
from ipgraph.graph.namespaces import OA
from ipgraph.graph.vocab import Vocabulary
from ipgraph.ingest.records import Document


@pytest.fixture(scope="session")
def vocabulary() -> Vocabulary:
    """Parsed once: building many mutated documents must not re-read the vocabularies each time."""
    return Vocabulary()


@pytest.fixture(scope="session")
def source_bytes(source_path: Path) -> bytes:
    return source_path.read_bytes()


@pytest.fixture(scope="session")
def source_text(source_bytes: bytes) -> str:
    return source_bytes.decode("utf-8")


@pytest.fixture(scope="session")
def clean_turtle(document: Document, vocabulary: Vocabulary) -> str:
    return to_turtle(_without_positions(build_graph([document], vocabulary)))


def _without_positions(graph):
    """The graph without the selectors' offsets and quotes, which record where in the file's text."""
    for predicate in (OA.start, OA.end, OA.exact):
        graph.remove((None, predicate, None))
    return graph


@pytest.fixture(scope="session")
def built_turtle(document: Document, vocabulary: Vocabulary):
    """Turtle of a parsed document as if read from the clean file: same path and byte digest.

    "The same graph" for a recoverable oddity means identical Turtle once the file's
    identity is set aside: ``ipg:sha256`` records the bytes on disk, which differ, and the
    selectors' offsets and quotes (``oa:start``, ``oa:end``, ``oa:exact``) the characters.
    """

    def turtle(doc: Document) -> str:
        same = replace(doc, source_path=document.source_path, sha256=document.sha256)
        return to_turtle(_without_positions(build_graph([same], vocabulary)))

    return turtle


class HalfWriter:
    """A file handle that writes half of what it is given, then fails with the given exception."""

    def __init__(self, handle, failure: BaseException):
        self.handle = handle
        self.failure = failure

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def write(self, data: bytes) -> int:
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        raise self.failure

    def __getattr__(self, name):
        return getattr(self.handle, name)


@pytest.fixture
def fail_writes_midway(monkeypatch) -> Callable[[BaseException], None]:
    """``fail_writes_midway(failure)``: from then on, every file ``atomic_write`` opens takes half of
    what it is given, then raises ``failure`` (a full disk, an interrupt)."""

    def arrange(failure: BaseException) -> None:
        real = os.fdopen
        monkeypatch.setattr(files.os, "fdopen", lambda fd, mode: HalfWriter(real(fd, mode), failure))

    return arrange
