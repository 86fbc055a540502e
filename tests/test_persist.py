"""The persistent store beside a graph file: used while current, rebuilt or refused when stale,
never seen half-written."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from ipgraph import paths
from ipgraph.cli import main
from ipgraph.errors import IpgraphError
from ipgraph.export.rdf import ALL_TRIPLES
from ipgraph.sparql import persist, signature
from ipgraph.sparql.entailment import ENTAILED_GRAPH, entail
from ipgraph.sparql.library import library, resolve
from ipgraph.sparql.run import run_embedded
from ipgraph.sparql.store import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
PROTECTION = "https://w3id.org/ipgraph/id/org/cnipa/protection"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def count(store: EmbeddedStore) -> int:
    return int(next(iter(store.query(COUNT)))["n"].value)


def protection_tasks(store: EmbeddedStore) -> int:
    rows = run_embedded(store, resolve("tasks-per-department")).rows
    return next(int(r["tasks"]["value"]) for r in rows if r["department"]["value"] == PROTECTION)


@pytest.fixture
def graph(tmp_path) -> Path:
    """A copy of the bundled graph, with a store beside it."""
    path = tmp_path / "g.ttl"
    shutil.copy(paths.BUNDLED_GRAPH, path)
    persist.create(path)
    return path


def test_the_store_is_used_when_current(graph, monkeypatch):
    def no_file(*_):
        raise AssertionError("the graph file was read although its store is current")

    monkeypatch.setattr(EmbeddedStore, "from_file", no_file)
    store = persist.open_graph(graph, entailments=True)
    assert store.location == persist.state(graph).version
    assert protection_tasks(store) == 7  # 保护司 is named for tasks 1, 4, 6, 9, 10, 11 and 20
    assert list(persist.documents(store)) == ["cnipa-tasklist-2021"]


def entailed_in_memory(path: Path) -> tuple[EmbeddedStore, int]:
    """The graph file read into memory with its entailments, as without a store; and how many there are."""
    memory = EmbeddedStore.from_file(path)
    return memory, entail(memory)


def test_the_store_holds_the_file_and_its_entailments_in_named_graphs(graph):
    store = persist.open_graph(graph, entailments=True)
    memory, added = entailed_in_memory(graph)
    assert added > 0 and count(store) == len(store) == len(memory.ntriples().splitlines())
    assert sorted(store.ntriples().splitlines()) == sorted(memory.ntriples().splitlines())
    assert protection_tasks(store) == protection_tasks(memory)
    graphs = {g.value for g in store.store.named_graphs()}
    assert graphs == {
        "https://w3id.org/ipgraph/graph/shared",
        "https://w3id.org/ipgraph/graph/document/cnipa-tasklist-2021",
        ENTAILED_GRAPH,
    }
    assert len(store.store.dump(format=ox.RdfFormat.N_QUADS, from_graph=ox.DefaultGraph())) == 0
    plain = persist.open_graph(graph)  # without entailments: the file, as without a store
    assert plain.location is None and count(plain) == count(memory) - added


@pytest.mark.slow
def test_a_stale_store_is_rebuilt_and_the_user_told(graph, capsys):
    text = graph.read_text(encoding="utf-8")
    graph.write_text(text.replace('"保护司"@zh', '"保护与执法司"@zh'), encoding="utf-8")
    old = persist.state(graph)
    assert not old.current and old.recorded != old.actual
    code = main(["query", "SELECT ?l WHERE { <" + PROTECTION + "> rdfs:label ?l }", "--graph", str(graph), "-f", "csv"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "保护与执法司" in out and "保护司\n" not in out
    assert "built from another version" in err and "rebuilding" in err
    assert persist.state(graph).current


def test_a_stale_store_is_refused_when_not_rebuilt(graph):
    with open(graph, "a", encoding="utf-8") as handle:
        handle.write("# a comment changes the checksum\n")
    with pytest.raises(IpgraphError, match=r"another version of .*g\.ttl.*sha256.*ipgraph load"):
        persist.open_graph(graph, rebuild=False)


def hashing_forbidden(monkeypatch) -> None:
    def no_hash(path):
        raise AssertionError(f"{path} was hashed although its stat signature was recorded")

    monkeypatch.setattr(persist, "checksum", no_hash)


def test_a_current_file_is_hashed_once_then_known_by_its_stat_signature(graph, monkeypatch):
    monkeypatch.setattr(signature, "RACY_NS", 0)  # the copy is fresh; its timestamps count as settled
    time.sleep(0.01)
    assert persist.state(graph).current  # hashed, found current, signature recorded
    hashing_forbidden(monkeypatch)
    assert persist.state(graph).current
    # same size, same mtime, different content: the ctime tells
    text = graph.read_text(encoding="utf-8")
    changed = text.replace('"保护司"@zh', '"保户司"@zh')
    assert len(changed.encode()) == len(text.encode())
    mtime = graph.stat().st_mtime_ns
    graph.write_text(changed, encoding="utf-8")
    os.utime(graph, ns=(mtime, mtime))
    monkeypatch.undo()
    now = persist.state(graph)
    assert not now.current and now.actual == persist.checksum(graph)


def test_no_signature_is_recorded_for_a_file_changed_just_now(graph, monkeypatch):
    """A change within the filesystem's timestamp granularity of the hash could share its
    timestamps with a later one: such a file is hashed again next time."""
    assert persist.state(graph).current
    assert not (persist.state(graph).version / signature.SIGNATURE).exists()


def test_a_changed_rule_makes_the_store_stale_though_the_graph_file_kept_its_signature(graph, monkeypatch, tmp_path):
    from ipgraph.sparql import entailment

    rules = tmp_path / "rules"
    shutil.copytree(entailment.RULES_DIR, rules)
    monkeypatch.setattr(entailment, "RULES_DIR", rules)
    monkeypatch.setattr(signature, "RACY_NS", 0)
    time.sleep(0.01)
    assert persist.state(graph).current  # the same rules elsewhere: hashed, current, signatures recorded
    first = sorted(rules.glob("*.rq"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    assert not persist.state(graph).current


def test_without_a_store_the_file_is_read(tmp_path):
    path = tmp_path / "g.ttl"
    shutil.copy(paths.BUNDLED_GRAPH, path)
    store = persist.open_graph(path)
    assert store.location is None and protection_tasks(store) == 7
    assert not persist.location(path).exists()  # reading creates no store


@pytest.mark.slow
def test_build_writes_the_store_and_load_rebuilds_it(tmp_path, capsys):
    target = tmp_path / "out.ttl"
    assert main(["build", "-o", str(target), "-q"]) == 0
    first = persist.state(target)
    assert first.current and "stored them in" in capsys.readouterr().out
    assert main(["load", str(target)]) == 0
    assert persist.state(target).version == first.version  # current: nothing to do
    assert main(["load", "--full", str(target)]) == 0
    second = persist.state(target)
    assert second.current and second.version != first.version
    assert first.version.exists()  # the previous version stays for readers that opened it
    assert main(["load", "--full", str(target)]) == 0
    assert not first.version.exists()  # older ones are removed
    assert main(["build", "-o", str(tmp_path / "bare.ttl"), "-q", "--no-store"]) == 0
    assert not persist.location(tmp_path / "bare.ttl").exists()


def big_graph(path: Path, extra: int) -> None:
    """The bundled graph and ``extra`` more triples, so that loading it takes a while."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(paths.BUNDLED_GRAPH.read_text(encoding="utf-8"))
        for i in range(extra):
            handle.write(f'<urn:x:{i}> <urn:x:value> "{i}" .\n')


