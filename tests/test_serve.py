"""`ipgraph serve` over real HTTP on 127.0.0.1: SPARQL 1.1 Protocol, formats, limits, named-query URLs."""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import Namespace
from SPARQLWrapper import JSON, POST, XML, SPARQLWrapper

from ipgraph import paths
from ipgraph.sparql import persist
from ipgraph.sparql.deferred import DeferredStore, current_store
from ipgraph.sparql.library import library, parse_header
from ipgraph.sparql.remote import remote_runner, run_remote
from ipgraph.sparql.run import run_embedded
from ipgraph.web.app import create_app
from ipgraph.web.limits import Limits, MiB
from tests.helpers.servers import running

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
TASKS = "SELECT ?n ?title WHERE { ?t a ipg:Task ; ipg:number ?n ; dcterms:title ?title } ORDER BY ?n"
# Slow on purpose (a few seconds): a cross product of all triples with a string filter.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER(STRLEN(CONCAT(STR(?c), STR(?f))) > 5) }"


@pytest.fixture(scope="module")
def base(store) -> Iterator[str]:
    with running(create_app(store, Limits(timeout=60, max_rows=5000))) as url:
        yield url


@pytest.fixture(scope="module")
def client(base) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as c:
        yield c


# ---------------------------------------------------------------- protocol


@pytest.mark.slow
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_gets_the_tasks(base, store, method):
    wrapper = SPARQLWrapper(f"{base}/sparql")
    wrapper.setQuery(TASKS)
    wrapper.setReturnFormat(JSON)
    if method == "POST":
        wrapper.setMethod(POST)
    data = wrapper.query().convert()
    expected = run_embedded(store, parse_header("q", TASKS))
    assert data["results"]["bindings"] == expected.rows
    assert [int(b["n"]["value"]) for b in data["results"]["bindings"]] == list(range(1, 23))


def test_sparqlwrapper_reads_xml_results(base):
    wrapper = SPARQLWrapper(f"{base}/sparql")
    wrapper.setQuery(TASKS)
    wrapper.setReturnFormat(XML)
    document = wrapper.query().convert()
    assert len(document.getElementsByTagName("result")) == 22


def test_a_query_body_and_a_form_post_answer_alike(client):
    body = client.post("/sparql", content=TASKS.encode(), headers={"Content-Type": "application/sparql-query"})
    form = client.post("/sparql", data={"query": TASKS})
    assert body.status_code == form.status_code == 200
    assert body.headers["content-type"].startswith("application/sparql-results+json")
    assert body.json() == form.json()
    assert len(body.json()["results"]["bindings"]) == 22


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("text/html;q=0.9, text/csv;q=0.5", "text/csv"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_results_are_content_negotiated(client, accept, media):
    response = client.get("/sparql", params={"query": TASKS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    text = response.text
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["n", "title"] and len(rows) == 23 and rows[1][0] == "1"
    elif media == "text/tab-separated-values":
        lines = text.splitlines()
        assert lines[0] == "?n\t?title" and len(lines) == 23
    elif media.endswith("xml"):
        results = ET.fromstring(text).findall(f"{RESULTS_NS}results/{RESULTS_NS}result")
        assert len(results) == 22
    else:
        assert len(response.json()["results"]["bindings"]) == 22


def test_xml_results_keep_language_and_datatype(client):
    response = client.get("/sparql", params={"query": TASKS, "format": "xml"})
    first = ET.fromstring(response.text).find(f"{RESULTS_NS}results/{RESULTS_NS}result")
    literals = {b.get("name"): b.find(f"{RESULTS_NS}literal") for b in first}
    assert literals["n"].get("datatype") == "http://www.w3.org/2001/XMLSchema#integer"
    assert literals["title"].get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")],
)
def test_construct_results_come_as_rdf(client, store, accept, rdf_format):
    query = "CONSTRUCT { ?t dcterms:title ?title } WHERE { ?t a ipg:Task ; dcterms:title ?title }"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.text, format=rdf_format)
    assert len(graph) == 22


def test_ask_answers_true_and_false(client):
    yes = client.get("/sparql", params={"query": "ASK { ?t a ipg:Task ; ipg:number 22 }"})
    no = client.get(
        "/sparql", params={"query": "ASK { ?t a ipg:Task ; ipg:number 23 }"}, headers={"Accept": "text/csv"}
    )
    assert yes.json() == {"head": {}, "boolean": True}
    assert no.text.splitlines() == ["_askResult", "false"]


def test_the_endpoint_describes_itself(client, store):
    response = client.get("/sparql")
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    service = URIRef(str(client.base_url) + "/sparql")
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    triples = [int(o) for o in graph.objects(None, VOID.triples)]
    assert triples == [len(store)]


def test_unsupported_accept_is_406(client):
    response = client.get("/sparql", params={"query": TASKS}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/csv" in response.text


# ---------------------------------------------------------------- read-only, errors, limits


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {
            "content": b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "headers": {"Content-Type": "application/sparql-update"},
        },
        {"data": {"update": "DELETE WHERE { ?s ?p ?o }"}},
        {"data": {"query": "PREFIX x: <urn:x#>\nDROP ALL"}},
    ],
)
def test_updates_are_refused_and_change_nothing(client, store, request_kwargs):
    before = len(store)
    response = client.post("/sparql", **request_kwargs)
    assert response.status_code == 403
    assert "read-only" in response.text
    assert len(store) == before


