"""Named graphs: each document in its own graph, exported as a dataset, and replaced or dropped
in the store without rebuilding the rest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ipgraph import paths
from ipgraph.cli import main
from ipgraph.sparql import persist
from ipgraph.sparql.entailment import ENTAILED_GRAPH, entail
from ipgraph.sparql.graphs import LINKS, SHARED, document_graph
from ipgraph.sparql.library import resolve
from ipgraph.sparql.run import run_embedded
from ipgraph.sparql.store import EmbeddedStore

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PLAN = FIXTURES / "annual-plan-sample.txt"
TASKLIST = "cnipa-tasklist-2021"


def in_memory(path: Path) -> EmbeddedStore:
    """The graph file read into memory with its entailments, as without a store."""
    memory = EmbeddedStore.from_file(path)
    entail(memory)
    return memory


def answers(store: EmbeddedStore, name: str) -> list:
    return sorted(map(repr, run_embedded(store, resolve(name)).rows))


@pytest.fixture
def two(tmp_path) -> tuple[Path, Path, str]:
    """A graph of the 2021 list and a copy of the annual-plan sample, with its store: (graph, plan, plan key)."""
    plan = tmp_path / "plan.txt"
    shutil.copy(PLAN, plan)
    shutil.copy(PLAN.with_suffix(".toml"), plan.with_suffix(".toml"))
    target = tmp_path / "two.ttl"
    assert main(["build", str(paths.SOURCES_DIR), str(plan), "-o", str(target), "-q"]) == 0
    keys = persist.documents(persist.open_graph(target, entailments=True))
    (key,) = [k for k in keys if k != TASKLIST]
    return target, plan, key


@pytest.mark.slow
def test_each_document_has_its_graph_and_the_union_is_the_file(two):
    target, _, key = two
    store = persist.open_graph(target, entailments=True)
    names = {g.value for g in store.store.named_graphs()} - {ENTAILED_GRAPH}
    assert names == {SHARED, LINKS, document_graph(TASKLIST), document_graph(key)}
    for name in (document_graph(TASKLIST), document_graph(key)):
        doc = name.rsplit("/", 1)[1]
        subjects = {q.subject.value for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(name))}
        assert subjects and all(s.split("/id/", 1)[1].split("/")[0] == doc for s in subjects)
    assert len(store) == len(in_memory(target).ntriples().splitlines())
    assert answers(store, "cross-document-workload") == answers(in_memory(target), "cross-document-workload")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["trig", "nq"])
def test_export_as_a_dataset(two, tmp_path, capsys, fmt):
    target, _, key = two
    out = tmp_path / f"two.{fmt}"
    assert main(["export", "--graph", str(target), "-o", str(out)]) == 0
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads}
    assert graphs == {SHARED, LINKS, document_graph(TASKLIST), document_graph(key)}
    written = {str(q.triple) for q in ox.parse(path=str(target), format=ox.RdfFormat.TURTLE)}
    assert {str(q.triple) for q in quads} == written and len(quads) == len(written)  # every triple once, as written
    first = out.read_bytes()
    assert main(["export", "--graph", str(target), "-o", str(out)]) == 0
    assert out.read_bytes() == first


@pytest.mark.slow
def test_one_changed_document_is_replaced_alone(two):
    target, plan, key = two
    before = persist.state(target)
    kept = _graph_lines(before.version, document_graph(TASKLIST))
    text = plan.read_text(encoding="utf-8")
    assert "修订工作" in text
    plan.write_text(text.replace("修订工作", "修订和实施工作", 1), encoding="utf-8")
    assert main(["build", str(paths.SOURCES_DIR), str(plan), "-o", str(target), "-q"]) == 0
    after = persist.state(target)
    assert after.current and after.version != before.version
    meta = persist._meta(after.version)
    assert document_graph(key) in meta["replaced"] and document_graph(TASKLIST) not in meta["replaced"]
    assert _graph_lines(after.version, document_graph(TASKLIST)) == kept
    fresh = in_memory(target)
    store = persist.read_only(after.version)
    assert len(store) == len(fresh.ntriples().splitlines())
    for name in ("cross-document-workload", "tasks-per-department", "departments"):
        assert answers(store, name) == answers(fresh, name)


@pytest.mark.slow
def test_a_dropped_document_leaves_the_others(two, capsys):
    target, _, key = two
    assert main(["build", str(paths.SOURCES_DIR), "-o", str(target), "-q"]) == 0
    after = persist.state(target)
    assert document_graph(key) in persist._meta(after.version)["replaced"]
    store = persist.read_only(after.version)
    assert list(persist.documents(store)) == [TASKLIST]
    fresh = in_memory(target)
    assert len(store) == len(fresh.ntriples().splitlines())
    assert answers(store, "tasks-per-department") == answers(fresh, "tasks-per-department")


def _graph_lines(version: Path, name: str) -> list[str]:
    store = persist.read_only(version).store
    return sorted(str(q.triple) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(name)))
