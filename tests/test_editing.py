"""What the query page's editor asks the server for: completions, edited named queries, citable pages, warnings."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ipgraph.sparql.library import library
from ipgraph.sparql.run import run_embedded
from ipgraph.web.app import create_app
from tests.helpers.servers import running


@pytest.fixture(scope="module")
def client(store) -> Iterator[httpx.Client]:
    with running(create_app(store)) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def test_completions_hold_the_ontology_terms_and_the_labels(client, graph):
    data = client.get("/completions.json").json()
    terms = {t["name"]: t for t in data["terms"]}
    assert terms["ipg:Task"]["kind"] == "class" and terms["ipg:Task"]["zh"]
    assert terms["ipg:responsibleBody"]["kind"] == "property"
    assert terms["dcterms:isPartOf"]["kind"] == "property"  # reused terms too
    labels = {(entry["label"], entry["iri"]) for entry in data["labels"]}
    assert ("保护司", "https://w3id.org/ipgraph/id/org/cnipa/protection") in labels
    assert data["prefixes"]["ipg"] == "https://w3id.org/ipgraph/ontology#"


def test_an_edited_named_query_keeps_its_parameters(client, store):
    query = library()["department-tasks"]
    full = run_embedded(store, query, {"dept": "保护司"})
    edited = client.get("/edited/department-tasks.json", params={"dept": "保护司", "query": query.text + "\nLIMIT 3"})
    assert edited.status_code == 200, edited.text
    rows = edited.json()["results"]["bindings"]
    assert [r["task_number"]["value"] for r in rows] == full.values("task_number")[:3]
    csv = client.get("/edited/department-tasks.csv", params={"dept": "保护司", "query": query.text + "\nLIMIT 3"})
    assert len(csv.text.strip().splitlines()) == 4


def test_an_edited_query_needs_its_text_and_a_known_name(client):
    assert client.get("/edited/department-tasks.json", params={"dept": "保护司"}).status_code == 400
    assert client.get("/edited/no-such-query.json", params={"query": "ASK {}"}).status_code == 404
    missing = client.get("/edited/department-tasks.json", params={"query": "SELECT ?dept WHERE {}"})
    assert missing.status_code == 400 and "missing parameter dept" in missing.text


def test_a_named_query_has_a_page(client):
    page = client.get("/queries/department-tasks.html", params={"dept": "保护司"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'id="query-editor"' in page.text
    assert client.get("/queries/no-such-query.html").status_code == 404


def test_the_json_answer_carries_the_warning_outside_the_results(client):
    answer = client.get("/queries/department-tasks.json", params={"dept": "知识产权局保护司"}).json()
    assert answer["results"]["bindings"] == []
    assert "did you mean 保护司" in answer["warnings"][0]
