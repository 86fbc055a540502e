"""Remote stores: the query library and `push` against a real Oxigraph server, over HTTP.

The server is the one CI starts (``IPGRAPH_TEST_OXIGRAPH=http://127.0.0.1:PORT``), else
one started here from the ``oxigraph`` program (PyPI ``oxigraph``, a test dependency).
"""

from __future__ import annotations

import base64
import http.server
import os
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from ipgraph import paths
from ipgraph.cli import main
from ipgraph.errors import StoreError
from ipgraph.sparql.library import library, parse_header
from ipgraph.sparql.remote import Endpoints, fingerprint, push, remote_runner, remote_text, run_remote, with_values
from ipgraph.sparql.remote.http import request
from ipgraph.sparql.remote.push import staging_graph
from ipgraph.sparql.run import run_embedded
from ipgraph.sparql.store import graph_file
from tests.helpers.answers import QUERIES, answer, params_for
from tests.helpers.servers import free_port, local_server, oxigraph_program, stop, wait_for_port

# ---------------------------------------------------------------- servers


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory) -> Iterator[str]:
    """The base URL of a running Oxigraph server."""
    url = os.environ.get("IPGRAPH_TEST_OXIGRAPH")
    if url:
        yield url.rstrip("/")
        return
    program = oxigraph_program()
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    cmd = [program, "serve", "--bind", f"127.0.0.1:{port}", "--location", str(location), "--union-default-graph"]
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process=process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@pytest.fixture(scope="session")
def graph_ntriples(store) -> str:
    return store.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode("utf-8")


@pytest.fixture(scope="session")
def pushed(oxigraph, graph_ntriples) -> tuple[Endpoints, str]:
    """The graph pushed into its own named graph on the server: (endpoints, graph IRI)."""
    endpoints = Endpoints.derive(f"{oxigraph}/query")
    graph = f"https://w3id.org/ipgraph/graph/test-{uuid.uuid4()}"
    push(graph_ntriples, endpoints, graph, timeout=30)
    return endpoints, graph


def named_graphs(endpoints: Endpoints) -> set[str]:
    result = run_remote(endpoints.query, parse_header("q", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))
    return set(result.values("g"))


def remote_fp(endpoints: Endpoints, graph: str):
    text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return fingerprint(run_remote(endpoints.query, parse_header("q", text)).triples or "")


class FakeStore(http.server.BaseHTTPRequestHandler):
    """A store that answers every request the same way; it records what it was sent."""

    status = 200
    body = b""
    content_type = "application/sparql-results+json"
    delay = 0.0
    location = ""  # where a redirect (3xx) points
    trickle = 0.0  # seconds between the bytes of the body
    seen: list[dict] = []  # noqa: RUF012 (reset per server)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.seen.append({"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)})
        time.sleep(self.delay)
        self.send_response(self.status)
        self.send_header("Content-Type", self.content_type)
        if self.status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
        if self.location:
            self.send_header("Location", self.location)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        if not self.trickle:
            self.wfile.write(self.body)
        for byte in self.body if self.trickle else b"":
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(self.trickle)

    do_PUT = do_POST

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake_store() -> Iterator:
    """Start a FakeStore; the test sets its class attributes, then talks to ``http://127.0.0.1:PORT``."""
    handler = type("Handler", (FakeStore,), {"seen": []})
    with local_server(handler) as url:
        handler.url = url
        yield handler


# ---------------------------------------------------------------- comparing answers


@pytest.mark.parametrize("name", QUERIES)
def test_every_named_query_answers_the_same_remotely_and_embedded(name, pushed, store):
    endpoints, graph = pushed
    query = library()[name]
    params = params_for(query)
    embedded = run_embedded(store, query, params)
    remote = run_remote(endpoints.query, query, params, default_graph=graph)
    assert answer(remote, query) == answer(embedded, query)


def test_remote_runner_names_queries_like_the_embedded_one(pushed, store):
    endpoints, graph = pushed
    runner = remote_runner(endpoints.query, default_graph=graph)
    query = library()["tasks-per-department"]
    assert answer(runner("tasks-per-department", {}), query) == answer(run_embedded(store, query), query)


def test_tasks_per_department_counts_match_the_source_text(pushed, document):
    """The remote answer agrees with the task list itself: tasks naming 运用促进司 as responsible."""
    endpoints, graph = pushed
    source = paths.SOURCES_DIR / "cnipa-2021-ip-high-quality-development-task-list.txt"
    text = source.read_text(encoding="utf-8")
    result = run_remote(endpoints.query, library()["tasks-per-department"], default_graph=graph)
    counts = {r["dept_zh"]: int(r["tasks"]) for r in result.records()}
    assert "运用促进司" in text
    assert counts["运用促进司"] == max(counts.values())
    assert sum(counts.values()) >= 22  # every one of the 22 tasks names at least one department


