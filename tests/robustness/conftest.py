"""Shared helpers for the robustness suite: the clean source, and building mutated copies of it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ipgraph.build import build_graph, to_turtle
from ipgraph.records import Document
from ipgraph.vocab import Vocabulary


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
    return to_turtle(build_graph([document], vocabulary))


@pytest.fixture(scope="session")
def built_turtle(document: Document, vocabulary: Vocabulary):
    """Turtle of a parsed document as if read from the clean file: same path and byte digest.

    "The same graph" for a recoverable oddity means identical Turtle once the file's
    identity is set aside: ``ipg:sha256`` records the bytes on disk, which differ.
    """

    def turtle(doc: Document) -> str:
        same = replace(doc, source_path=document.source_path, sha256=document.sha256)
        return to_turtle(build_graph([same], vocabulary))

    return turtle
