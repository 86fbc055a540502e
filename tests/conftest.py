"""Shared fixtures: the 2021 source, its records, graph and embedded store."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipgraph import paths
from ipgraph.graph.build import build_graph
from ipgraph.ingest.parse import parse_file
from ipgraph.sparql.store import EmbeddedStore

SOURCE = paths.SOURCES_DIR / "cnipa-2021-ip-high-quality-development-task-list.txt"


@pytest.fixture(scope="session")
def source_path() -> Path:
    return SOURCE


@pytest.fixture(scope="session")
def source_lines() -> list[str]:
    return SOURCE.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="session")
def document():
    return parse_file(SOURCE)


@pytest.fixture(scope="session")
def graph(document):
    return build_graph([document])


@pytest.fixture(scope="session")
def store(graph) -> EmbeddedStore:
    return EmbeddedStore.from_rdflib(graph)
