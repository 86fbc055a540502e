"""`ipgraph serve` under hostile or careless clients, over real HTTP on 127.0.0.1.

Every server here runs with the configuration ``ipgraph serve`` uses (``server_config``),
on a free port; every wait is bounded. No request goes to any other address: the
"other hosts" that SERVICE and LOAD name are local listening sockets, and the tests
assert they were never contacted.
"""

from __future__ import annotations

import select
import socket
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager

import httpx
import pytest

from ipgraph.errors import ServiceRefused
from ipgraph.sparql.pool import Job, QueryPool
from ipgraph.web.app import create_app
from ipgraph.web.connections import IDLE
from ipgraph.web.limits import Limits, MiB
from tests.helpers.servers import running

TASKS = "SELECT ?n WHERE { ?t a ipg:Task ; ipg:number ?n }"
# Never finishes on its own: a three-way cross product of all triples; only the time limit stops it.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STR(?c) != STR(?i)) }"
BOUND = 15.0  # seconds: a generous upper bound for anything that should happen "soon"


def serving(store, limits: Limits) -> AbstractContextManager[str]:
    """Serve the graph with ``ipgraph serve``'s own uvicorn configuration; the base URL."""
    return running(create_app(store, limits), limits)


@pytest.fixture(scope="module")
def base(store) -> Iterator[str]:
    with serving(store, Limits(timeout=30)) as url:
        yield url


