"""Linked data: every IRI the graph mints is a page of `ipgraph serve`, in HTML, Turtle or JSON-LD."""

from __future__ import annotations

import json
import re

import httpx
import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, URIRef

from ipgraph.prefixes import ID, IPG
from ipgraph.sparql.entailment import entail
from ipgraph.sparql.store import EmbeddedStore
from ipgraph.web.app import create_app
from ipgraph.web.describe import describe
from ipgraph.web.resources import page
from tests.helpers.servers import running

MEASURE = "cnipa-tasklist-2021/task/1/measure/2"
DCTERMS = "http://purl.org/dc/terms/"


@pytest.fixture(scope="module")
def client(graph):
    store = EmbeddedStore.from_rdflib(graph)
    entail(store)
    with running(create_app(store)) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def minted(graph: Graph) -> list[str]:
    """Every IRI under id: the graph names, as subject or object."""
    return sorted({str(t) for triple in graph for t in (triple[0], triple[2]) if str(t).startswith(ID)})


@pytest.mark.slow
def test_every_minted_iri_is_a_page(client, graph):
    iris = minted(graph)
    assert len(iris) > 200
    for iri in iris:
        response = client.get("/id/" + iri.removeprefix(ID))
        assert response.status_code == 200, iri
        assert response.headers["content-type"].startswith("text/html")


def test_an_unknown_iri_is_404(client):
    assert client.get("/id/cnipa-tasklist-2021/task/99").status_code == 404
    assert client.get("/id/nothing", headers={"Accept": "text/turtle"}).status_code == 404


def test_turtle_by_content_negotiation_holds_the_statements_both_ways(client, graph):
    iri = URIRef(ID + "org/cnipa/protection")
    response = client.get("/id/org/cnipa/protection", headers={"Accept": "text/turtle"})
    assert response.headers["content-type"].startswith("text/turtle")
    served = Graph().parse(data=response.text, format="turtle")
    assert set(graph.predicate_objects(iri)) <= set(served.predicate_objects(iri))
    tasks = set(graph.subjects(URIRef(IPG + "responsibleBody"), iri))
    assert tasks and tasks == set(served.subjects(URIRef(IPG + "responsibleBody"), iri))
    assert (iri, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")) in served  # entailed


def test_json_ld_and_n_triples_too(client):
    response = client.get("/id/" + MEASURE, headers={"Accept": "application/ld+json"})
    data = json.loads(response.text)
    assert Graph().parse(data=response.text, format="json-ld") and data
    nt = client.get("/id/" + MEASURE + "?format=nt").text
    assert f"<{ID}{MEASURE}> <{IPG}task> <{ID}cnipa-tasklist-2021/task/1> ." in nt


def test_a_measure_page_marks_its_sentence_in_its_source_line(client, graph, source_lines):
    iri = URIRef(ID + MEASURE)
    text = str(next(graph.objects(iri, URIRef(IPG + "text"))))
    line = int(next(graph.objects(iri, URIRef(IPG + "sourceLine"))))
    assert text in source_lines[line - 1]
    page = client.get("/id/" + MEASURE).text
    assert f"line {line}" in page
    marked = re.search(r"<mark>(.*?)</mark>", page, re.S)
    assert marked and marked[1] == text
    assert "任务1 举措2" in page and "Task 1, measure 2" in page  # zh and en labels


def test_a_task_page_links_its_measures_and_department(client, graph):
    task = URIRef(ID + "cnipa-tasklist-2021/task/5")
    page = client.get("/id/cnipa-tasklist-2021/task/5").text
    measures = set(graph.subjects(URIRef(IPG + "task"), task))
    bodies = set(graph.objects(task, URIRef(IPG + "responsibleBody")))
    for linked in measures | bodies:
        assert f'href="/id/{linked.removeprefix(ID)}"' in page
    title = str(next(graph.objects(task, URIRef(DCTERMS + "title"))))
    assert f"<mark>{title}</mark>" in page
    for body in bodies:  # shown by name, not by IRI
        [name] = [o for o in graph.objects(body, RDFS.label) if o.language == "zh"]
        assert str(name) in page


def test_hostile_values_are_shown_not_run():
    """A label with markup is escaped, and an IRI with a script scheme is not a link."""
    store = EmbeddedStore()
    store.store.load(
        f'<{ID}x> <http://www.w3.org/2000/01/rdf-schema#label> "<script>alert(1)</script>"@zh .\n'
        f"<{ID}x> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <javascript:alert(2)> .\n".encode(),
        format=ox.RdfFormat.N_TRIPLES,
    )
    html = page(ID + "x", describe(store, ID + "x"))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html and "javascript:alert(2)" in html
