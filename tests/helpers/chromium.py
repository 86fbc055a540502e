"""Headless Chromium for the browser tests, driven over the DevTools protocol.

Chromium runs on a throwaway profile with its own network chatter (updates, sync, QUIC)
turned off, its DevTools port on 127.0.0.1 only. Missing, it fails the test in CI and
skips it elsewhere (``tests.helpers.servers.required``).
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.servers import required, stop

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]


def chromium_program() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    return required(
        found,
        "chromium is missing (.ci/run installs the Debian package)",
        "chromium is not installed (apt-get install chromium)",
    )


class DevTools:
    """A DevTools-protocol client for one page; the events it receives are kept in ``events``."""

    def __init__(self, url: str):
        import websocket  # websocket-client, a test extra: imported here so that modules using this one still load

        self.socket = websocket.create_connection(url, timeout=30, suppress_origin=True)
        self.ids = itertools.count(1)
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        message_id = next(self.ids)
        self.socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        answer = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in answer:
            raise RuntimeError(f"{expression}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def wait_until(self, expression: str, seconds: float = 60):
        """The first truthy value of ``expression``, evaluated every 0.1 s."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {expression}")

    def wait_for_event(self, method: str, seconds: float = 30) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for event in self.events:
                if event.get("method") == method:
                    return event
            self.events.append(json.loads(self.socket.recv()))
        raise AssertionError(f"no {method} within {seconds}s")

    def errors(self) -> list[dict]:
        """Uncaught exceptions, console errors and failed assertions, and error log entries, so far."""
        return [
            e
            for e in self.events
            if e.get("method") == "Runtime.exceptionThrown"
            or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
            or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
        ]


@contextmanager
def chromium_page(profile: Path, domains: Iterable[str], flags: Iterable[str] = ()) -> Iterator[DevTools]:
    """A headless Chromium on a blank page, with the DevTools ``domains`` enabled; stopped on exit.

    ``profile`` is an empty directory for Chromium's profile; ``flags`` are added to ``FLAGS``.
    """
    command = [chromium_program(), *FLAGS, *flags, f"--user-data-dir={profile}", "about:blank"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port = devtools_port(profile / "DevToolsActivePort", process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            targets = json.loads(response.read())
        page = DevTools(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        try:
            for domain in domains:
                page.call(f"{domain}.enable")
            yield page
        finally:
            page.socket.close()
    finally:
        stop(process)


def devtools_port(path: Path, process: subprocess.Popen, seconds: float = 30) -> int:
    """The port Chromium writes to ``DevToolsActivePort`` in its profile once DevTools listens."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with status {process.returncode}")
        if path.exists() and path.read_text().strip():
            return int(path.read_text().split()[0])
        time.sleep(0.1)
    raise RuntimeError("chromium did not open its DevTools port")
