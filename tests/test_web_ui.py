"""The browser page of `ipgraph serve`, driven in headless Chromium over the DevTools protocol."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_serve import running

from ipgraph.queries import library
from ipgraph.run import run_embedded
from ipgraph.serve import Limits, create_app, default_network_page

websocket = pytest.importorskip("websocket", reason="websocket-client (test extra) drives Chromium")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
    "--remote-debugging-address=127.0.0.1",
]


def chromium_program() -> str:
    program = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if program is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI: chromium is missing (.ci/run installs the Debian package)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return program


class Browser:
    """One page of a headless Chromium, spoken to over the DevTools WebSocket."""

    def __init__(self, ws_url: str):
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.ids = itertools.count(1)
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        message_id = next(self.ids)
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, seconds: float = 20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {expression}")


@pytest.fixture(scope="module")
def site(store) -> Iterator[str]:
    with running(create_app(store, Limits(timeout=60), default_network_page(store))) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[Browser]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    process = subprocess.Popen(
        [chromium_program(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port = wait_for_devtools_port(profile / "DevToolsActivePort", process)
        pages = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        page = next(p for p in pages if p["type"] == "page")
        browser = Browser(page["webSocketDebuggerUrl"])
        browser.call("Network.enable")
        browser.call("Page.enable")
        yield browser
        browser.ws.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for_devtools_port(path: Path, process: subprocess.Popen, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with status {process.returncode}")
        if path.exists() and path.read_text().strip():
            return int(path.read_text().split()[0])
        time.sleep(0.1)
    raise RuntimeError("chromium did not open its DevTools port")


def open_page(browser: Browser, url: str) -> None:
    browser.events.clear()
    browser.call("Page.navigate", url=url)
    browser.wait_for("document.querySelectorAll('#query-select option').length > 1")


def test_pick_a_named_query_fill_its_parameter_and_see_its_rows(browser, site, store):
    open_page(browser, site + "/")
    browser.js(
        """(() => { const s = document.getElementById('query-select');
                    s.value = 'department-tasks'; s.dispatchEvent(new Event('change')); })()"""
    )
    assert browser.js("document.getElementById('param-dept') !== null")
    browser.js("document.getElementById('param-dept').value = '保护司'")
    browser.js("document.getElementById('run').click()")
    browser.wait_for("document.querySelectorAll('#results tbody tr').length > 0")

    header = browser.js("[...document.querySelectorAll('#results thead th')].map(th => th.textContent)")
    rows = browser.js(
        "[...document.querySelectorAll('#results tbody tr')].map(tr => [...tr.cells].map(td => td.textContent))"
    )
    expected = run_embedded(store, library()["department-tasks"], {"dept": "保护司"})
    assert header == expected.variables
    assert len(rows) == len(expected.rows)
    dept_zh = header.index("dept_zh")
    assert {row[dept_zh] for row in rows} == {"保护司"}
    task_numbers = header.index("task_number")
    assert [row[task_numbers] for row in rows] == expected.values("task_number")
    assert browser.js("document.getElementById('status').textContent") == f"{len(rows)} rows"


def test_download_links_cite_the_named_query_url(browser, site):
    csv_link = browser.js("document.getElementById('download-csv').getAttribute('href')")
    json_link = browser.js("document.getElementById('download-json').getAttribute('href')")
    assert csv_link.startswith("/queries/department-tasks.csv?dept=")
    assert json_link.startswith("/queries/department-tasks.json?dept=")
    shown = browser.js("document.querySelectorAll('#results tbody tr').length")
    downloaded = list(csv.reader(io.StringIO(httpx.get(site + csv_link, timeout=30).text)))
    assert len(downloaded) - 1 == shown


def test_own_sparql_text_runs_through_the_endpoint(browser, site):
    open_page(browser, site + "/")
    browser.js(
        "document.getElementById('query-text').value = 'SELECT ?n WHERE { ?t a ipg:Task ; ipg:number ?n } ORDER BY ?n'"
    )
    browser.js("document.getElementById('run').click()")
    browser.wait_for("document.getElementById('status').textContent === '22 rows'")
    numbers = browser.js("[...document.querySelectorAll('#results tbody tr td')].map(td => td.textContent)")
    assert numbers == [str(n) for n in range(1, 23)]


def test_a_malformed_query_shows_the_parser_message(browser, site):
    open_page(browser, site + "/")
    browser.js("document.getElementById('query-text').value = 'SELECT ?x WHERE { ?x }'")
    browser.js("document.getElementById('run').click()")
    message = browser.wait_for(
        "document.getElementById('status').className === 'error' && document.getElementById('status').textContent"
    )
    assert "HTTP 400" in message and "SPARQL syntax error" in message


def test_the_page_works_offline(browser, site):
    """Every request the page made went to the ipgraph server itself: no CDN, no fonts, nothing else."""
    open_page(browser, site + "/")
    urls = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert urls and all(u.startswith(site) for u in urls), urls


def test_the_network_view_opens(browser, site):
    browser.call("Page.navigate", url=site + "/network")
    title = browser.wait_for("document.readyState === 'complete' && document.title")
    assert "Department network" in title