def test_union_default_graph_setup_sees_the_pushed_graph(oxigraph, pushed):
    """Documented setup: Oxigraph with --union-default-graph answers named queries without default-graph-uri."""
    endpoints, _ = pushed
    result = run_remote(endpoints.query, library()["tasks-per-department"])
    assert result.rows


# ---------------------------------------------------------------- parameters


ECHO = """# title: echo
# param x: literal@zh -- a value
# param n: integer = 7 -- a number
SELECT ?x ?n ?v ?m WHERE { BIND(STR(?x) AS ?v) BIND(?n + 1 AS ?m) }
"""


@pytest.mark.parametrize("value", ["保护司", 'quote " brace } hash # <iri> \\ backslash', "line\nbreak\ttab"])
def test_parameters_travel_as_escaped_terms(value, pushed, store):
    endpoints, _ = pushed
    query = parse_header("echo", ECHO)
    remote = run_remote(endpoints.query, query, {"x": value})
    assert remote.rows == run_embedded(store, query, {"x": value}).rows
    assert remote.rows[0]["x"] == {"type": "literal", "value": value, "xml:lang": "zh"}
    assert remote.rows[0]["v"] == {"type": "literal", "value": value}
    assert remote.rows[0]["m"]["value"] == "8"


def test_parameters_are_written_in_place_and_bound_first_in_the_outermost_where_group():
    """As the embedded store's substitutions: in nested groups too, not in sub-selects or strings."""
    text = (
        'SELECT ?s ?p WHERE { ?s ?p "{ not a group ?p }" . { FILTER EXISTS { ?s ?p ?o } } '
        "{ SELECT ?s WHERE { ?s ?p ?p_other } } } ORDER BY ?p # {"
    )
    query = parse_header("q", "# param p: iri -- a predicate\n" + text)
    sent = remote_text(query, {"p": "https://w3id.org/ipgraph/ontology#task"})
    task = "<https://w3id.org/ipgraph/ontology#task>"
    assert (
        f'WHERE {{ VALUES (?p) {{ ({task}) }}  ?s {task} "{{ not a group ?p }}" . '
        f"{{ FILTER EXISTS {{ ?s {task} ?o }} }} "
        "{ SELECT ?s WHERE { ?s ?p ?p_other } } } ORDER BY ?p # {"
    ) in sent


def test_values_skip_the_construct_template_and_wrap_a_bare_subselect():
    construct = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c }"
    assert with_values(construct, {"c": ox.NamedNode("http://x/C")}).startswith(
        "CONSTRUCT { ?s a ?c } WHERE { VALUES (?c) { (<http://x/C>) } "
    )
    sub = "SELECT ?s WHERE { SELECT ?s WHERE { ?s a ?c } }"
    wrapped = with_values(sub, {"c": ox.NamedNode("http://x/C")})
    assert wrapped == "SELECT ?s WHERE { VALUES (?c) { (<http://x/C>) } { SELECT ?s WHERE { ?s a ?c } } }"
    ox.Store().query(wrapped)  # valid SPARQL


@pytest.mark.parametrize("name", QUERIES)
def test_values_injection_means_what_engine_binding_means(name, store):
    """Independent of any server: the text sent remotely, run embedded without bindings, answers the same."""
    query = library()[name]
    params = params_for(query)
    as_sent = parse_header(name, remote_text(query, params))
    assert answer(run_embedded(store, as_sent), query) == answer(run_embedded(store, query, params), query)


def test_predeclared_prefixes_are_added_only_when_missing():
    query = parse_header("q", "PREFIX ipg: <http://elsewhere/>\nSELECT ?t WHERE { ?t a ipg:Task ; dcterms:title ?x }")
    sent = remote_text(query)
    assert "PREFIX ipg: <http://elsewhere/>" in sent
    assert sent.count("PREFIX ipg:") == 1
    assert "PREFIX dcterms: <http://purl.org/dc/terms/>" in sent
    assert sent.splitlines()[1] == query.text.splitlines()[1]  # line numbers kept for the store's errors


# ---------------------------------------------------------------- push


