"""python -m benchmarks.endpoint — `ipgraph serve` against the Oxigraph server under many clients.

Both servers hold the bundled 2021 graph and listen on 127.0.0.1; the same named query (its
text as ipgraph sends it to a remote store) is asked by ``--clients`` concurrent clients, each on
one kept-alive connection, ``--requests`` times each, first of one server, then of the other, in
the same run. A third pass asks ipgraph again while two more clients keep sending a query that
only the time limit stops: the others' latency shows whether slow queries hold them up.
Clients run in ``--processes`` processes of threads, so the client is not one interpreter's lock.
Each client opens its connection before the pass starts: fifty clients connecting at the same
instant made their first requests the slowest of all (on either server), which said more about
connecting than about answering; the time to connect is reported apart.
Figures: requests per second over the pass, and latency percentiles (p50, p99) of single requests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from ipgraph import paths
from ipgraph.files import atomic_write
from ipgraph.sparql.library import library
from ipgraph.sparql.remote import remote_text

from .measure import machine
from .server import executable, free_port

HERE = Path(__file__).resolve().parent
QUERY = "tasks-per-department"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STR(?c) != STR(?i)) }"
MARK_START, MARK_END = "<!-- endpoint-load: start -->", "<!-- endpoint-load: end -->"
TIMEOUT = 5.0  # seconds: both servers' query time limit (what stops the slow queries)


@dataclass(frozen=True)
class Target:
    """Where a client sends its request: method, path, body, headers."""

    port: int
    method: str
    path: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()


def ipgraph_target(port: int, query: str = QUERY) -> Target:
    return Target(port, "GET", f"/queries/{query}.json", headers=(("Host", f"127.0.0.1:{port}"),))


def sparql_target(port: int, path: str, text: str) -> Target:
    headers = (("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/sparql-results+json"))
    return Target(port, "POST", path, urlencode({"query": text}).encode(), headers)


def ask(connection: http.client.HTTPConnection, target: Target) -> tuple[int, bytes]:
    connection.request(target.method, target.path, body=target.body, headers=dict(target.headers))
    response = connection.getresponse()
    return response.status, response.read()


def client_thread(
    target: Target, requests: int, start: float, latencies: list[float], failures: list[str], connects: list[float]
) -> None:
    """One client: it connects, waits for ``start`` (a wall-clock time), then sends its requests one by one."""
    connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=60)
    try:
        began = time.perf_counter()
        try:
            connection.connect()
            connects.append(time.perf_counter() - began)
        except OSError as exc:
            failures.append(type(exc).__name__)
        time.sleep(max(0.0, start - time.time()))
        for _ in range(requests):
            started = time.perf_counter()
            try:
                status, body = ask(connection, target)
            except (http.client.HTTPException, OSError) as exc:
                failures.append(type(exc).__name__)
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=60)
                continue
            latencies.append(time.perf_counter() - started)
            if status != 200:
                failures.append(f"HTTP {status}: {body[:80]!r}")
    finally:
        connection.close()


def client_process(args: tuple[Target, int, int, float]) -> tuple[list[float], list[str], float, list[float]]:
    """``threads`` clients of ``requests`` requests each, all starting at ``start`` (a wall-clock time),
    each on a connection opened before then (the time to connect is measured apart)."""
    target, threads, requests, start = args
    latencies: list[float] = []
    failures: list[str] = []
    connects: list[float] = []
    workers = [
        threading.Thread(target=client_thread, args=(target, requests, start, latencies, failures, connects))
        for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, failures, time.time(), connects


def load(target: Target, clients: int, requests: int, processes: int) -> dict:
    """Throughput and latency of ``clients`` concurrent clients asking ``target``."""
    shares = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        start = time.time() + 1.5  # every client process started, connected and waiting
        parts = pool.map(client_process, [(target, n, requests, start) for n in shares if n])
    latencies = sorted(x for part, _, _, _ in parts for x in part)
    failures = [f for _, part, _, _ in parts for f in part]
    connects = sorted(x for _, _, _, part in parts for x in part)
    wall = max(max(end for _, _, end, _ in parts) - start, 1e-9)
    return {
        "requests": len(latencies),
        "failures": len(failures),
        "failure_examples": sorted(set(failures))[:3],
        "seconds": wall,
        "per_second": len(latencies) / wall,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "max": latencies[-1] if latencies else 0.0,
        "connect_p50": percentile(connects, 50),
        "connect_max": connects[-1] if connects else 0.0,
    }


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


class Process:
    """A server process on a free port of 127.0.0.1, stopped on leaving the block."""

    def __init__(self, command: list[str], port: int):
        self.command, self.port = command, port
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Process:
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[0]} exited: {self.process.stderr.read().decode()[-500:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection.request("GET", "/", headers={"Host": f"127.0.0.1:{self.port}"})
                connection.getresponse().read()
                connection.close()
                return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()  # a server that never answered is not left running
        raise RuntimeError(f"{self.command[0]} did not answer on port {self.port}")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def with_slow_clients(target: Target, slow: Target, clients: int, requests: int, processes: int) -> dict:
    """``load`` while two more clients keep sending a query that runs to the time limit."""
    stop = threading.Event()

    def keep_asking() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", slow.port, timeout=60)
        while not stop.is_set():
            try:
                ask(connection, slow)
            except (http.client.HTTPException, OSError):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", slow.port, timeout=60)
        connection.close()

    slow_clients = [threading.Thread(target=keep_asking) for _ in range(2)]
    for thread in slow_clients:
        thread.start()
    time.sleep(1.0)  # both slow queries under way
    try:
        return load(target, clients, requests, processes)
    finally:
        stop.set()
        for thread in slow_clients:
            thread.join(timeout=TIMEOUT * 3)


def run(args: argparse.Namespace) -> dict:
    graph = paths.BUNDLED_GRAPH
    text = remote_text(library()[QUERY])
    oxigraph = executable()
    if oxigraph is None:
        raise SystemExit("python -m benchmarks.endpoint: the oxigraph program is needed (pip install oxigraph)")
    figures: dict = {"query": QUERY, "clients": args.clients, "requests_per_client": args.requests}
    port = free_port()
    serve = [sys.executable, "-m", "ipgraph.cli", "serve", "--graph", str(graph)]
    with Process([*serve, "--port", str(port), "--timeout", str(TIMEOUT)], port):
        target = ipgraph_target(port)
        load(target, args.clients, 2, args.processes)  # warm-up
        figures["ipgraph"] = load(target, args.clients, args.requests, args.processes)
        slow = sparql_target(port, "/sparql", SLOW)
        figures["ipgraph_with_slow"] = with_slow_clients(target, slow, args.clients, args.requests, args.processes)
    port = free_port()
    with Process([*serve, "--port", str(port), "--timeout", str(TIMEOUT), "--answers", "0"], port):
        figures["ipgraph_uncached"] = load(ipgraph_target(port), args.clients, args.requests, args.processes)
    port = free_port()
    command = [oxigraph, "serve", "--bind", f"127.0.0.1:{port}", "--timeout-s", str(int(TIMEOUT))]
    with Process(command, port):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        status, body = ask(
            connection, Target(port, "PUT", "/store?default", graph.read_bytes(), (("Content-Type", "text/turtle"),))
        )
        connection.close()
        if status >= 300:
            raise RuntimeError(f"oxigraph server: HTTP {status} loading the graph: {body[:200]!r}")
        target = sparql_target(port, "/query", text)
        load(target, args.clients, 2, args.processes)  # warm-up
        figures["oxigraph"] = load(target, args.clients, args.requests, args.processes)
    return figures


def markdown(figures: dict, when: str, command: str) -> str:
    ours, theirs, slow = figures["ipgraph"], figures["oxigraph"], figures["ipgraph_with_slow"]
    uncached = figures["ipgraph_uncached"]
    share = ours["per_second"] / theirs["per_second"]

    def row(name: str, f: dict) -> str:
        failed = f" ({f['failures']} failed: {', '.join(f['failure_examples'])})" if f["failures"] else ""
        return (
            f"| {name} | {f['requests']}{failed} | {f['per_second']:.0f} | {f['p50'] * 1000:.1f} ms "
            f"| {f['p99'] * 1000:.1f} ms | {f['max'] * 1000:.0f} ms |"
        )

    spread = ours["p99"] / max(ours["p50"], 1e-9)
    fresh = uncached["per_second"] / theirs["per_second"]
    fresh_spread = uncached["p99"] / max(uncached["p50"], 1e-9)
    return "\n".join(
        [
            MARK_START,
            "## Endpoint under load",
            "",
            f"Run {when} with `{command}`: the named query `{figures['query']}` on the bundled 2021 graph, "
            f"{figures['clients']} concurrent clients × {figures['requests_per_client']} requests, each client on one "
            "kept-alive connection opened before the pass starts (latencies are of requests; connecting took "
            f"{ours['connect_p50'] * 1000:.1f} ms at the median and {ours['connect_max'] * 1000:.0f} ms at most "
            f"for ipgraph, {theirs['connect_p50'] * 1000:.1f} and {theirs['connect_max'] * 1000:.0f} ms for "
            "Oxigraph); `ipgraph serve` (`/queries/NAME.json`) and `oxigraph serve` in memory "
            "(`/query`, the same text) one after the other on 127.0.0.1, with a time limit of 5 s each. "
            f"Machine: {machine_text()}.",
            "",
            "| server | requests | per second | p50 | p99 | max |",
            "|---|---|---|---|---|---|",
            row("Oxigraph server", theirs),
            row("ipgraph serve", ours),
            row("ipgraph serve, two clients sending a query that runs to the time limit", slow),
            row(
                "ipgraph serve, answers not reused (`--answers 0`: every request runs the query)",
                uncached,
            ),
            "",
            "| target | measured | met |",
            "|---|---|---|",
            f"| throughput ≥ 50 % of the Oxigraph server's | {share:.0%} | {'yes' if share >= 0.5 else 'no'} |",
            f"| the same, answers not reused | {fresh:.0%} | {'yes' if fresh >= 0.5 else 'no'} |",
            f"| p99 ≤ 10 × p50 | {spread:.1f} × (answers not reused: {fresh_spread:.1f} ×) | "
            f"{'yes' if spread <= 10 else 'no'} |",
            f"| two slow queries keep others' p99 ≤ 1 s | {slow['p99'] * 1000:.0f} ms | "
            f"{'yes' if slow['p99'] <= 1 else 'no'} |",
            MARK_END,
        ]
    )


def machine_text() -> str:
    m = machine()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{m.get('cpu', '?')}, {m['cpus']} CPUs, {m.get('memory_gb', '?')} GB RAM; Python {m['python']}; "
        f"load average {load:.1f} at the end (other jobs shared the machine when above the CPU count)"
    )


def write_results(section: str) -> None:
    path = HERE / "RESULTS.md"
    text = path.read_text(encoding="utf-8")
    if MARK_START in text:
        before, rest = text.split(MARK_START, 1)
        after = rest.split(MARK_END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    atomic_write(path, text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.endpoint", description=__doc__)
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    p.add_argument("--requests", type=int, default=20, help="requests per client (default 20)")
    p.add_argument("--processes", type=int, default=4, help="client processes (default 4)")
    p.add_argument("--results", action="store_true", help="also write the section of benchmarks/RESULTS.md")
    args = p.parse_args(argv)
    from datetime import UTC, datetime

    figures = run(args)
    command = "python -m benchmarks.endpoint " + " ".join(argv if argv is not None else sys.argv[1:])
    section = markdown(figures, datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), command.strip())
    (HERE / "out").mkdir(exist_ok=True)
    atomic_write(HERE / "out" / "endpoint.json", json.dumps(figures, indent=1).encode("utf-8"))
    print(section)
    if args.results:
        write_results(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
