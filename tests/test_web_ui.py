"""The browser page of `ipgraph serve`, driven in headless Chromium over the DevTools protocol."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import httpx
import pytest

from ipgraph.sparql.library import library
from ipgraph.sparql.run import run_embedded
from ipgraph.web.app import create_app
from ipgraph.web.limits import Limits
from tests.helpers.chromium import DevTools, chromium_page
from tests.helpers.servers import running

pytest.importorskip("websocket", reason="websocket-client (test extra) drives Chromium")


@pytest.fixture(scope="module")
def site(store) -> Iterator[str]:
    with running(create_app(store, Limits(timeout=60))) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[DevTools]:
    with chromium_page(tmp_path_factory.mktemp("chromium-profile"), ("Network", "Page")) as page:
        yield page


def open_page(browser: DevTools, url: str) -> None:
    browser.events.clear()
    browser.call("Page.navigate", url=url)
    browser.wait_until("!!window.ipgraph && document.querySelectorAll('#query-select option').length > 1")


def test_pick_a_named_query_fill_its_parameter_and_see_its_rows(browser, site, store):
    open_page(browser, site + "/")
    browser.evaluate(
        """(() => { const s = document.getElementById('query-select');
                    s.value = 'department-tasks'; s.dispatchEvent(new Event('change')); })()"""
    )
    assert browser.evaluate("document.getElementById('param-dept') !== null")
    browser.evaluate("document.getElementById('param-dept').value = '保护司'")
    browser.evaluate("document.getElementById('run').click()")
    browser.wait_until("document.querySelectorAll('#results tbody tr').length > 0")

    header = browser.evaluate("[...document.querySelectorAll('#results thead th')].map(th => th.textContent)")
    rows = browser.evaluate(
        "[...document.querySelectorAll('#results tbody tr')].map(tr => [...tr.cells].map(td => td.textContent))"
    )
    expected = run_embedded(store, library()["department-tasks"], {"dept": "保护司"})
    assert header == expected.variables
    assert len(rows) == len(expected.rows)
    dept_zh = header.index("dept_zh")
    assert {row[dept_zh] for row in rows} == {"保护司"}
    task_numbers = header.index("task_number")
    assert [row[task_numbers] for row in rows] == expected.values("task_number")
    assert browser.evaluate("document.getElementById('status').textContent") == f"{len(rows)} rows"


def test_download_links_cite_the_named_query_url(browser, site):
    csv_link = browser.evaluate("document.getElementById('download-csv').getAttribute('href')")
    json_link = browser.evaluate("document.getElementById('download-json').getAttribute('href')")
    assert csv_link.startswith("/queries/department-tasks.csv?dept=")
    assert json_link.startswith("/queries/department-tasks.json?dept=")
    shown = browser.evaluate("document.querySelectorAll('#results tbody tr').length")
    downloaded = list(csv.reader(io.StringIO(httpx.get(site + csv_link, timeout=30).text)))
    assert len(downloaded) - 1 == shown


def test_own_sparql_text_runs_through_the_endpoint(browser, site):
    open_page(browser, site + "/")
    browser.evaluate("window.ipgraph.editor.value = 'SELECT ?n WHERE { ?t a ipg:Task ; ipg:number ?n } ORDER BY ?n'")
    browser.evaluate("document.getElementById('run').click()")
    browser.wait_until("document.getElementById('status').textContent === '22 rows'")
    numbers = browser.evaluate("[...document.querySelectorAll('#results tbody tr td')].map(td => td.textContent)")
    assert numbers == [str(n) for n in range(1, 23)]


def test_a_malformed_query_shows_the_parser_message(browser, site):
    open_page(browser, site + "/")
    browser.evaluate("window.ipgraph.editor.value = 'SELECT ?x WHERE { ?x }'")
    browser.evaluate("document.getElementById('run').click()")
    message = browser.wait_until(
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
    title = browser.wait_until("document.readyState === 'complete' && document.title")
    assert "Department network" in title