@pytest.fixture
def other_host() -> Iterator[tuple[str, socket.socket]]:
    """A listening socket standing for another host: (its URL, the socket). Nothing should connect to it."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql", listener


def contacted(listener: socket.socket, wait: float = 0.3) -> bool:
    """Whether a connection is waiting on the listener."""
    readable, _, _ = select.select([listener], [], [], wait)
    return bool(readable)


def get(base: str, query: str, **kwargs) -> httpx.Response:
    return httpx.get(f"{base}/sparql", params={"query": query}, timeout=BOUND, **kwargs)


def task_count(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return len(response.json()["results"]["bindings"])


# ---------------------------------------------------------------- updates, LOAD, SERVICE


@pytest.mark.slow
@pytest.mark.parametrize(
    "update",
    [
        "LOAD <{url}>",
        "load <{url}> INTO GRAPH <urn:g>",
        "# a comment\nPREFIX x: <urn:x#>\nLOAD SILENT <{url}>",
        "INSERT DATA {{ <urn:a> <urn:b> <urn:c> }}",
        "DROP ALL",
    ],
)
def test_load_and_updates_are_refused_in_every_shape(base, store, other_host, update):
    url, listener = other_host
    text = update.format(url=url)
    before = len(store)
    answers = [
        httpx.post(f"{base}/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-update"}),
        httpx.post(f"{base}/sparql", data={"update": text}),
        httpx.post(f"{base}/sparql", data={"query": text}),
        httpx.get(f"{base}/sparql", params={"update": text}),
        get(base, text),
    ]
    assert [a.status_code for a in answers] == [403] * 5
    assert all("read-only" in a.text for a in answers)
    assert not contacted(listener)
    assert len(store) == before


@pytest.mark.slow
@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?t a ipg:Task .SeRvIcE<{url}>{{ ?s ?p ?o }} }}",
        '# "SERVICE" in a comment is no keyword, but this is:\nASK {{ SERVICE <{url}> {{ }} }}',
        'SELECT * WHERE {{ BIND("a # not a comment" AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}',
        "SELECT * WHERE {{ VALUES ?where {{ <{url}> }} SERVICE ?where {{ ?s ?p ?o }} }}",
        "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        # a lexer reads `<2)SERVICE#>` as one IRI; the engine reads `1 < 2`, then SERVICE
        "SELECT * WHERE {{ FILTER(1<2)SERVICE#>\n<{url}> {{ ?x ?y ?z }} }}",
        # `\'` is an escape in a local name, not the start of a string
        "SELECT * WHERE {{ OPTIONAL {{ ?a ipg:q\\' ?b }} SERVICE <{url}> {{ ?x ?y ?z }} BIND(\"'\" AS ?k) }}",
    ],
)
def test_federated_queries_are_refused_and_reach_no_other_host(base, other_host, template):
    url, listener = other_host
    text = template.format(url=url)
    for response in (get(base, text), httpx.post(f"{base}/sparql", data={"query": text}, timeout=BOUND)):
        assert response.status_code == 403
        assert "SERVICE" in response.text and "--allow-service" in response.text
    assert not contacted(listener)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?service WHERE { ?service a ipg:Task } LIMIT 1",
        "SELECT * WHERE { ?t a ipg:Task } # SERVICE <http://127.0.0.1:9/> { }",
        'ASK { FILTER("SERVICE <http://127.0.0.1:9/> { }" != "") }',
        "PREFIX service: <urn:service#> ASK { FILTER(service:x != <urn:service:y>) }",
    ],
)
def test_queries_that_only_mention_service_are_answered(base, text):
    assert get(base, text).status_code == 200


def test_the_engine_itself_cannot_reach_another_host(store, other_host):
    """Past the reading of the text (as a query the text check misses would be), the worker refuses."""
    url, listener = other_host
    pool = QueryPool(store, 1, memory=None)
    try:
        with pytest.raises(ServiceRefused, match="--allow-service"):
            pool.run(Job(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", {}, None), BOUND)
    finally:
        pool.close()
    assert not contacted(listener)


@pytest.mark.slow
def test_allow_service_is_what_lets_a_federated_query_out(store, other_host):
    """The counter-check: with --allow-service the same query does contact the other host."""
    url, listener = other_host
    with serving(store, Limits(timeout=BOUND, allow_service=True)) as base, ThreadPoolExecutor(1) as pool:
        pending = pool.submit(get, base, f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
        assert contacted(listener, wait=BOUND)
        connection, _ = listener.accept()
        connection.close()  # the "other host" hangs up: the query fails, the server says so
        assert pending.result(timeout=BOUND).status_code in (400, 503)


# ---------------------------------------------------------------- request bodies


def test_the_default_body_limit_is_one_mebibyte():
    assert Limits().max_body == MiB == 1_048_576


def test_an_oversize_body_is_413_with_the_limit(base):
    padding = "#" + "x" * MiB + "\n"
    for response in (
        httpx.post(f"{base}/sparql", content=(padding + TASKS).encode(),
                   headers={"Content-Type": "application/sparql-query"}, timeout=BOUND),
        httpx.post(f"{base}/sparql", data={"query": padding + TASKS}, timeout=BOUND),
    ):  # fmt: skip
        assert response.status_code == 413
        assert "larger than 1048576 bytes" in response.text


def test_an_oversize_chunked_body_without_length_is_413(base):
    def chunks() -> Iterator[bytes]:
        yield b"#"
        for _ in range(20):
            yield b"x" * 65536  # 1.25 MiB in all, with no Content-Length

    response = httpx.post(
        f"{base}/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"}, timeout=BOUND
    )
    assert response.status_code == 413


def test_a_body_just_under_the_limit_is_answered(base):
    text = TASKS + "\n#"
    body = (text + "x" * (MiB - len(text.encode()))).encode()
    assert len(body) == MiB
    response = httpx.post(
        f"{base}/sparql", content=body, headers={"Content-Type": "application/sparql-query"}, timeout=BOUND
    )
    assert task_count(response) == 22


@pytest.mark.parametrize("in_pieces", [False, True])
def test_a_get_query_over_the_header_limit_is_refused_and_under_it_answered(base, in_pieces):
    def padded(size: int) -> str:
        return TASKS + "\n#" + "x" * size

    assert Limits().max_header == 64 * 1024
    assert task_count(get(base, padded(40 * 1024))) == 22
    target = "/sparql?" + urllib.parse.urlencode({"query": padded(100 * 1024)})  # too long for httpx: send it raw
    request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    with raw_connection(base) as conn:
        if in_pieces:  # the server sees the headers grow past the limit before they end (they never do)
            unfinished = request[: 9 * 8192]  # just past the limit: nothing is sent after the server answers
            for start in range(0, len(unfinished), 8192):
                conn.sendall(unfinished[start : start + 8192])
                time.sleep(0.01)
        else:
            conn.sendall(request)
        answer = b""
        while chunk := conn.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 431")
    assert b"larger than 65536 bytes" in answer and b"by POST" in answer


# ---------------------------------------------------------------- slow and idle clients


def closed_within(sock: socket.socket, seconds: float, trickle: bytes = b"") -> tuple[bool, bytes]:
    """Send ``trickle`` a byte every 0.1 s (if any) until the server closes; (closed?, what it sent)."""
    received = b""
    deadline = time.monotonic() + seconds
    position = 0
    while time.monotonic() < deadline:
        readable, _, _ = select.select([sock], [], [], 0.1)
        if readable:
            chunk = sock.recv(4096)
            if not chunk:
                return True, received
            received += chunk
        elif position < len(trickle):
            try:
                sock.sendall(trickle[position : position + 1])
            except OSError:
                return True, received
            position += 1
    return False, received


@pytest.fixture(scope="module")
def impatient(store) -> Iterator[str]:
    """A server that gives clients 1 s to send a request."""
    with serving(store, Limits(timeout=30, request_timeout=1.0)) as url:
        yield url


def raw_connection(base: str) -> socket.socket:
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    return socket.create_connection((host, int(port)), timeout=BOUND)


def test_the_default_request_time_is_ten_seconds():
    assert Limits().request_timeout == 10.0


@pytest.mark.slow
def test_a_client_trickling_its_headers_is_cut_off_while_others_are_served(impatient):
    endless_headers = b"".join(f"X-Filler-{i}: {i}\r\n".encode() for i in range(500))
    with raw_connection(impatient) as slow:
        slow.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        with ThreadPoolExecutor(1) as pool:
            watch = pool.submit(closed_within, slow, BOUND, endless_headers)
            others = [task_count(get(impatient, TASKS)) for _ in range(3)]
            closed, answer = watch.result(timeout=BOUND * 2)
    assert others == [22, 22, 22]
    assert closed
    assert answer.startswith(b"HTTP/1.1 408") and b"within 1 s" in answer


@pytest.mark.slow
def test_an_idle_connection_is_closed(impatient):
    with raw_connection(impatient) as idle:
        closed, answer = closed_within(idle, BOUND)
    assert closed and answer.startswith(b"HTTP/1.1 408")


@pytest.mark.slow
def test_a_client_trickling_its_body_is_cut_off(impatient):
    body = b"ASK {}" + b" " * 200
    head = (
        "POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    with raw_connection(impatient) as slow:
        slow.sendall(head.encode())
        closed, answer = closed_within(slow, BOUND, body)
    assert closed
    assert answer == b""  # the request never arrived whole: no answer, the connection is simply closed


@pytest.mark.slow
def test_a_kept_alive_connection_gets_the_same_limit_for_its_next_request(impatient):
    with raw_connection(impatient) as conn:
        conn.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        first = conn.recv(4096)
        assert first.startswith(b"HTTP/1.1 200")
        closed, _ = closed_within(conn, BOUND, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n" + b"X: y\r\n" * 200)
    assert closed


@pytest.mark.slow
def test_a_query_running_longer_than_the_request_time_is_not_cut_off(store):
    """The request clock stops once the request has arrived: a slow query gets its own time limit."""
    with serving(store, Limits(timeout=2.5, request_timeout=0.5)) as base:
        response = get(base, ENDLESS)
    assert response.status_code == 503
    assert "time limit of 2.5 s" in response.text


# ---------------------------------------------------------------- concurrency


@pytest.mark.slow
def test_other_clients_are_answered_while_a_long_query_runs(store):
    """One client's query runs to the time limit; meanwhile three other clients get their answers."""
    with serving(store, Limits(timeout=8, workers=2)) as base, ThreadPoolExecutor(4) as pool:
        slow = pool.submit(get, base, ENDLESS)
        quick = [pool.submit(get, base, TASKS) for _ in range(6)]
        counts = [task_count(f.result(timeout=BOUND)) for f in quick]
        still_running = not slow.done()
        stopped = slow.result(timeout=BOUND * 2)
    assert counts == [22] * 6
    assert still_running  # the answers did not wait for the long query
    assert stopped.status_code == 503 and "time limit of 8 s" in stopped.text


