"""Pushing the graph into a remote store: staged, verified, then moved into place with one update."""

from __future__ import annotations

import re
import urllib.parse
import uuid
from dataclasses import dataclass

from ipgraph.errors import StoreError
from ipgraph.sparql.remote.fingerprint import Fingerprint, fingerprint
from ipgraph.sparql.remote.http import request
from ipgraph.sparql.remote.query import DEFAULT_TIMEOUT, run_text

DEFAULT_GRAPH = "https://w3id.org/ipgraph/graph/tasklists"
# Virtuoso, for one, refuses an INSERT DATA of a few thousand triples (SP031: generated SQL too long).
REFUSED_WHOLE = (
    "the store refused the graph in one update and left it as it was; a store that cannot take it whole "
    "takes it staged: --protocol gsp (docs/triple-stores.md says on which stores that is safe)"
)


@dataclass(frozen=True)
class Endpoints:
    """A store's three services: SPARQL query, Graph Store Protocol, SPARQL Update."""

    query: str
    store: str | None = None
    update: str | None = None

    @classmethod
    def derive(cls, query: str, store: str | None = None, update: str | None = None) -> Endpoints:
        """Fill in the store and update URLs from the query URL's layout when not given.

        Known layouts: Oxigraph ``/query`` (``/store``, ``/update``), Fuseki ``/DATASET/query``
        or ``/DATASET/sparql`` (``/DATASET/data``, ``/DATASET/update``), GraphDB
        ``/repositories/REPO`` (``…/rdf-graphs/service``, ``…/statements``) and Virtuoso
        ``/sparql`` (``/sparql-graph-crud-auth``, ``/sparql-auth``).
        """
        parts = urllib.parse.urlsplit(query)
        path = parts.path.rstrip("/")

        def at(new_path: str) -> str:
            return urllib.parse.urlunsplit((parts.scheme, parts.netloc, new_path, "", ""))

        guess: tuple[str, str] | None = None
        if path == "/query":
            guess = at("/store"), at("/update")
        elif path == "/sparql":
            guess = at("/sparql-graph-crud-auth"), at("/sparql-auth")
        elif re.fullmatch(r".*/repositories/[^/]+", path):
            guess = at(path + "/rdf-graphs/service"), at(path + "/statements")
        elif re.fullmatch(r".+/(query|sparql)", path):
            base = path.rsplit("/", 1)[0]
            guess = at(base + "/data"), at(base + "/update")
        return cls(query, store or (guess and guess[0]), update or (guess and guess[1]))


def remote_fingerprint(endpoints: Endpoints, graph: str, timeout: float) -> Fingerprint:
    """The fingerprint of what the store holds in a named graph."""
    text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return fingerprint(run_text(endpoints.query, text, timeout=timeout).triples or "")


class _Http:
    """Plain HTTP requests (PUT, POST, DELETE) with the same credentials and time limit as the queries."""

    def __init__(self, timeout: float):
        self.timeout = timeout

    def send(self, method: str, url: str, body: bytes, content_type: str) -> None:
        request(method, url, self.timeout, content=body, headers={"Content-Type": content_type})

    def update(self, url: str, sparql: str) -> None:
        self.send("POST", url, sparql.encode("utf-8"), "application/sparql-update; charset=utf-8")


def _graph_url(store: str, graph: str) -> str:
    sep = "&" if "?" in store else "?"
    return f"{store}{sep}{urllib.parse.urlencode({'graph': graph})}"


def _check_iri(iri: str) -> str:
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) or re.search(r'[\x00-\x20<>"{}|^`\\]', iri):
        raise StoreError(f"--graph {iri!r}: not an absolute IRI")
    return iri


