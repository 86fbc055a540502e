"""`ipgraph push` against stores that are stopped, refuse credentials, never answer or die midway.

Each store is on 127.0.0.1: an Oxigraph server started here (so that it can be killed by
its PID), or a small socket server standing for a misbehaving one. ``ipgraph push`` runs
as a separate process, as a user runs it; every wait is bounded.
"""

from __future__ import annotations

import errno
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

from ipgraph import paths
from ipgraph.cli import main
from ipgraph.sparql.library import parse_header
from ipgraph.sparql.remote import Endpoints, fingerprint, remote_fingerprint, run_remote
from tests.helpers.servers import free_port, local_server, oxigraph_program, stop, wait_for_port

REPO = Path(__file__).resolve().parents[2]
BOUND = 120.0  # seconds: a generous upper bound for any one push
SYNTHETIC_TRIPLES = 40_000  # a load that takes Oxigraph a few seconds, long enough to be killed midway


# ---------------------------------------------------------------- an Oxigraph server of our own


class Oxigraph:
    """An Oxigraph server on 127.0.0.1 with its data in ``location``; it can be killed and started again."""

    def __init__(self, location: Path):
        self.location = location
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def start(self) -> None:
        command = [oxigraph_program(), "serve", "--bind", f"127.0.0.1:{self.port}", "--location", str(self.location)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, 30, self.process)

    def kill(self) -> None:
        """Kill the server by its PID (SIGKILL: no chance to finish what it was doing)."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop(self.process, 30)

    def count(self, where: str = "") -> int:
        """Triples in one named graph (``where`` = IRI), or quads in the whole store."""
        pattern = f"GRAPH <{where}> {{ ?s ?p ?o }}" if where else "GRAPH ?g { ?s ?p ?o }"
        result = run_remote(self.url, parse_header("q", f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"))
        return int(result.values("n")[0])

    def graphs(self) -> set[str]:
        result = run_remote(self.url, parse_header("q", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))
        return set(result.values("g"))


@pytest.fixture
def oxigraph(tmp_path) -> Iterator[Oxigraph]:
    server = Oxigraph(tmp_path / "store")
    server.start()
    try:
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------- graphs and the push command


@pytest.fixture(scope="module")
def small_graph(tmp_path_factory) -> Path:
    """The 2021 graph as N-Triples."""
    path = tmp_path_factory.mktemp("graphs") / "tasklists.nt"
    path.write_bytes(ox.serialize(ox.parse(path=str(paths.BUNDLED_GRAPH), format=ox.RdfFormat.TURTLE),
                                  format=ox.RdfFormat.N_TRIPLES))  # fmt: skip
    return path


@pytest.fixture(scope="module")
def big_graph(tmp_path_factory) -> Path:
    """A synthetic graph with other triples than the 2021 graph, big enough for a load of a few seconds."""
    path = tmp_path_factory.mktemp("graphs") / "synthetic.nt"
    lines = (
        f'<urn:ipgraph:test:m{i}> <urn:ipgraph:test:p{i % 7}> "举措 {i}：加强知识产权保护，完善体制机制。"@zh .\n'
        for i in range(SYNTHETIC_TRIPLES)
    )
    path.write_text("".join(lines), encoding="utf-8")
    return path


def push_command(endpoint: str, file: Path, graph: str, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "ipgraph.cli", "push", "--endpoint", endpoint, "--file", str(file)]
    command += ["--graph", graph, *extra]
    return subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy()
    )


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=BOUND)
    return process.returncode, out, err


def push_cli(endpoint: str, file: Path, graph: str, *extra: str) -> tuple[int, str, str]:
    return finish(push_command(endpoint, file, graph, *extra))


def assert_one_readable_line(err: str, endpoint_base: str, what: str) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"ipgraph: {endpoint_base}/"), err
    assert what in lines[0], err


def new_graph_iri() -> str:
    return f"https://w3id.org/ipgraph/graph/test-{uuid.uuid4()}"


def file_fingerprint(path: Path):
    return fingerprint(path.read_text(encoding="utf-8"))


def distinct_lines(path: Path) -> int:
    return len({line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()})


# ---------------------------------------------------------------- a store that dies midway


def wait_for_connection(port: int, seconds: float) -> None:
    """Wait until a client is connected to 127.0.0.1:``port`` (Linux: /proc/net/tcp), i.e. the upload has begun."""
    local = f"0100007F:{port:04X}"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1] == local and fields[3] == "01":  # ESTABLISHED, on the server's side
                return
        time.sleep(0.01)
    raise RuntimeError(f"no client connected to port {port} within {seconds} s")


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="watching the load needs Linux's /proc/net/tcp")
def test_a_store_killed_during_the_load_keeps_the_old_graph_or_the_new_one_whole(oxigraph, small_graph, big_graph):
    graph = new_graph_iri()
    assert push_cli(oxigraph.url, small_graph, graph)[0] == 0
    old, new = file_fingerprint(small_graph), file_fingerprint(big_graph)
    assert remote_fingerprint(Endpoints.derive(oxigraph.url), graph, 60) == old

    pushing = push_command(oxigraph.url, big_graph, graph)
    wait_for_connection(oxigraph.port, 60)
    time.sleep(0.5)  # into the load, which takes a few seconds
    oxigraph.kill()
    status, _, err = finish(pushing)
    assert status == 2
    assert_one_readable_line(err, f"http://127.0.0.1:{oxigraph.port}", "")

    oxigraph.start()  # the same data directory
    held = remote_fingerprint(Endpoints.derive(oxigraph.url), graph, 60)
    assert held in (old, new)
    assert oxigraph.count(graph) in (old.count, new.count)

    status, out, err = push_cli(oxigraph.url, big_graph, graph)
    assert status == 0, err
    assert f"pushed {distinct_lines(big_graph)} triples" in out
    assert remote_fingerprint(Endpoints.derive(oxigraph.url), graph, 60) == new
    assert oxigraph.graphs() == {graph}  # what the dead push left of its staging graph is gone
    assert oxigraph.count() == new.count == SYNTHETIC_TRIPLES


@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_loading_twice_never_duplicates_triples(oxigraph, small_graph, protocol):
    graph = new_graph_iri()
    for _ in range(2):
        status, _, err = push_cli(oxigraph.url, small_graph, graph, "--protocol", protocol)
        assert status == 0, err
    assert oxigraph.graphs() == {graph}
    assert oxigraph.count(graph) == oxigraph.count() == distinct_lines(small_graph)


# ---------------------------------------------------------------- stopped, refusing, silent stores


@pytest.mark.realstore
@pytest.mark.slow
def test_a_stopped_store_is_a_clear_error_and_a_retry_succeeds(tmp_path, small_graph):
    server = Oxigraph(tmp_path / "store")
    graph = new_graph_iri()
    status, out, err = push_cli(server.url, small_graph, graph)
    assert status == 2 and out == ""
    assert_one_readable_line(err, f"http://127.0.0.1:{server.port}", "cannot reach the store")
    server.start()
    try:
        status, out, err = push_cli(server.url, small_graph, graph)
        assert status == 0, err
        assert server.count(graph) == distinct_lines(small_graph)
    finally:
        server.stop()


class Refusing(http.server.BaseHTTPRequestHandler):
    """A store that wants other credentials than the ones it is given."""

    def refuse(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"wrong user or password\n"
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="store"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = refuse

    def log_message(self, *args) -> None:
        pass


@pytest.mark.slow
def test_refused_credentials_are_a_clear_error(small_graph, monkeypatch):
    monkeypatch.setenv("IPGRAPH_ENDPOINT_USER", "pusher")
    monkeypatch.setenv("IPGRAPH_ENDPOINT_PASSWORD", "wrong")
    with local_server(Refusing) as base:
        status, out, err = push_cli(f"{base}/query", small_graph, new_graph_iri())
    assert status == 2 and out == ""
    assert_one_readable_line(err, base, "authentication refused")
    assert "wrong" not in err  # the password is never shown


@contextmanager
def silent_store() -> Iterator[str]:
    """A store that accepts connections and never answers (nor reads what it is sent)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=10)
        for conn in held:
            conn.close()
        listener.close()