@pytest.mark.slow
def test_a_build_killed_midway_leaves_the_old_store_readable(graph):
    before = persist.state(graph)
    big_graph(graph, 100_000)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    loading = subprocess.Popen([sys.executable, "-m", "ipgraph.cli", "load", "--full", str(graph)], env=env)
    folder = persist.location(graph)
    try:
        deadline = time.monotonic() + 60
        while not any(p.name.startswith(".building-") for p in folder.iterdir()):
            assert loading.poll() is None, "the load ended before it began writing"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(0.3)
        # readers during the build see the old store, whole
        old = persist.read_only(persist.state(graph).version)
        assert protection_tasks(old) == 7
        assert loading.poll() is None, "the load ended before it could be killed"
    finally:
        loading.send_signal(signal.SIGKILL)
        loading.wait()
    assert any(p.name.startswith(".building-") for p in folder.iterdir())  # the half-built version
    now = persist.state(graph)
    assert now.version == before.version and not now.current  # still the old version, never the half one
    with pytest.raises(IpgraphError, match="another version"):
        persist.open_graph(graph, rebuild=False)
    rebuilt = persist.open_graph(graph, entailments=True)  # rebuilt whole; the killed build's folder is cleared
    assert rebuilt.location is not None and count(rebuilt) == count(entailed_in_memory(graph)[0])
    assert not any(p.name.startswith(".building-") for p in folder.iterdir())


NETWORK_QUERIES = sorted(n for n in library() if n.startswith("network-") and n != ALL_TRIPLES)


@pytest.mark.parametrize("name", NETWORK_QUERIES)
def test_the_network_queries_answer_on_the_store_as_on_the_file_alone(graph, name):
    """They read nothing the ontology entails, so the store serves them as it is (entailments and all)."""
    store = persist.open_graph(graph, entailments=None)
    assert store.location is not None
    on_store, on_file = (run_embedded(s, library()[name]) for s in (store, EmbeddedStore.from_file(graph)))
    assert on_store.variables == on_file.variables
    assert sorted(map(str, on_store.rows)) == sorted(map(str, on_file.rows)) and on_file.rows


def test_network_reads_the_current_store_not_the_file(graph, monkeypatch, capsys):
    argv = ["network", "report", "--graph", str(graph), "-f", "json"]
    monkeypatch.setattr(persist.EmbeddedStore, "from_file", lambda *_: pytest.fail("the graph file was read"))
    assert main(argv) == 0
    from_store = capsys.readouterr().out
    monkeypatch.undo()
    shutil.rmtree(persist.location(graph))
    assert main(argv) == 0
    assert capsys.readouterr().out == from_store