def push(
    ntriples: str,
    endpoints: Endpoints,
    graph: str = DEFAULT_GRAPH,
    protocol: str = "replace",
    timeout: float = DEFAULT_TIMEOUT,
) -> Fingerprint:
    """Replace ``graph`` in the remote store with these triples; verify; return what was verified.

    ``protocol="replace"`` (the default): one update drops the target and inserts the triples, which
    a store applies as one transaction, and the target is verified afterwards. Nothing but the target
    is written, so a store whose default graph is the union of its named graphs (Oxigraph
    ``--union-default-graph``, Fuseki ``unionDefaultGraph``, Virtuoso) never shows its queries other
    triples beside the target's, even if it dies mid-push: it keeps the old graph or the new one. The
    same update drops what a staged push that died may have left of its staging graph. A verification
    that fails leaves the target holding what the store made of the triples.

    ``protocol="gsp"`` or ``"update"`` stage: the triples go into a staging graph (GSP ``PUT``, or
    ``DROP`` + ``INSERT DATA`` in one update), which is checked against what was sent before a
    single ``MOVE`` update replaces the target graph, so a verification that fails leaves the target
    as it was. Any failure before the ``MOVE`` drops the staging graph; but a store that dies mid-push
    keeps it until the next push into the same graph (its name is derived from the target's), and a
    union default graph shows it meanwhile. Safe on stores whose default graph is a graph of its own.
    """
    _check_iri(graph)
    if not endpoints.update or (protocol == "gsp" and not endpoints.store):
        raise StoreError(
            f"{endpoints.query}: cannot tell this store's Graph Store and Update URLs; "
            "give them with --store and --update"
        )
    sent = fingerprint(ntriples)
    http = _Http(timeout)
    staging = staging_graph(graph)
    if protocol == "replace":
        try:
            http.update(
                endpoints.update,
                f"DROP SILENT GRAPH <{staging}> ;\nDROP SILENT GRAPH <{graph}> ;\n"
                f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples}\n}} }}",
            )
        except StoreError as exc:
            if ": HTTP " not in str(exc):
                raise
            raise StoreError(f"{exc} [{REFUSED_WHOLE}]") from None
        _verify(sent, remote_fingerprint(endpoints, graph, timeout), graph)
        return sent
    try:
        if protocol == "gsp":
            http.send(
                "PUT", _graph_url(endpoints.store or "", staging), ntriples.encode("utf-8"), "application/n-triples"
            )
        else:
            http.update(
                endpoints.update,
                f"DROP SILENT GRAPH <{staging}> ;\nINSERT DATA {{ GRAPH <{staging}> {{\n{ntriples}\n}} }}",
            )
        _verify(sent, remote_fingerprint(endpoints, staging, timeout), "staging graph " + staging)
        http.update(endpoints.update, f"MOVE GRAPH <{staging}> TO GRAPH <{graph}>")
    except StoreError:
        _drop_quietly(http, endpoints, staging)
        raise
    _verify(sent, remote_fingerprint(endpoints, graph, timeout), graph)
    return sent


def staging_graph(graph: str) -> str:
    """The staging graph for pushes into ``graph``: ``urn:uuid:`` and a name-based (v5) UUID of it."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'ipgraph-staging:' + graph)}"


def _verify(sent: Fingerprint, held: Fingerprint, where: str) -> None:
    if held != sent:
        raise StoreError(
            f"{where}: the store holds {held.count} triples (sha256 {held.checksum[:12]}…), "
            f"but {sent.count} were sent (sha256 {sent.checksum[:12]}…)"
        )


def _drop_quietly(http: _Http, endpoints: Endpoints, graph: str) -> None:
    """Remove the staging graph after a failure (Update DROP, else GSP DELETE); the first error is what to report."""
    attempts = [lambda: http.update(endpoints.update or "", f"DROP SILENT GRAPH <{graph}>")]
    if endpoints.store:
        attempts.append(lambda: http.send("DELETE", _graph_url(endpoints.store or "", graph), b"", "text/plain"))
    for attempt in attempts:
        try:
            attempt()
            return
        except StoreError:
            continue