@pytest.mark.slow
def test_a_store_that_never_answers_is_a_time_out(small_graph):
    with silent_store() as base:
        status, out, err = push_cli(f"{base}/query", small_graph, new_graph_iri(), "--timeout", "1")
    assert status == 2 and out == ""
    assert_one_readable_line(err, base, "no answer within 1 s (timed out)")


# ---------------------------------------------------------------- the push report


def test_the_report_says_what_was_verified(oxigraph, small_graph, tmp_path):
    report = tmp_path / "push.json"
    graph = new_graph_iri()
    status, _, err = push_cli(oxigraph.url, small_graph, graph, "--report", str(report))
    assert status == 0, err
    written = json.loads(report.read_text(encoding="utf-8"))
    expected = file_fingerprint(small_graph)
    assert written == {
        "status": "verified",
        "endpoint": oxigraph.url,
        "graph": graph,
        "triples": expected.count,
        "sha256": expected.checksum,
    }


def test_a_failed_push_reports_the_failure(small_graph, tmp_path):
    report = tmp_path / "push.json"
    endpoint = f"http://127.0.0.1:{free_port()}/query"
    status, _, err = push_cli(endpoint, small_graph, new_graph_iri(), "--report", str(report))
    assert status == 2
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["status"] == "failed"
    assert written["error"] == err.strip().removeprefix("ipgraph: ")


def test_a_report_write_failing_midway_leaves_the_previous_report(small_graph, tmp_path, fail_writes_midway, capsys):
    """The report goes through atomic_write: a write that fails halfway leaves the old report whole."""
    report = tmp_path / "push.json"
    report.write_text('{"status": "verified"}\n', encoding="utf-8")
    fail_writes_midway(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    endpoint = f"http://127.0.0.1:{free_port()}/query"
    assert main(["push", "--endpoint", endpoint, "--file", str(small_graph), "--report", str(report)]) == 2
    assert "push.json: cannot write: No space left on device" in capsys.readouterr().err
    assert report.read_text(encoding="utf-8") == '{"status": "verified"}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["push.json"]