def test_push_holds_exactly_the_triples_of_the_graph(pushed, graph):
    """Compared with the rdflib graph the store was loaded from: same count, same canonical triples."""
    endpoints, name = pushed
    held = remote_fp(endpoints, name)
    assert held.count == len(graph)
    assert held == fingerprint(graph.serialize(format="nt"))


def test_push_replaces_the_graph_and_leaves_no_staging_graph(oxigraph, graph_ntriples):
    endpoints = Endpoints.derive(f"{oxigraph}/query")
    graph = f"https://w3id.org/ipgraph/graph/test-{uuid.uuid4()}"
    push(graph_ntriples, endpoints, graph)
    smaller = "".join(line + "\n" for line in graph_ntriples.splitlines()[:10])
    sent = push(smaller, endpoints, graph, protocol="update")
    assert sent.count == 10
    assert remote_fp(endpoints, graph) == fingerprint(smaller)
    assert not {g for g in named_graphs(endpoints) if g.startswith("urn:uuid:")}


def test_a_failed_push_leaves_the_graph_as_it_was(oxigraph, pushed, graph_ntriples):
    endpoints, graph = pushed
    before = remote_fp(endpoints, graph)
    broken = Endpoints(endpoints.query, f"{oxigraph}/no-such-service", endpoints.update)
    some = "".join(line + "\n" for line in graph_ntriples.splitlines()[:20])
    with pytest.raises(StoreError, match="no-such-service"):
        push(some, broken, graph, protocol="gsp")
    bad_update = Endpoints(endpoints.query, endpoints.store, f"{oxigraph}/no-such-update")
    for protocol in ("replace", "gsp"):
        with pytest.raises(StoreError, match="no-such-update"):
            push(some, bad_update, graph, protocol=protocol)
    assert remote_fp(endpoints, graph) == before
    assert not {g for g in named_graphs(endpoints) if g.startswith("urn:uuid:")}


def test_push_refuses_a_server_that_is_down(graph_ntriples):
    port = free_port()
    with pytest.raises(StoreError, match=rf"127.0.0.1:{port}/update: cannot reach the store"):
        push(graph_ntriples, Endpoints.derive(f"http://127.0.0.1:{port}/query"))


def test_push_without_known_service_urls_says_which_options_to_give(graph_ntriples):
    with pytest.raises(StoreError, match="--store and --update"):
        push(graph_ntriples, Endpoints.derive("http://127.0.0.1:9/custom/endpoint/path"))


def test_push_refuses_a_graph_name_that_is_not_an_iri(graph_ntriples):
    with pytest.raises(StoreError, match="not an absolute IRI"):
        push(graph_ntriples, Endpoints.derive("http://127.0.0.1:9/query"), "my graph")


def test_service_urls_are_derived_for_known_stores():
    assert Endpoints.derive("http://h:7878/query") == Endpoints(
        "http://h:7878/query", "http://h:7878/store", "http://h:7878/update"
    )
    assert Endpoints.derive("http://h:3030/ipg/sparql").store == "http://h:3030/ipg/data"
    assert Endpoints.derive("http://h:7200/repositories/ipg").update == "http://h:7200/repositories/ipg/statements"
    assert Endpoints.derive("http://h:8890/sparql").store == "http://h:8890/sparql-graph-crud-auth"
    assert Endpoints.derive("http://h:8890/sparql", store="http://s/gsp").store == "http://s/gsp"


def test_fingerprint_ignores_order_duplicates_and_blank_node_labels():
    a = '<http://x/a> <http://x/p> "1" .\n_:b1 <http://x/p> <http://x/a> .\n'
    string = "<http://www.w3.org/2001/XMLSchema#string>"
    b = f'_:other <http://x/p> <http://x/a> .\n<http://x/a> <http://x/p> "1"^^{string} .\n'
    assert fingerprint(a) == fingerprint(b + b)
    assert fingerprint(a).count == 2
    assert fingerprint(a) != fingerprint(a.replace('"1"', '"2"'))


# ---------------------------------------------------------------- failures and credentials


def test_an_answer_cut_off_by_the_store_is_an_error(fake_store):
    fake_store.body = b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "val'
    with pytest.raises(StoreError, match="incomplete"):
        run_remote(f"{fake_store.url}/query", library()["tasks-per-department"])


@pytest.mark.slow
def test_a_store_that_does_not_answer_in_time_is_an_error(fake_store):
    fake_store.delay = 2
    with pytest.raises(StoreError, match="timed out"):
        run_remote(f"{fake_store.url}/query", library()["tasks-per-department"], timeout=1)