def test_a_malformed_query_is_400_with_the_parser_message(client):
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert "SPARQL syntax error" in response.text and "error at 1:" in response.text


@pytest.mark.slow
def test_the_row_limit_is_a_clear_error(store):
    with running(create_app(store, Limits(max_rows=10))) as url:
        over = httpx.get(f"{url}/sparql", params={"query": TASKS})
        under = httpx.get(f"{url}/sparql", params={"query": TASKS + " LIMIT 10"})
    assert over.status_code == 422
    assert "more than 10 rows" in over.text
    assert under.status_code == 200 and len(under.json()["results"]["bindings"]) == 10


@pytest.mark.slow
def test_the_time_limit_is_a_clear_error(store):
    with running(create_app(store, Limits(timeout=0.3))) as url:
        response = httpx.get(f"{url}/sparql", params={"query": SLOW}, timeout=30)
        quick = httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=30)
    assert response.status_code == 503
    assert "time limit of 0.3 s" in response.text
    assert quick.status_code == 200  # the server still answers


def test_sparqlwrapper_sees_the_malformed_query_error(base):
    wrapper = SPARQLWrapper(f"{base}/sparql")
    wrapper.setQuery("SELECT ?x WHERE { ?x }")
    wrapper.setReturnFormat(JSON)
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed):
        wrapper.query()


# ---------------------------------------------------------------- named queries as URLs


def test_named_query_url_answers_like_the_embedded_query(client, store):
    query = library()["department-tasks"]
    response = client.get("/queries/department-tasks.json", params={"dept": "保护司"})
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == run_embedded(store, query, {"dept": "保护司"}).rows
    depts = {b["dept_zh"]["value"] for b in response.json()["results"]["bindings"]}
    assert depts == {"保护司"}


def test_named_query_url_in_csv_and_its_text(client):
    answer = client.get("/queries/tasks-per-department.csv")
    text = client.get("/queries/tasks-per-department.rq")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    header = next(csv.reader(io.StringIO(answer.text)))
    assert "dept_zh" in header
    assert "运用促进司" in answer.text
    assert text.text == library()["tasks-per-department"].text


def test_named_query_url_errors_name_the_problem(client):
    missing = client.get("/queries/department-tasks.json")
    unknown = client.get("/queries/no-such-query.json")
    bad_ext = client.get("/queries/tasks-per-department.ttl")
    assert missing.status_code == 400 and "missing parameter dept" in missing.text
    assert unknown.status_code == 404 and "no-such-query" in unknown.text
    assert bad_ext.status_code == 404 and "SELECT" in bad_ext.text


def test_the_query_library_is_listed_for_the_page(client):
    listed = {q["name"]: q for q in client.get("/queries.json").json()}
    assert set(listed) == set(library())
    assert listed["department-tasks"]["params"][0]["name"] == "dept"


def test_remote_runner_talks_to_ipgraph_serve(base, store):
    """Both directions of the protocol meet: ipgraph's remote client against ipgraph's endpoint."""
    runner = remote_runner(f"{base}/sparql")
    remote = runner("department-tasks", {"dept": "Department of IP Protection"})
    embedded = run_embedded(store, library()["department-tasks"], {"dept": "Department of IP Protection"})
    assert remote.rows == embedded.rows and remote.rows
    assert run_remote(f"{base}/sparql", parse_header("q", TASKS)).values("n")[-1] == "22"


