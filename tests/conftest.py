"""Shared fixtures: the 2021 source, its records, graph and embedded store; markers by the programs a test starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipgraph import paths
from ipgraph.graph.build import build_graph
from ipgraph.ingest.parse import parse_file
from ipgraph.sparql.store import EmbeddedStore

# Fixtures that start a program: a test using one (directly or through another fixture) gets the
# marker, and ``slow`` too, since starting the program and loading it takes seconds.
MARKED_BY_FIXTURE = {"browser": "browser", "oxigraph": "realstore", "virtuoso": "realstore"}

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture in set(getattr(item, "fixturenames", ())) & MARKED_BY_FIXTURE.keys():
            item.add_marker(MARKED_BY_FIXTURE[fixture])
            item.add_marker("slow")