def answer_status_becomes(base: str, status: int) -> bool:
    """Ask until the answer has ``status`` (the server takes connections in and lets them go asynchronously)."""
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        if get(base, "ASK {}").status_code == status:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
def test_idle_connections_do_not_starve_complete_requests(store):
    """Sockets that send nothing make room for requests: the longest-waiting one is closed (408)."""
    assert Limits().connections == 100
    with serving(store, Limits(timeout=30)) as base:
        idle = [raw_connection(base) for _ in range(120)]
        time.sleep(IDLE + 0.2)  # the attacker's sockets have been idle a while
        try:
            assert [task_count(get(base, TASKS)) for _ in range(3)] == [22] * 3
            closed, answer = closed_within(idle[0], BOUND)
            assert closed and answer.startswith(b"HTTP/1.1 408")
        finally:
            for conn in idle:
                conn.close()


@pytest.mark.slow
def test_when_every_connection_runs_a_request_a_new_one_is_answered_503(store):
    with serving(store, Limits(timeout=4, workers=2, connections=2)) as base, ThreadPoolExecutor(2) as pool:
        running = [pool.submit(get, base, ENDLESS) for _ in range(2)]
        time.sleep(IDLE + 0.5)  # both under way before anyone else connects
        assert answer_status_becomes(base, 503)
        refused = get(base, "ASK {}")
        assert refused.status_code == 503 and "2 connections open and busy" in refused.text
        assert [r.result(timeout=BOUND).status_code for r in running] == [503, 503]
        assert answer_status_becomes(base, 200)


# ---------------------------------------------------------------- requests from other sites


def test_a_host_name_the_server_was_not_started_with_is_refused(base):
    """DNS rebinding: a page's own name pointed at 127.0.0.1 is not a name of this server."""
    port = urllib.parse.urlsplit(base).port
    refused = httpx.get(f"{base}/sparql", params={"query": TASKS}, headers={"Host": f"attacker.example:{port}"})
    assert refused.status_code == 421 and "attacker.example" in refused.text
    for name in (f"localhost:{port}", f"127.0.0.1:{port}", "127.0.0.1"):
        assert task_count(httpx.get(f"{base}/sparql", params={"query": TASKS}, headers={"Host": name})) == 22


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "http://attacker.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}],
)
def test_a_cross_origin_form_post_is_refused(base, headers):
    refused = httpx.post(f"{base}/sparql", data={"query": TASKS}, headers=headers, timeout=BOUND)
    assert refused.status_code == 403 and "another site" in refused.text


def test_a_post_from_the_servers_own_page_is_answered(base):
    own = {"Origin": base, "Sec-Fetch-Site": "same-origin"}
    assert task_count(httpx.post(f"{base}/sparql", data={"query": TASKS}, headers=own, timeout=BOUND)) == 22
