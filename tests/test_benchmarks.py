"""Smoke test of the benchmark suite at its smallest scale: it runs and reports every section.

No timing assertions: figures depend on the machine; only their presence and shape are checked.
"""

from __future__ import annotations

import io
import json
import os

import pytest

from benchmarks import generate
from benchmarks.cli import main
from benchmarks.report import SECTIONS
from ipgraph.ingest.formats import SourceText
from ipgraph.ingest.layouts import parse as parse_layout
from ipgraph.progress import Progress


def test_generator_is_deterministic_and_parses_with_the_real_shape(document):
    first, again = generate.documents(3, seed=7), generate.documents(3, seed=7)
    assert first == again
    assert generate.documents(3, seed=8) != first
    docs = [parse_layout(SourceText.plain(f"doc{i}.txt", text)) for i, text in enumerate(first)]
    assert [d.key for d in docs] == ["cnipa-tasklist-2021", "cnipa-tasklist-2022", "cnipa-tasklist-2023"]
    real_bodies = {name for task in document.tasks for name in task.bodies}
    for doc in docs:
        assert len(doc.sections) == len(document.sections)
        assert {name for task in doc.tasks for name in task.bodies} <= real_bodies


@pytest.mark.slow
def test_suite_runs_at_smallest_scale(tmp_path):
    out, data = tmp_path / "out", tmp_path / "data"
    args = ["--scales", "2k", "--repeats", "1", "--rdflib-timeout", "2", "--out", str(out), "--data", str(data), "-q"]
    assert main(args) == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    (scale,) = results["scales"]
    assert scale["triples"] >= 1_000 and scale["documents"] >= 1
    sections = {figure["section"] for figure in scale["figures"]}
    assert set(SECTIONS) <= sections
    engines = {figure["engine"] for figure in scale["figures"]}
    assert {"ipgraph", "rdflib", "pyshacl", "oxigraph-server"} <= engines
    failures = [f for f in scale["figures"] if f["note"].startswith("failed")]
    assert not failures
    for figure in scale["figures"]:
        if figure["median"] is not None:
            assert figure["min"] <= figure["median"] <= figure["max"]
    # every engine agrees on the size of every query's answer
    rows: dict[str, set] = {}
    for figure in scale["figures"]:
        if figure["section"] == "query" and figure["rows"] is not None:
            rows.setdefault(figure["op"], set()).add(figure["rows"])
    assert rows and all(len(sizes) == 1 for sizes in rows.values()), rows
    # the graph is written as ipgraph writes N-Triples: sorted lines, each subject's together
    (written,) = data.glob("*/graph.nt")
    lines = written.read_text(encoding="utf-8").splitlines()
    assert len(lines) == scale["triples"] and lines == sorted(lines)
    # the fast SHACL engine and pySHACL find the same number of violations
    validation = {f["engine"]: f["rows"] for f in scale["figures"] if f["section"] == "validate"}
    assert validation["ipgraph"] == validation["pyshacl"]
    markdown = (out / "results.md").read_text(encoding="utf-8")
    assert "## Targets" in markdown
    for section in SECTIONS:
        assert f"### {section}" in markdown


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_only_and_clears_its_line():
    terminal, pipe = FakeTerminal(), io.StringIO()
    for stream, quiet in ((terminal, False), (pipe, False), (FakeTerminal(), True)):
        with Progress(3, "building", quiet=quiet, stream=stream) as bar:
            for step in range(3):
                bar.advance(describe=f"document {step + 1}")
    assert "building" in terminal.getvalue() and "3/3" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r")  # the line is cleared when done
    assert pipe.getvalue() == ""


@pytest.mark.slow
def test_build_quiet_prints_only_the_summary(tmp_path, capsys):
    from ipgraph.cli import main as ipgraph

    assert ipgraph(["build", "-q", "-o", str(tmp_path / "g.ttl")]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("wrote ") and captured.err == ""


def test_query_worker_measures_in_its_own_process_and_is_restarted_after_dying():
    from benchmarks.measure import Timer
    from benchmarks.worker import QueryWorker
    from ipgraph import paths
    from ipgraph.sparql.library import library
    from ipgraph.sparql.run import run_embedded
    from ipgraph.sparql.store import EmbeddedStore

    query = library()["departments"]
    here = run_embedded(EmbeddedStore.from_file(paths.BUNDLED_GRAPH), query)
    with QueryWorker(paths.BUNDLED_GRAPH, Timer(repeats=2, budget=5), query_timeout=60) as worker:
        first = worker.ipgraph("departments", query, {})
        pid = worker.process.pid
        assert pid != os.getpid()
        worker.process.kill()
        worker.process.join()
        again = worker.ipgraph("departments", query, {})
        assert worker.process.pid != pid
    assert first.rows == again.rows == len(here.rows) > 0
    assert not first.note and not again.note and len(first.runs) == 2
    assert worker.process is None  # stopped on leaving the block
