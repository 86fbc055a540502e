"""The query page in headless Chromium: edit, complete, run, sort, chart, follow a link to a resource page, back.

Screenshots go to $IPGRAPH_SCREENSHOTS (default: the test's temporary folder), never into git.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipgraph.sparql.entailment import entail
from ipgraph.sparql.library import library
from ipgraph.sparql.run import evaluate, run_embedded
from ipgraph.sparql.store import EmbeddedStore
from ipgraph.web.app import create_app
from tests.helpers.chromium import DevTools, chromium_page
from tests.helpers.servers import running

pytest.importorskip("websocket", reason="websocket-client (test extra) drives Chromium")
pytestmark = pytest.mark.browser

ROWS = "document.querySelectorAll('#results tbody tr').length"


@pytest.fixture(scope="module")
def entailed(graph) -> EmbeddedStore:
    store = EmbeddedStore.from_rdflib(graph)
    entail(store)
    return store


@pytest.fixture(scope="module")
def site(entailed) -> Iterator[str]:
    with running(create_app(entailed)) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[DevTools]:
    flags = ("--window-size=1400,1000",)
    with chromium_page(tmp_path_factory.mktemp("chromium-profile"), ("Network", "Page", "Runtime"), flags) as page:
        yield page


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("IPGRAPH_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(browser: DevTools, folder: Path, name: str) -> None:
    data = browser.call("Page.captureScreenshot", format="png")["data"]
    (folder / f"{name}.png").write_bytes(base64.b64decode(data))


def go(browser: DevTools, url: str) -> None:
    browser.call("Page.navigate", url=url)
    browser.wait_until(
        "!!(window.ipgraph && window.ipgraph.editor) && document.querySelectorAll('#query-select option').length > 1"
    )


def column(browser: DevTools, index: int) -> list[str]:
    return browser.evaluate(
        f"[...document.querySelectorAll('#results tbody tr')].map(tr => tr.cells[{index}].innerText)"
    )


def test_a_url_names_a_query_and_its_parameters_and_runs_it(browser, site, entailed, screenshots):
    go(browser, site + "/?query=department-tasks&dept=保护司")
    expected = run_embedded(entailed, library()["department-tasks"], {"dept": "保护司"})
    assert browser.wait_until(ROWS) == len(expected.rows) > 0
    assert browser.evaluate("document.getElementById('param-dept').value") == "保护司"
    assert browser.evaluate("location.pathname") == "/queries/department-tasks.html"  # the citable page
    header = browser.evaluate("[...document.querySelectorAll('#results thead th')].map(th => th.textContent)")
    assert header == expected.variables
    # IRIs are shown by label, linked to their resource page
    link = browser.evaluate("document.querySelector('#results tbody td.uri a').getAttribute('href')")
    assert link == "/id/org/cnipa/protection"
    assert browser.evaluate("document.querySelector('#results tbody td.uri a').innerText").startswith("保护司")
    screenshot(browser, screenshots, "department-tasks")


def test_an_edited_named_query_keeps_its_parameters(browser, site):
    go(browser, site + "/queries/department-tasks.html?dept=保护司")
    browser.wait_until(ROWS)
    browser.evaluate("window.ipgraph.editor.value = window.ipgraph.editor.value + ' LIMIT 3'")
    browser.evaluate("document.getElementById('run').click()")
    browser.wait_until("document.getElementById('status').textContent.startsWith('3 rows')")
    assert set(column(browser, 1)) == {"保护司"}
    assert browser.evaluate("new URLSearchParams(location.search).get('text')").endswith(" LIMIT 3")  # reloads the same


def test_completion_offers_ontology_terms_and_labels(browser, site):
    def pick(option: str) -> None:
        browser.evaluate(
            "[...document.querySelectorAll('.cm-tooltip-autocomplete li')]"
            f".find(li => li.innerText.startsWith('{option}'))"
            ".dispatchEvent(new MouseEvent('mousedown', {bubbles: true}))"
        )

    go(browser, site + "/")
    browser.evaluate(
        """(() => { const v = window.ipgraph.editor.view;
                    v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: 'SELECT * WHERE { ?t a ipg:Ta'},
                                selection: {anchor: 'SELECT * WHERE { ?t a ipg:Ta'.length}});
                    v.focus(); })()"""
    )
    browser.call("Input.dispatchKeyEvent", type="keyDown", key=" ", code="Space", modifiers=2, windowsVirtualKeyCode=32)
    options = browser.wait_until(
        "[...document.querySelectorAll('.cm-tooltip-autocomplete li')].map(li => li.innerText)"
    )
    assert any(o.startswith("ipg:Task") for o in options), options
    pick("ipg:Task")
    assert browser.wait_until("window.ipgraph.editor.value.includes('ipg:Task')")
    browser.evaluate(
        """(() => { const v = window.ipgraph.editor.view; const text = 'SELECT * WHERE { ?t ipg:responsibleBody 保护';
                    v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: text},
                                selection: {anchor: text.length}});
                    v.focus(); })()"""
    )
    browser.call("Input.dispatchKeyEvent", type="keyDown", key=" ", code="Space", modifiers=2, windowsVirtualKeyCode=32)
    labels = browser.wait_until("[...document.querySelectorAll('.cm-tooltip-autocomplete li')].map(li => li.innerText)")
    assert any(o.startswith("保护司") for o in labels), labels
    pick("保护司")
    assert browser.wait_until(
        "window.ipgraph.editor.value.includes('<https://w3id.org/ipgraph/id/org/cnipa/protection>')"
    )


def test_sort_page_and_chart_an_aggregate_answer(browser, site, entailed, screenshots):
    go(browser, site + "/?query=tasks-per-department")
    expected = run_embedded(entailed, library()["tasks-per-department"])
    browser.wait_until(ROWS)
    tasks = expected.variables.index("tasks")
    browser.evaluate(f"document.querySelectorAll('#results thead th')[{tasks}].click()")
    ascending = [int(n) for n in column(browser, tasks)]
    assert ascending == sorted(int(n) for n in expected.values("tasks"))
    browser.evaluate(f"document.querySelectorAll('#results thead th')[{tasks}].click()")
    assert [int(n) for n in column(browser, tasks)] == sorted(ascending, reverse=True)
    assert not browser.evaluate("document.getElementById('views').hidden")
    browser.evaluate("document.getElementById('view-chart').click()")
    bars = browser.evaluate("document.querySelectorAll('#chart rect.bar').length")
    assert bars == len(expected.rows)
    values = browser.evaluate("[...document.querySelectorAll('#chart .bar-value')].map(t => Number(t.textContent))")
    assert sorted(values) == sorted(int(n) for n in expected.values("tasks"))
    screenshot(browser, screenshots, "chart")


def test_a_long_answer_is_paged(browser, site, entailed):
    go(browser, site + "/")
    text = "SELECT ?m ?text ?topic WHERE { ?m ipg:text ?text ; dcterms:subject ?topic } ORDER BY ?m ?topic"
    browser.evaluate(f"window.ipgraph.editor.value = '{text}'")
    browser.evaluate("document.getElementById('run').click()")
    measures = len(evaluate(entailed, text, {}).rows)
    assert measures > 100
    assert (
        browser.wait_until(
            "document.getElementById('status').textContent.endsWith('rows')"
            " && document.getElementById('status').textContent"
        )
        == f"{measures} rows"
    )
    assert browser.evaluate(ROWS) == 50
    browser.evaluate("document.getElementById('page-next').click()")
    assert browser.evaluate(ROWS) == min(50, measures - 50)
    # long text wraps in a readable column instead of a squeezed one
    width = browser.evaluate("document.querySelector('#results tbody tr').cells[1].getBoundingClientRect().width")
    assert width > 250


def test_a_syntax_error_is_shown_under_its_character(browser, site, screenshots):
    go(browser, site + "/")
    browser.evaluate("window.ipgraph.editor.value = 'SELECT ?x WHERE {\\n  ?x ipg:number > 3 }'")
    browser.evaluate("document.getElementById('run').click()")
    message = browser.wait_until(
        "document.getElementById('status').className === 'error' && document.getElementById('status').innerText"
    )
    assert "HTTP 400" in message and "line 2" in message
    before = browser.evaluate("document.querySelector('#status pre.error-at').firstChild.textContent")
    marked = browser.evaluate("document.querySelector('#status pre.error-at mark').textContent")
    assert "  ?x ipg:number > 3 }".startswith(before + marked)
    screenshot(browser, screenshots, "syntax-error")


def test_an_unknown_parameter_value_is_warned_about(browser, site):
    go(browser, site + "/?query=department-tasks&dept=知识产权局保护司")
    warning = browser.wait_until(
        "document.querySelector('#status .warning') && document.querySelector('#status .warning').innerText"
    )
    assert "did you mean 保护司" in warning


def test_follow_a_link_to_a_resource_page_and_back(browser, site, entailed, screenshots):
    go(browser, site + "/?query=department-tasks&dept=保护司")
    rows = browser.wait_until(ROWS)
    browser.evaluate(
        "[...document.querySelectorAll('#results tbody a')]"
        ".find(a => a.getAttribute('href').includes('/task/')).click()"
    )
    browser.wait_until("location.pathname.includes('/task/') && document.readyState === 'complete'")
    task = browser.evaluate("location.pathname").removeprefix("/id/")
    [title] = [
        r["title"]["value"]
        for r in evaluate(
            entailed, f"SELECT ?title WHERE {{ id:{task.replace('/', chr(92) + '/')} dcterms:title ?title }}", {}
        ).rows
    ]
    assert browser.evaluate("document.querySelector('.source mark').textContent") == title  # its sentence, marked
    screenshot(browser, screenshots, "task")
    browser.evaluate("history.back()")
    assert browser.wait_until(f"{ROWS} === {rows} && location.pathname") == "/queries/department-tasks.html"


def test_the_page_works_offline(browser, site):
    """Every request the page made went to the ipgraph server itself: no CDN, no fonts, nothing else."""
    browser.events.clear()
    go(browser, site + "/?query=tasks-per-department")
    browser.wait_until(ROWS)
    urls = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert any(u.endswith("/static/vendor/editor.js") for u in urls)
    assert all(u.startswith(site) for u in urls), urls


def test_the_network_view_links_to_resource_pages(browser, site):
    browser.call("Page.navigate", url=site + "/network")
    browser.wait_until("document.querySelectorAll('#nodes g').length > 0")
    browser.evaluate(
        "document.querySelector('#nodes g[data-id$=\"/protection\"]').dispatchEvent(new MouseEvent('click'))"
    )
    link = "document.querySelector('#details a.resource')"
    assert browser.wait_until(f"{link} && {link}.getAttribute('href')") == "/id/org/cnipa/protection"
    browser.evaluate(f"{link}.click()")
    title = browser.wait_until(
        "location.pathname === '/id/org/cnipa/protection' && document.readyState === 'complete' && document.title"
    )
    assert title.startswith("保护司")


def test_a_pair_answer_is_drawn_as_a_network(browser, site, entailed, screenshots):
    go(browser, site + "/?query=departments-sharing-tasks")
    expected = run_embedded(entailed, library()["departments-sharing-tasks"])
    browser.wait_until(ROWS)
    assert browser.evaluate("document.getElementById('view-chart').hidden")
    browser.evaluate("document.getElementById('view-network').click()")
    departments = set(expected.values("dept_a")) | set(expected.values("dept_b"))
    assert browser.evaluate("document.querySelectorAll('#network a.node').length") == len(departments)
    assert browser.evaluate("document.querySelectorAll('#network line.edge').length") == len(expected.rows)
    screenshot(browser, screenshots, "network")
    browser.evaluate("document.querySelector('#network a.node[href=\"/id/org/cnipa/protection\"]')"
                     ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")  # fmt: skip
    assert browser.wait_until("location.pathname === '/id/org/cnipa/protection' && document.readyState === 'complete'")