def test_refused_credentials_are_an_error(fake_store, monkeypatch):
    fake_store.status = 401
    monkeypatch.setenv("IPGRAPH_ENDPOINT_USER", "reader")
    monkeypatch.setenv("IPGRAPH_ENDPOINT_PASSWORD", "s3cret")
    with pytest.raises(StoreError, match="authentication refused"):
        run_remote(f"{fake_store.url}/query", library()["tasks-per-department"])
    expected = "Basic " + base64.b64encode(b"reader:s3cret").decode()
    assert fake_store.seen[0]["headers"]["Authorization"] == expected


@pytest.mark.slow
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_credentials_never_follow_a_redirect_to_another_origin(fake_store, monkeypatch, status):
    other = type("Other", (FakeStore,), {"seen": []})
    monkeypatch.setenv("IPGRAPH_ENDPOINT_USER", "reader")
    monkeypatch.setenv("IPGRAPH_ENDPOINT_PASSWORD", "s3cret")
    with local_server(other) as elsewhere:
        fake_store.status, fake_store.location = status, f"{elsewhere}/query"
        with pytest.raises(StoreError, match=r"redirects to another origin.*credentials are never sent"):
            run_remote(f"{fake_store.url}/query", library()["tasks-per-department"])
    assert other.seen == []


@pytest.mark.slow
def test_without_credentials_a_redirect_is_followed(fake_store, monkeypatch):
    monkeypatch.delenv("IPGRAPH_ENDPOINT_USER", raising=False)
    monkeypatch.setenv("NETRC", "/nonexistent")
    other = type("Other", (FakeStore,), {"seen": [], "body": b'{"head": {"vars": []}, "boolean": true}'})
    with local_server(other) as elsewhere:
        fake_store.status, fake_store.location = 307, f"{elsewhere}/query"
        assert run_remote(f"{fake_store.url}/query", parse_header("q", "ASK {}")).boolean is True
    assert len(other.seen) == 1 and "Authorization" not in other.seen[0]["headers"]


@pytest.mark.slow
@pytest.mark.parametrize("status", [400, 500])
def test_a_stores_terminal_escape_sequences_are_not_echoed(fake_store, status):
    fake_store.status = status
    fake_store.content_type = "text/plain"
    fake_store.body = b"\x1b]0;owned\x07\x1b[2Jbad query\r\n\x9b31m"
    with pytest.raises(StoreError) as caught:
        run_remote(f"{fake_store.url}/query", parse_header("q", "ASK {}"))
    message = str(caught.value)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in message), repr(message)
    assert "\\x1b]0;owned\\x07\\x1b[2Jbad query" in message


@pytest.mark.slow
def test_the_time_limit_is_for_the_whole_answer_not_each_read(fake_store):
    """A store trickling its answer a byte at a time never lets a single read wait long."""
    fake_store.body = b'{"head": {"vars": []}, "boolean": true}' + b" " * 100
    fake_store.trickle = 0.1
    with pytest.raises(StoreError, match="no answer within 1 s"):
        run_remote(f"{fake_store.url}/query", parse_header("q", "ASK {}"), timeout=1)


@pytest.mark.parametrize("protocol", [None, "replace"])
def test_the_default_push_sends_one_update_and_writes_no_staging_graph(fake_store, protocol):
    """Safe on stores with a union default graph: nothing but the target is ever written, in one
    transaction, and what a staged push that died left of its staging graph goes in the same one."""
    fake_store.status = 204  # accepts everything, holds nothing: verification of the target fails
    endpoints = Endpoints(f"{fake_store.url}/q", f"{fake_store.url}/s", f"{fake_store.url}/u")
    chosen = {"protocol": protocol} if protocol else {}
    with pytest.raises(StoreError, match="http://g: the store holds 0 triples"):
        push('<http://x/a> <http://x/p> "1" .\n', endpoints, "http://g", **chosen)
    assert [s["path"][:2] for s in fake_store.seen] == ["/u", "/q"]
    update = fake_store.seen[0]["body"].decode()
    assert update.startswith(f"DROP SILENT GRAPH <{staging_graph('http://g')}> ;\nDROP SILENT GRAPH <http://g> ;")
    assert update.count("urn:uuid:") == 1 and "INSERT DATA { GRAPH <http://g>" in update


