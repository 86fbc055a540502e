"""Servers the tests start on 127.0.0.1: free ports, starting, waiting and stopping, bounded in time.

A program the tests need and do not find fails the test in CI (``CI=true``, where ``.ci/run``
installs it) and skips it elsewhere.
"""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ipgraph.web.limits import Limits

HOST = "127.0.0.1"
START_SECONDS = 15.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def required(program: str | None, in_ci: str, elsewhere: str) -> str:
    """The program, or a failure in CI (message ``in_ci``) and a skip elsewhere (reason ``elsewhere``)."""
    if program is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI: {in_ci}")
        pytest.skip(elsewhere)
    return program


def oxigraph_program() -> str:
    """The ``oxigraph`` server program (PyPI ``oxigraph``): beside this Python, else on PATH."""
    beside_python = Path(sys.executable).with_name("oxigraph")
    found = str(beside_python) if beside_python.exists() else shutil.which("oxigraph")
    return required(
        found,
        "the oxigraph program (PyPI oxigraph, test extra) is missing",
        "the oxigraph program is not installed (pip install oxigraph)",
    )


def wait_for_port(port: int, seconds: float = START_SECONDS, process: subprocess.Popen | None = None) -> None:
    """Wait until something listens on 127.0.0.1:``port``; fail early if ``process`` exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with status {process.returncode}")
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {HOST}:{port} after {seconds} s")


def stop(process: subprocess.Popen, seconds: float = 10) -> None:
    """Terminate the process; kill it if it has not exited within ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running(app, limits: Limits | None = None) -> Iterator[str]:
    """Serve the ASGI ``app`` with uvicorn in a thread on a free port; yield its base URL.

    With ``limits``, under the configuration ``ipgraph serve`` itself uses (``server_config``,
    which enforces the connection limits); without, under uvicorn's defaults.
    """
    import uvicorn

    from ipgraph.web.server import server_config

    port = free_port()
    if limits is None:
        config = uvicorn.Config(app, host=HOST, port=port, log_level="warning")
    else:
        config = server_config(app, HOST, port, limits)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=START_SECONDS)


class _LocalServer(http.server.ThreadingHTTPServer):
    """Closing waits for the requests being answered, so that none outlives its test; a client
    that went away (the timeout tests leave a slow answer behind) is not an error to print."""

    daemon_threads = False

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def local_server(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threading HTTP server answering with ``handler`` on a free port; yield its base URL."""
    server = _LocalServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