@pytest.mark.slow
def test_large_answers_arrive_whole_from_the_query_workers(client):
    """An answer of a megabyte reaches the server's event loop in many pieces of the worker's pipe."""
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 4000"
    for fmt in ("json", "csv", "json"):
        response = client.get("/sparql", params={"query": text, "format": fmt})
        assert response.status_code == 200, response.text
        rows = response.json()["results"]["bindings"] if fmt == "json" else response.text.splitlines()[1:]
        assert len(rows) == 4000 and len(response.content) > 256 * 1024


def test_identical_requests_while_a_new_answer_is_computed_share_that_computation(store):
    app = create_app(store, Limits(timeout=60))
    engine, ran = app.state.engine, []
    written = engine.written

    async def counted(*args, **kwargs):
        ran.append(args[0].text)
        await asyncio.sleep(2)  # a query that takes a while: the other requests arrive meanwhile
        return await written(*args, **kwargs)

    engine.written = counted
    with running(app) as url, ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(lambda _: httpx.get(f"{url}/sparql", params={"query": TASKS}, timeout=60), range(4)))
    assert [r.status_code for r in responses] == [200] * 4 and len({r.text for r in responses}) == 1
    assert ran == [TASKS]  # one query for the four requests


def test_curl_style_get_with_an_encoded_query(base):
    url = f"{base}/sparql?" + urllib.parse.urlencode({"query": TASKS, "format": "csv"})
    with httpx.Client() as c:
        assert c.get(url).text.count("\r\n") == 23


def test_the_network_view_is_served(client):
    response = client.get("/network")
    assert response.status_code == 200
    assert "运用促进司" in response.text


# ---------------------------------------------------------------- on a persistent store

HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?i LIMIT 1"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STR(?c) != STR(?i)) }"
PROTECTION = "https://w3id.org/ipgraph/id/org/cnipa/protection"


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> Path:
    """A copy of the bundled graph with its persistent store beside it."""
    path = tmp_path_factory.mktemp("stored") / "g.ttl"
    shutil.copy(paths.BUNDLED_GRAPH, path)
    persist.create(path)
    return path


def protection_tasks(rows: list[dict]) -> int:
    return next(int(r["tasks"]["value"]) for r in rows if r["department"]["value"] == PROTECTION)


def test_serve_opens_a_current_store_in_its_own_process_only_when_it_reads_it(stored):
    store = current_store(stored)
    assert isinstance(store, DeferredStore) and "store" not in vars(store)
    opened = persist.read_only(persist.state(stored).version)
    assert len(store) == len(opened) == len(opened.store)  # the size comes from the store's record
    assert "store" not in vars(store)
    assert protection_tasks(run_embedded(store, library()["tasks-per-department"]).rows) == 7
    assert "store" in vars(store)


@pytest.mark.slow
def test_a_stale_store_is_not_served_as_it_is(stored, tmp_path):
    changed = tmp_path / "g.ttl"
    shutil.copytree(persist.location(stored), persist.location(changed), symlinks=True)
    changed.write_bytes(stored.read_bytes() + b"\n# changed\n")
    assert current_store(changed) is None  # ipgraph serve then opens it as every command does (rebuilt)


def test_workers_open_the_persistent_store_themselves_within_every_limit(stored):
    store = current_store(stored)
    limits = Limits(timeout=2, workers=1, memory=64 * MiB)
    app = create_app(store, limits)
    with running(app, limits) as url, httpx.Client(base_url=url, timeout=60) as client:
        named = client.get("/queries/tasks-per-department.json")
        hungry = client.get("/sparql", params={"query": HUNGRY})
        endless = client.get("/sparql", params={"query": ENDLESS})
        after = client.get("/sparql", params={"query": TASKS})
        source = app.state.engine.pool.source
    assert source == persist.state(stored).version  # a folder to open, not the graph sent as N-Quads
    assert named.status_code == 200 and protection_tasks(named.json()["results"]["bindings"]) == 7
    assert hungry.status_code == 503 and "more than 64 MiB of memory" in hungry.text
    assert endless.status_code == 503 and "time limit of 2 s" in endless.text
    assert after.status_code == 200 and len(after.json()["results"]["bindings"]) == 22  # a new worker
    assert "store" not in vars(store)  # the server's own process never needed the store
