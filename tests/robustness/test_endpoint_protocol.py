"""The SPARQL Protocol at the edges: bodies that are not UTF-8, forms a lexer could misread, the
dataset parameters, HEAD, and the network page bounded like a query. Over HTTP on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from ipgraph.sparql.store import EmbeddedStore
from ipgraph.web.app import create_app
from ipgraph.web.limits import Limits
from tests.helpers.servers import running

BOUND = 30.0
TASKS = "SELECT ?n WHERE { ?t a ipg:Task ; ipg:number ?n }"


@pytest.fixture(scope="module")
def base(store) -> Iterator[str]:
    limits = Limits(timeout=BOUND)
    with running(create_app(store, limits), limits) as url:
        yield url


def post_query(base: str, body: bytes) -> httpx.Response:
    headers = {"Content-Type": "application/sparql-query"}
    return httpx.post(f"{base}/sparql", content=body, headers=headers, timeout=BOUND)


@pytest.mark.slow
def test_a_body_that_is_not_utf8_is_400_naming_the_byte(base):
    response = post_query(base, b'ASK { FILTER("\xff" != "") }')
    assert response.status_code == 400
    assert "not UTF-8" in response.text and "byte 15" in response.text


def test_a_form_body_that_is_not_utf8_is_400(base):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = httpx.post(f"{base}/sparql", content=b"query=ASK%20%7B%7D\xfe", headers=headers, timeout=BOUND)
    assert response.status_code == 400 and "not UTF-8" in response.text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("PREFIX ask: <urn:ask#> SELECT ?n WHERE { ?t a ipg:Task ; ipg:number ?n }", "rows"),
        ("PREFIX construct: <urn:c#> SELECT ?n WHERE { ?t a ipg:Task ; ipg:number ?n }", "rows"),
        ("PREFIX select: <urn:s#> ASK { ?t a ipg:Task }", "boolean"),
    ],
)
def test_a_prefix_named_like_a_query_form_is_no_query_form(base, text, kind):
    response = httpx.get(f"{base}/sparql", params={"query": text}, timeout=BOUND)
    assert response.status_code == 200, response.text
    answer = response.json()
    if kind == "rows":
        assert len(answer["results"]["bindings"]) == 22
    else:
        assert answer["boolean"] is True


def test_default_graph_uri_sets_the_default_graph(base):
    """The 2021 graph is in the store's default graph: a named graph as default holds nothing."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?t a ipg:Task }"
    plain = httpx.get(f"{base}/sparql", params={"query": count}, timeout=BOUND).json()
    elsewhere = httpx.get(
        f"{base}/sparql", params={"query": count, "default-graph-uri": "urn:ipgraph:empty"}, timeout=BOUND
    ).json()
    form = httpx.post(
        f"{base}/sparql", data={"query": count, "default-graph-uri": "urn:ipgraph:empty"}, timeout=BOUND
    ).json()
    assert plain["results"]["bindings"][0]["n"]["value"] == "22"
    assert elsewhere["results"]["bindings"][0]["n"]["value"] == "0"
    assert form["results"]["bindings"][0]["n"]["value"] == "0"


def test_a_default_graph_uri_that_is_not_an_iri_is_400(base):
    response = httpx.get(f"{base}/sparql", params={"query": TASKS, "default-graph-uri": "not an iri"}, timeout=BOUND)
    assert response.status_code == 400 and "not an absolute IRI" in response.text


def test_head_sparql_is_answered_like_get_without_a_body(base):
    head = httpx.head(f"{base}/sparql", params={"query": TASKS}, timeout=BOUND)
    get = httpx.get(f"{base}/sparql", params={"query": TASKS}, timeout=BOUND)
    assert head.status_code == get.status_code == 200
    assert head.headers["content-type"] == get.headers["content-type"] and head.content == b""


def sleepy_page(store: EmbeddedStore) -> str:
    """A network page that takes longer than any test's time limit."""
    time.sleep(60)
    return "never"


@pytest.mark.slow
def test_the_network_page_is_bounded_like_a_query(store):
    limits = Limits(timeout=2)
    with running(create_app(store, limits, sleepy_page), limits) as url:
        response = httpx.get(f"{url}/network", timeout=BOUND)
        after = httpx.get(f"{url}/sparql", params={"query": TASKS}, timeout=BOUND)
    assert response.status_code == 503 and "time limit of 2 s" in response.text
    assert after.status_code == 200


@pytest.mark.slow
def test_the_network_page_is_computed_once_for_many_clients(store):
    limits = Limits(timeout=BOUND)
    app = create_app(store, limits)
    computed = []
    compute = app.state.engine.compute

    async def counted(function):
        computed.append(function)
        return await compute(function)

    app.state.engine.compute = counted
    with running(app, limits) as url, ThreadPoolExecutor(20) as clients:
        pages = list(clients.map(lambda _: httpx.get(f"{url}/network", timeout=BOUND * 2), range(40)))
    assert {p.status_code for p in pages} == {200}
    assert len({p.text for p in pages}) == 1 and "<html" in pages[0].text.lower()
    assert len(computed) == 1
