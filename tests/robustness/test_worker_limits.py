"""Queries under `ipgraph serve` and `ipgraph query`: memory per query, CONSTRUCT cut as it streams,
and no query process outliving the command that started it. Everything runs on 127.0.0.1, bounded."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ipgraph.errors import QueryMemoryError
from ipgraph.sparql.library import resolve
from ipgraph.sparql.run import run_embedded
from ipgraph.web.app import create_app
from ipgraph.web.limits import Limits, MiB
from tests.helpers.servers import free_port, running, wait_for_port

REPO = Path(__file__).resolve().parents[2]
BOUND = 30.0
TASKS = "SELECT ?n WHERE { ?t a ipg:Task ; ipg:number ?n }"
# Sorting a three-way cross product of all triples: the engine holds every row before the first answer.
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?i LIMIT 1"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STR(?c) != STR(?i)) }"
CROSS_CONSTRUCT = "CONSTRUCT { ?a ?b ?i } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def get(base: str, query: str) -> httpx.Response:
    return httpx.get(f"{base}/sparql", params={"query": query}, timeout=BOUND)


def test_the_default_memory_limit_is_one_gibibyte():
    assert Limits().memory == 1024 * MiB


def test_a_query_over_the_memory_limit_is_503_and_the_next_is_answered(store):
    limits = Limits(timeout=BOUND, memory=64 * MiB, workers=1)
    with running(create_app(store, limits), limits) as base:
        hungry = get(base, HUNGRY)
        after = get(base, TASKS)
    assert hungry.status_code == 503
    assert "more than 64 MiB of memory" in hungry.text
    assert after.status_code == 200 and len(after.json()["results"]["bindings"]) == 22


def test_a_time_limited_command_line_query_has_the_memory_limit_too(store):
    with pytest.raises(QueryMemoryError, match="more than 64 MiB of memory"):
        run_embedded(store, resolve(HUNGRY), timeout=BOUND, memory=64 * MiB)


@pytest.mark.slow
def test_a_construct_is_cut_at_the_row_cap_as_it_streams(store):
    """Six billion triples to build: only cutting them as they stream answers before the time limit."""
    limits = Limits(timeout=20, max_rows=100)
    with running(create_app(store, limits), limits) as base:
        response = httpx.get(f"{base}/sparql", params={"query": CROSS_CONSTRUCT}, timeout=BOUND)
    assert response.status_code == 422
    assert "more than 100 rows" in response.text


@pytest.mark.slow
def test_a_worker_stopped_at_the_time_limit_is_replaced(store):
    limits = Limits(timeout=2, workers=1)
    with running(create_app(store, limits), limits) as base:
        stopped = get(base, ENDLESS)
        answers = [get(base, TASKS).status_code for _ in range(3)]
    assert stopped.status_code == 503 and "time limit of 2 s" in stopped.text
    assert answers == [200, 200, 200]


def children_of(pid: int) -> set[int]:
    """Every process descending from ``pid`` (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def gone_within(pids: set[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() and "Z" not in _state(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def ipgraph(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ipgraph.cli", *args], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def descendants_appear(process: subprocess.Popen, seconds: float = BOUND) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = children_of(process.pid)
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("no query process started")


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_query_command_leaves_no_query_running(sig):
    """The command's process is the query's (a query nested too deeply for it runs in a child)."""
    command = ipgraph("query", ENDLESS, "--timeout", "60")
    try:
        time.sleep(2)  # the query is under way
        assert command.poll() is None and children_of(command.pid) == set()
        started = time.monotonic()
        os.kill(command.pid, sig)
        command.wait(timeout=BOUND)
        assert time.monotonic() - started < 5
    finally:
        command.kill()
        command.wait()


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_command_leaves_no_child_query_running(sig, tmp_path):
    deep = tmp_path / "deep.rq"
    deep.write_text("SELECT (COUNT(*) AS ?n) WHERE " + "{" * 200 + ENDLESS.split("WHERE", 1)[1] + "}" * 200)
    command = ipgraph("query", str(deep), "--timeout", "60")
    try:
        children = descendants_appear(command)
        time.sleep(1)  # the query is under way
        os.kill(command.pid, sig)
        command.wait(timeout=BOUND)
        assert gone_within(children, 5)
    finally:
        command.kill()
        command.wait()


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_stopped_server_leaves_no_query_running_and_stops_at_once(sig):
    port = free_port()
    server = ipgraph("serve", "--port", str(port), "--timeout", "60")
    try:
        wait_for_port(port, process=server)
        with httpx.Client(timeout=1) as client, contextlib.suppress(httpx.TimeoutException):  # the query runs on
            client.get(f"http://127.0.0.1:{port}/sparql", params={"query": ENDLESS})
        children = children_of(server.pid)  # the workers too: they start while the server listens
        started = time.monotonic()
        os.kill(server.pid, sig)
        server.wait(timeout=BOUND)
        assert time.monotonic() - started < 10
        assert gone_within(children, 5)
    finally:
        server.kill()
        server.wait()