def test_a_push_after_a_staged_push_died_leaves_the_union_default_graph_the_new_graph_alone(oxigraph, graph_ntriples):
    """A store that died during a staged push kept part of its staging graph: the next push (the default
    one) removes it, so the store's union default graph holds the new triples and nothing else of the push."""
    endpoints = Endpoints.derive(f"{oxigraph}/query")
    graph = f"https://w3id.org/ipgraph/graph/test-{uuid.uuid4()}"
    lines = graph_ntriples.splitlines()
    push("".join(line + "\n" for line in lines[:50]), endpoints, graph, protocol="gsp")
    left = "".join(line + "\n" for line in lines[50:80])  # what the dead push had sent
    request("PUT", f"{oxigraph}/store?graph={staging_graph(graph)}", 30, content=left.encode(),
            headers={"Content-Type": "application/n-triples"})  # fmt: skip
    assert staging_graph(graph) in named_graphs(endpoints)
    newer = "".join(line + "\n" for line in lines[:20])
    push(newer, endpoints, graph)
    assert staging_graph(graph) not in named_graphs(endpoints)
    assert remote_fp(endpoints, graph) == fingerprint(newer)


def test_replace_into_a_real_store_holds_the_graph_exactly(oxigraph, graph_ntriples):
    endpoints = Endpoints.derive(f"{oxigraph}/query")
    graph = f"https://w3id.org/ipgraph/graph/test-{uuid.uuid4()}"
    sent = push(graph_ntriples, endpoints, graph, protocol="replace", timeout=30)
    assert remote_fp(endpoints, graph) == sent == fingerprint(graph_ntriples)
    assert not {g for g in named_graphs(endpoints) if g.startswith("urn:uuid:")}


