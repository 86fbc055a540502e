"""`ipgraph query` as a whole process on a current store: it imports little beyond pyoxigraph,
and its time and memory limits end the process itself, with their messages and exit status 2."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ipgraph import paths
from ipgraph.sparql import persist, signature

ROOT = Path(__file__).resolve().parents[1]
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?i LIMIT 1"
# What a query on a current store must not import: the parser and rdflib stack, networks, HTTP, child processes.
HEAVY = ("rdflib", "pyshacl", "networkx", "httpx", "starlette", "uvicorn", "multiprocessing", "hashlib")

# The command line as the installed script runs it (no arguments to main), then the modules it had
# imported when it ended (it ends with os._exit once its answer is written).
PROBE = """
import json, os, sys
from ipgraph.cli import main
end = os._exit

def report(code):
    print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
    sys.stderr.flush()
    end(code)

os._exit = report
sys.argv = ["ipgraph", *sys.argv[1:]]
report(main())
"""


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> Path:
    """A copy of the bundled graph with its store, current and already known by its stat signature."""
    path = tmp_path_factory.mktemp("process") / "g.ttl"
    shutil.copy(paths.BUNDLED_GRAPH, path)
    persist.create(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signature, "RACY_NS", 0)  # the copy is fresh; its timestamps count as settled
        time.sleep(0.01)
        assert persist.state(path).current
    assert (persist.state(path).version / signature.SIGNATURE).exists()
    return path


def ipgraph(*argv: str, probe: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", PROBE] if probe else [sys.executable, "-m", "ipgraph.cli"]
    return subprocess.run([*command, *argv], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def test_a_named_query_on_a_current_store_imports_nothing_heavy(stored):
    done = ipgraph("query", "departments", "--graph", str(stored), "-f", "csv", probe=True)
    *_, report = done.stderr.strip().splitlines()
    probe = json.loads(report)
    assert probe["code"] == 0 and "org/cnipa/protection" in done.stdout
    assert "pyoxigraph" in probe["modules"]
    heavy = sorted(m for m in probe["modules"] if m.split(".")[0] in HEAVY)
    assert heavy == []


def test_the_process_answers_as_a_query_in_python(stored, capsys):
    from ipgraph.cli import main

    done = ipgraph("query", "tasks-per-department", "--graph", str(stored), "-f", "json")
    assert done.returncode == 0, done.stderr
    assert main(["query", "tasks-per-department", "--graph", str(stored), "-f", "json"]) == 0
    assert json.loads(done.stdout) == json.loads(capsys.readouterr().out)


@pytest.mark.slow
def test_the_time_limit_ends_the_process_with_its_message(stored):
    done = ipgraph("query", SLOW, "--graph", str(stored), "--timeout", "1")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        "ipgraph: query stopped: it ran past the time limit of 1 s, and no results were returned "
        "(simplify the query, add a LIMIT, or raise the limit)\n"
    )


@pytest.mark.slow
def test_the_memory_limit_ends_the_process_with_its_message(stored):
    done = ipgraph("query", HUNGRY, "--graph", str(stored), "--timeout", "60", "--max-memory", "64")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[-1] == (
        "ipgraph: query stopped: it needed more than 64 MiB of memory, the limit per query, "
        "and no results were returned (narrow the query or add a LIMIT)"
    )


def test_without_a_time_limit_the_memory_limit_still_holds(stored):
    done = ipgraph("query", HUNGRY, "--graph", str(stored), "--timeout", "0", "--max-memory", "64")
    assert done.returncode == 2 and "more than 64 MiB of memory" in done.stderr


def test_a_query_nested_too_deeply_for_the_engine_ends_a_child_not_the_command(stored, tmp_path):
    deep = tmp_path / "deep.rq"
    deep.write_text("SELECT * WHERE " + "{" * 100_000 + "?s ?p ?o" + "}" * 100_000, encoding="utf-8")
    for timeout in ("30", "0"):
        done = ipgraph("query", str(deep), "--graph", str(stored), "--timeout", timeout)
        assert done.returncode == 2 and "nested very deeply" in done.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sig", "status", "message"),
    [(signal.SIGINT, 130, "ipgraph: interrupted"), (signal.SIGTERM, 143, "ipgraph: stopped (SIGTERM)")],
)
def test_ctrl_c_and_sigterm_stop_a_running_query_at_once(stored, sig, status, message):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "ipgraph.cli", "query", SLOW, "--graph", str(stored), "--timeout", "0"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(2)  # the engine is counting
        assert process.poll() is None
        process.send_signal(sig)
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == status and out == "" and err.strip() == message
