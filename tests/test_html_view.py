"""The interactive HTML view: self-contained, and working in headless Chromium (DevTools protocol)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pytest
from rdflib import RDFS, Literal

from ipgraph import export, network
from ipgraph.sparql.results import Result
from tests.helpers.chromium import DevTools, chromium_page


@pytest.fixture(scope="module")
def runner(store):
    return network.store_runner(store)


@pytest.fixture(scope="module")
def page_html(runner) -> str:
    return export.html_view(runner)


@pytest.fixture(scope="module")
def source_tasks(source_lines) -> dict[int, dict]:
    """Task number → its departments (by name), section number and source line, from the text."""
    found, section = {}, 0
    for number, line in enumerate(source_lines, start=1):
        cells = line.split("\t")
        if re.match(r"^[一二三四五六七八]、", cells[0]):
            section += 1
        match = re.match(r"^(\d+)\.", cells[0])
        if match and len(cells) >= 3:
            names = [{"自动化部": "专利局自动化部"}.get(n.strip(), n.strip()) for n in re.split(r"[、，]", cells[2])]
            found[int(match.group(1))] = {"depts": [n for n in names if n], "section": section, "line": number}
    return found


@pytest.fixture(scope="module")
def iri_of(graph):
    """Department name → IRI, from the graph's Chinese labels."""
    return lambda name: str(next(graph.subjects(RDFS.label, Literal(name, lang="zh"))))


# --- the page itself ---------------------------------------------------------------


def test_page_is_self_contained(page_html):
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page_html, re.I)
    assert "@import" not in page_html and "url(" not in page_html
    assert page_html.count("<script") == 2


def test_page_data_has_every_task_and_measure(page_html, source_tasks):
    raw = re.search(r'<script type="application/json" id="ipgraph-data">(.*?)</script>', page_html, re.S).group(1)
    data = json.loads(raw)
    assert [t["number"] for t in data["tasks"]] == sorted(source_tasks)
    assert sum(len(t["measures"]) for t in data["tasks"]) == 45
    for task in data["tasks"]:
        assert task["line"] == source_tasks[task["number"]]["line"]
        assert all(m["line"] == task["line"] for m in task["measures"])


def test_text_in_the_data_cannot_close_the_script(runner):
    def hostile(name: str, params: dict[str, str]) -> Result:
        result = runner(name, params)
        if name == network.TASK_DEPARTMENTS:
            for row in result.rows:
                row["title_zh"] = {"type": "literal", "value": "</script><script>alert(1)</script>"}
        return result

    page = export.html_view(hostile)
    assert page.count("<script") == 2
    assert "\\u003c/script>\\u003cscript>alert(1)" in page


def test_unknown_language_is_refused(runner):
    with pytest.raises(export.ExportError, match="zh or en"):
        export.html_view(runner, lang="fr")


# --- in the browser ----------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(page_html, tmp_path_factory) -> Iterator[DevTools]:
    """Headless Chromium, offline, with the view loaded; yields a DevTools client for the page."""
    folder = tmp_path_factory.mktemp("html-view")
    page = folder / "departments.html"
    page.write_text(page_html, encoding="utf-8")
    offline = ("--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1400,900")
    with chromium_page(tmp_path_factory.mktemp("chromium-profile"), ("Runtime", "Log", "Page"), offline) as tab:
        tab.call("Page.navigate", url=page.as_uri())
        tab.wait_for_event("Page.loadEventFired")
        tab.folder = folder
        yield tab


def click(tab: DevTools, selector: str) -> None:
    tab.evaluate(
        f"document.querySelector({json.dumps(selector)}).dispatchEvent(new MouseEvent('click', {{bubbles: true}}))"
    )


def set_value(tab: DevTools, element_id: str, value: str, event: str) -> None:
    """Type or choose a value in a control, as a person would, firing its event."""
    tab.evaluate(
        f"(() => {{ const e = document.getElementById({json.dumps(element_id)}); e.value = {json.dumps(value)};"
        f" e.dispatchEvent(new Event({json.dumps(event)})); }})()"
    )


def shown_tasks(tab: DevTools) -> list[int]:
    return tab.evaluate("[...document.querySelectorAll('#details [data-task]')].map(e => Number(e.dataset.task))")


def test_loads_without_console_errors_and_draws_every_department(browser, source_tasks):
    departments = {n for task in source_tasks.values() for n in task["depts"]}
    assert browser.errors() == []
    assert browser.evaluate("document.querySelectorAll('svg circle').length") == len(departments) == 12
    pairs = {frozenset(p) for task in source_tasks.values() for p in combinations(task["depts"], 2)}
    assert browser.evaluate("document.querySelectorAll('svg line.edge').length") == len(pairs)
    shot = browser.call("Page.captureScreenshot", format="png")["data"]
    (browser.folder / "departments.png").write_bytes(base64.b64decode(shot))


def test_edge_widths_count_the_shared_tasks(browser, iri_of):
    for a, b, weight in (("保护司", "运用促进司", 3), ("公共服务司", "运用促进司", 3), ("办公室", "人事司", 2)):
        x, y = sorted((iri_of(a), iri_of(b)))
        found = browser.evaluate(
            f'document.querySelector(\'line[data-source="{x}"][data-target="{y}"]\').dataset.weight'
        )
        assert int(found) == weight, (a, b)


def test_clicking_a_department_lists_its_tasks_with_source_lines(browser, source_tasks, iri_of):
    click(browser, f'g.node[data-id="{iri_of("人事司")}"]')
    expected = [n for n, task in sorted(source_tasks.items()) if "人事司" in task["depts"]]
    assert shown_tasks(browser) == expected == [1, 11, 21, 22]
    details = browser.evaluate("document.getElementById('details').textContent")
    assert f"原文第 {source_tasks[22]['line']} 行" in details
    assert "加大知识产权人才培养力度" in details
    assert browser.errors() == []


def test_clicking_a_link_lists_the_shared_tasks(browser, iri_of):
    x, y = sorted((iri_of("保护司"), iri_of("运用促进司")))
    click(browser, f'line[data-source="{x}"][data-target="{y}"]')
    assert shown_tasks(browser) == [1, 6, 11]


def test_section_filter_recounts_the_network(browser, source_tasks):
    in_section = [t for t in source_tasks.values() if t["section"] == 4]
    depts = {n for t in in_section for n in t["depts"]}
    pairs = {frozenset(p) for t in in_section for p in combinations(t["depts"], 2)}
    set_value(browser, "section", "4", "change")
    assert browser.evaluate("document.querySelectorAll('g.node:not(.faded)').length") == len(depts)
    assert browser.evaluate("document.querySelectorAll('line.edge').length") == len(pairs)
    set_value(browser, "section", "0", "change")


def test_search_and_english_labels(browser, iri_of):
    set_value(browser, "search", "人才培养", "input")
    matched = browser.evaluate("[...document.querySelectorAll('g.node.match')].map(g => g.dataset.id)")
    assert matched == [iri_of("人事司")]
    set_value(browser, "search", "", "input")
    click(browser, 'button[data-lang="en"]')
    labels = browser.evaluate("[...document.querySelectorAll('g.node text')].map(t => t.textContent)")
    assert "Department of Personnel" in labels
    assert browser.errors() == []


def test_cli_writes_the_view(tmp_path):
    from ipgraph.cli import main

    target = tmp_path / "departments.html"
    assert main(["export", "--network", "departments", "--format", "html", "--lang", "en", "-o", str(target)]) == 0
    text = Path(target).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="en">' in text