def test_credentials_come_from_a_netrc_file(fake_store, monkeypatch, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login pusher password pw\n")
    netrc.chmod(0o600)
    monkeypatch.delenv("IPGRAPH_ENDPOINT_USER", raising=False)
    monkeypatch.setenv("NETRC", str(netrc))
    fake_store.status = 204  # accepts everything, holds nothing: verification fails after the PUT
    endpoints = Endpoints(f"{fake_store.url}/q", f"{fake_store.url}/s", f"{fake_store.url}/u")
    with pytest.raises(StoreError, match="holds 0 triples"):
        push('<http://x/a> <http://x/p> "1" .\n', endpoints, "http://g", protocol="gsp")
    assert [s["path"][:2] for s in fake_store.seen] == ["/s", "/q", "/u"]  # PUT, verify, drop the staging graph
    sent = [s["headers"].get("Authorization") for s in fake_store.seen]
    assert sent and all(h == "Basic " + base64.b64encode(b"pusher:pw").decode() for h in sent)


def test_a_broken_netrc_file_is_named_with_its_line(monkeypatch, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine h login u password p\nbogus token\n")
    monkeypatch.delenv("IPGRAPH_ENDPOINT_USER", raising=False)
    monkeypatch.setenv("NETRC", str(netrc))
    with pytest.raises(StoreError, match=rf"{netrc}:\d+: cannot read netrc"):
        run_remote("http://127.0.0.1:9/query", library()["tasks-per-department"])


# ---------------------------------------------------------------- command line


def test_cli_query_with_endpoint_prints_what_the_embedded_query_prints(pushed, capsys):
    endpoints, graph = pushed
    assert main(["query", "tasks-per-department", "-f", "csv"]) == 0
    embedded = capsys.readouterr().out
    assert main(["query", "tasks-per-department", "-f", "csv", "--endpoint", endpoints.query,
                 "--default-graph", graph]) == 0  # fmt: skip
    assert capsys.readouterr().out == embedded


def test_cli_query_with_endpoint_warns_about_a_name_the_store_does_not_hold(pushed, capsys):
    endpoints, graph = pushed
    argv = ["query", "department-tasks", "-p", "dept=知识产权局保护司", "--endpoint", endpoints.query]
    assert main([*argv, "--default-graph", graph]) == 0
    err = capsys.readouterr().err
    assert "no responsible department or body of that name" in err and "did you mean 保护司" in err


def test_cli_push_reports_the_verified_count(oxigraph, capsys):
    graph = f"https://w3id.org/ipgraph/graph/test-{uuid.uuid4()}"
    assert main(["push", "--endpoint", f"{oxigraph}/query", "--graph", graph]) == 0
    count = len(Graph().parse(graph_file(), format="turtle"))
    assert f"pushed {count} triples into <{graph}>" in capsys.readouterr().out


def test_cli_push_failure_is_one_readable_line(capsys):
    port = free_port()
    assert main(["push", "--endpoint", f"http://127.0.0.1:{port}/query"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ipgraph: http://127.0.0.1:") and "Traceback" not in err


def test_the_oxigraph_test_server_is_reachable(oxigraph):
    with urllib.request.urlopen(f"{oxigraph}/query?query=ASK%7B%7D", timeout=5) as response:
        assert response.status == 200


def test_cli_push_one_document_alone(oxigraph, tmp_path, capsys):
    from ipgraph.cli.push import part_graph
    from ipgraph.sparql.graphs import document_graph, graph_ntriples
    from ipgraph.sparql.remote import read_ntriples

    target = tmp_path / "two.ttl"
    plan = Path(__file__).resolve().parent / "fixtures" / "annual-plan-sample.txt"
    assert main(["build", str(paths.SOURCES_DIR), str(plan), "-o", str(target), "-q", "--no-store"]) == 0
    capsys.readouterr()
    graph = f"https://w3id.org/ipgraph/graph/test-{uuid.uuid4()}"
    argv = ["push", "--endpoint", f"{oxigraph}/query", "--file", str(target), "--graph", graph]
    assert main([*argv, "--document", "cnipa-tasklist-2021"]) == 0
    expected = fingerprint(graph_ntriples(target, ox.RdfFormat.TURTLE, document_graph("cnipa-tasklist-2021")))
    assert f"pushed {expected.count} triples into <{graph}>" in capsys.readouterr().out
    assert remote_fp(Endpoints.derive(f"{oxigraph}/query"), graph) == expected
    assert 1000 < expected.count < fingerprint(read_ntriples(target)).count  # the 2021 list, not the plan
    assert part_graph("cnipa-tasklist-2021") == "https://w3id.org/ipgraph/graph/document/cnipa-tasklist-2021"

    assert main([*argv, "--document", "no-such-document"]) == 2
    err = capsys.readouterr().err
    assert "no document 'no-such-document'" in err and "annual-plan-2022, cnipa-tasklist-2021" in err


# ---------------------------------------------------------------- digest authentication


class DigestStore(http.server.BaseHTTPRequestHandler):
    """A store under digest authentication that, like Virtuoso, answers an unsigned request 401 with
    its challenge as soon as it has the headers, and closes the connection without reading the body."""

    protocol_version = "HTTP/1.1"
    CHALLENGE = 'Digest realm="store", nonce="4e6f6e6365", qop="auth", algorithm=MD5'
    seen: list[tuple[str, bool, int]] = []  # noqa: RUF012 (method, signed, body bytes read); reset per server

    def _answer(self) -> None:
        signed = self.headers.get("Authorization", "").startswith("Digest ")
        if not signed:
            self.seen.append((self.command, False, 0))
            self.send_response(401)
            self.send_header("WWW-Authenticate", self.CHALLENGE)
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True  # the body, if any, is never read
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.seen.append((self.command, True, len(body)))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_PUT = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def digest_store(monkeypatch) -> Iterator:
    monkeypatch.setenv("IPGRAPH_ENDPOINT_AUTH", "digest")
    monkeypatch.setenv("IPGRAPH_ENDPOINT_USER", "pusher")
    monkeypatch.setenv("IPGRAPH_ENDPOINT_PASSWORD", "pw")
    handler = type("Handler", (DigestStore,), {"seen": []})
    with local_server(handler) as url:
        handler.url = url
        yield handler


LARGE = b"<http://x/a> <http://x/p> " + b'"' + b"x" * (16 * 2**20) + b'" .\n'  # more than socket buffers hold


def test_digest_authentication_takes_the_challenge_before_sending_a_large_body(digest_store):
    request("PUT", f"{digest_store.url}/store?graph=g", 60, content=LARGE,
            headers={"Content-Type": "application/n-triples"})  # fmt: skip
    assert digest_store.seen[0] == ("HEAD", False, 0)  # the challenge, taken without a body
    assert [seen for seen in digest_store.seen if seen[0] == "PUT"] == [("PUT", True, len(LARGE))]  # signed at once


def test_without_the_challenge_first_the_store_hangs_up_on_a_large_body(digest_store, monkeypatch):
    """The counter-check: the store above does lose an unsigned request's answer, as Virtuoso did."""

    async def no_challenge(*_):
        return None

    monkeypatch.setattr("ipgraph.sparql.remote.http._challenge", no_challenge)
    with pytest.raises(StoreError, match="connection was lost"):
        request("PUT", f"{digest_store.url}/store?graph=g", 60, content=LARGE,
                headers={"Content-Type": "application/n-triples"})  # fmt: skip
    assert ("PUT", True, len(LARGE)) not in digest_store.seen
