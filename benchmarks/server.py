"""The Oxigraph server as a peer: started on a free local port, loaded and queried over HTTP."""

from __future__ import annotations

import contextlib
import http.client
import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

CONTENT_TYPES = {".nt": "application/n-triples", ".ttl": "text/turtle"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def executable() -> str | None:
    """The ``oxigraph`` server command (PyPI package ``oxigraph``), if installed: next to this
    Python first (a virtual environment run without activating it), then on the PATH."""
    return shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


class OxigraphServer:
    """An in-memory ``oxigraph serve`` bound to 127.0.0.1; use as a context manager.

    A request is stopped after ``timeout`` seconds, and the server may use at most
    ``memory`` bytes of address space (a query whose intermediate results grow with the
    square of the graph once took 23 GB and was killed by the kernel): after either, the
    server is gone and ``restart`` starts a fresh one.
    """

    def __init__(self, command: str, timeout: float = 120.0, memory: int = 8 * 2**30):
        self.command = command
        self.timeout = timeout
        self.memory = memory
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.client: Client | None = None

    def __enter__(self) -> OxigraphServer:
        self.process = subprocess.Popen(
            [self.command, "serve", "--bind", f"127.0.0.1:{self.port}", "--timeout-s", str(int(self.timeout))],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=self._prepare_child,
        )
        self._wait_ready()
        self.client = Client(self.port, self.timeout)
        return self

    def _prepare_child(self) -> None:
        """In the server process: the memory cap, and SIGTERM when the runner dies (Linux), since a
        runner busy in a long native call cannot run its own SIGTERM handler before it is killed."""
        import ctypes
        import resource
        import signal

        resource.setrlimit(resource.RLIMIT_AS, (self.memory, self.memory))
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    def restart(self) -> None:
        """Stop the server (if it still runs) and start an empty one."""
        self.__exit__(None, None, None)
        self.port = free_port()
        self.__enter__()

    def __exit__(self, *exc) -> None:
        if self.client:
            self.client.close()
            self.client = None
        if self.process:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _wait_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited with status {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"oxigraph serve did not listen on port {self.port} within {timeout} s")


class Client:
    """Requests to a SPARQL server on 127.0.0.1 over one kept-alive connection: SPARQL Protocol
    queries and Graph Store Protocol loads. A request is given up after ``timeout`` seconds."""

    def __init__(self, port: int, timeout: float = 120.0):
        self.port = port
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.connection:
            self.connection.close()
            self.connection = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> bytes:
        """One HTTP request on a kept-alive connection (reconnecting if the server closed it)."""
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout + 10)
            try:
                self.connection.request(method, path, body=body, headers=headers or {})
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.HTTPException, ConnectionError, TimeoutError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            if response.status >= 300:
                raise RuntimeError(f"oxigraph server: HTTP {response.status} on {path}: {data[:300]!r}")
            return data
        raise AssertionError("unreachable")

    def replace(self, path: Path) -> None:
        """Replace the default graph with a file's triples (Graph Store Protocol PUT)."""
        self.request("PUT", "/store?default", path.read_bytes(), {"Content-Type": CONTENT_TYPES[path.suffix]})

    def select(self, sparql: str) -> int:
        """Run a query; the number of result rows (or triples) it returned."""
        body = urlencode({"query": sparql}).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json, application/n-triples",
        }
        data = self.request("POST", "/query", body, headers)
        if data.startswith(b"{"):
            answer = json.loads(data)
            return len(answer["results"]["bindings"]) if "results" in answer else 1
        return sum(1 for line in data.splitlines() if line.strip())
