"""Remote SPARQL 1.1 stores: run the query library on them, and push the graph into them.

Queries go through SPARQLWrapper (SPARQL 1.1 Protocol). Parameters are sent as a
``VALUES`` row of escaped RDF terms placed first in the query's outermost WHERE group,
since the protocol has no way to bind variables. ``push`` writes the graph with the
Graph Store Protocol (or SPARQL Update), into a staging graph first; only when the
store holds exactly the triples sent does one ``MOVE`` replace the target graph.

Credentials come from ``IPGRAPH_ENDPOINT_USER`` / ``IPGRAPH_ENDPOINT_PASSWORD``
(``IPGRAPH_ENDPOINT_AUTH=basic|digest``, default basic) or a netrc file
(``$NETRC`` or ``~/.netrc``), never from the command line.
"""

from __future__ import annotations

import ast
import hashlib
import json
import netrc
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path

import pyoxigraph as ox

from ipgraph.errors import StoreError
from ipgraph.prefixes import PREFIXES
from ipgraph.sparql.library import NamedQuery, query_form, resolve
from ipgraph.sparql.results import Result
from ipgraph.sparql.text import masked_text, matching_brace, term_text, where_group, written_in_place

DEFAULT_GRAPH = "https://w3id.org/ipgraph/graph/tasklists"
DEFAULT_TIMEOUT = 60.0
XSD = "http://www.w3.org/2001/XMLSchema#"
AGENT = "ipgraph (SPARQLWrapper)"

Runner = Callable[[str, dict[str, str] | None], Result]

_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.I)


# ---------------------------------------------------------------- query text


def with_prefixes(text: str) -> str:
    """The query with a ``PREFIX`` for every predeclared prefix it does not declare.

    They go on the first line, so a store's error messages keep the query's line numbers.
    """
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(masked_text(text))}
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p not in declared]
    return " ".join([*missing, text]) if missing else text


def with_values(text: str, bound: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with ``bound`` as the embedded store binds it: each parameter written in place of
    its variable throughout the WHERE group, except inside sub-selects, and a ``VALUES`` row first
    in that group so the projection and the solution modifiers see it too.

    The VALUES row alone would not reach a nested group: SPARQL evaluates ``{ … FILTER(?p …) }``
    before joining it with the row, so a parameter test placed next to the pattern it narrows
    (which is what makes it fast) would see the variable unbound.
    Terms are written in N-Triples syntax (``str`` of a pyoxigraph term escapes them).
    A WHERE group that is a bare sub-select is wrapped in braces so the row can precede it.
    """
    if not bound:
        return text
    terms = {name: term_text(term) for name, term in bound.items()}
    text = written_in_place(text, terms)
    values = f" VALUES ({' '.join(f'?{name}' for name in terms)}) {{ ({' '.join(terms.values())}) }} "
    masked = masked_text(text)
    start = where_group(masked)
    end = matching_brace(masked, start)
    if re.match(r"\s*SELECT\b", masked[start + 1 : end], re.I):
        return f"{text[: start + 1]}{values}{{{text[start + 1 : end]}}} {text[end:]}"
    return f"{text[: start + 1]}{values}{text[start + 1 :]}"


def remote_text(query: NamedQuery, params: dict[str, str] | None = None) -> str:
    """The exact text sent to a remote store for this query and these parameter values."""
    return with_prefixes(with_values(query.text, query.bind(params)))


# ---------------------------------------------------------------- credentials


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str
    scheme: str = "basic"  # or "digest"


def credentials_for(url: str) -> Credentials | None:
    """Credentials for a URL: from the environment, else the netrc file's entry for its host."""
    scheme = os.environ.get("IPGRAPH_ENDPOINT_AUTH", "basic").strip().lower()
    if scheme not in ("basic", "digest"):
        raise StoreError(f"IPGRAPH_ENDPOINT_AUTH={scheme!r}: use basic or digest")
    user = os.environ.get("IPGRAPH_ENDPOINT_USER")
    if user:
        return Credentials(user, os.environ.get("IPGRAPH_ENDPOINT_PASSWORD", ""), scheme)
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except netrc.NetrcParseError as exc:
        raise StoreError(f"{exc.filename}:{exc.lineno}: cannot read netrc file: {exc.msg}") from None
    return Credentials(entry[0], entry[2] or "", scheme) if entry else None


# ---------------------------------------------------------------- queries


def _wrapper(endpoint: str, text: str, timeout: float, default_graph: str | None):
    from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, SPARQLWrapper

    wrapper = SPARQLWrapper(endpoint, agent=AGENT)
    with warnings.catch_warnings():  # SPARQLWrapper warns about texts it cannot classify; the store will judge
        warnings.simplefilter("ignore", RuntimeWarning)
        wrapper.setQuery(text)
    wrapper.queryType = query_form(text)  # its own guess can take a query for an update (then sent as update=)
    wrapper.setMethod(POST)
    wrapper.setTimeout(max(1, round(timeout)))
    wrapper.setReturnFormat(TURTLE if query_form(text) in ("CONSTRUCT", "DESCRIBE") else JSON)
    if default_graph:
        wrapper.addDefaultGraph(default_graph)
    creds = credentials_for(endpoint)
    if creds:
        wrapper.setHTTPAuth(DIGEST if creds.scheme == "digest" else BASIC)
        wrapper.setCredentials(creds.user, creds.password)
    return wrapper


def _normalise_term(term: dict) -> dict:
    """SPARQL JSON as of the 2013 Recommendation: the old ``typed-literal`` type is a ``literal``."""
    return {**term, "type": "literal"} if term.get("type") == "typed-literal" else term


def _to_result(form: str, body: bytes, max_rows: int | None) -> Result:
    if form in ("CONSTRUCT", "DESCRIBE"):
        triples = ox.parse(body, format=ox.RdfFormat.TURTLE)
        return Result(triples="".join(f"{t.triple} .\n" for t in triples))
    data = json.loads(body.decode("utf-8"))
    if "boolean" in data:
        return Result(boolean=bool(data["boolean"]))
    rows = [{var: _normalise_term(term) for var, term in row.items()} for row in data["results"]["bindings"]]
    truncated = max_rows is not None and len(rows) > max_rows
    return Result(variables=data["head"]["vars"], rows=rows[:max_rows] if truncated else rows, truncated=truncated)


def _query_failure(endpoint: str, exc: BaseException, timeout: float) -> StoreError:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException, Unauthorized

    if isinstance(exc, QueryBadFormed):
        return StoreError(f"{endpoint}: the store refused the query as malformed: {_detail(exc)}")
    if isinstance(exc, Unauthorized):
        return StoreError(f"{endpoint}: authentication refused (set IPGRAPH_ENDPOINT_USER/PASSWORD or ~/.netrc)")
    if isinstance(exc, SPARQLWrapperException):
        return StoreError(f"{endpoint}: the store answered with an error: {_detail(exc)}")
    return _network_failure(endpoint, exc, timeout)


def _detail(exc: BaseException) -> str:
    """The store's own message when it sent one (SPARQLWrapper appends the body's repr after ``Response:``)."""
    text = str(exc)
    _, found, body = text.partition("Response:")
    if found:
        try:
            message = ast.literal_eval(body.strip())
            text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
        except (ValueError, SyntaxError):
            text = body
    return " ".join(text.split())[:500]


def _network_failure(url: str, exc: BaseException, timeout: float) -> StoreError:
    if isinstance(exc, TimeoutError | socket.timeout):
        return StoreError(f"{url}: no answer within {timeout:g} s (timed out)")
    if isinstance(exc, urllib.error.HTTPError):
        if exc.code == 401:
            return StoreError(f"{url}: authentication refused (set IPGRAPH_ENDPOINT_USER/PASSWORD or ~/.netrc)")
        body = exc.read().decode("utf-8", "replace") if exc.fp else ""
        return StoreError(f"{url}: HTTP {exc.code} {exc.reason}: {' '.join(body.split())[:500]}")
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            return StoreError(f"{url}: no answer within {timeout:g} s (timed out)")
        if isinstance(reason, ConnectionError) and not isinstance(reason, ConnectionRefusedError):
            return _connection_lost(url, reason)
        return StoreError(f"{url}: cannot reach the store: {reason}")
    if isinstance(exc, ConnectionError | HTTPException):
        return _connection_lost(url, exc)
    return StoreError(f"{url}: {type(exc).__name__}: {exc}")


def _connection_lost(url: str, exc: BaseException) -> StoreError:
    detail = str(exc) or type(exc).__name__
    return StoreError(f"{url}: the connection was lost before the store answered (has it stopped?): {detail}")


def run_text(
    endpoint: str,
    text: str,
    max_rows: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    default_graph: str | None = None,
) -> Result:
    """Send complete SPARQL text to a remote endpoint and read its answer into a Result."""
    wrapper = _wrapper(endpoint, text, timeout, default_graph)
    form = query_form(text)
    try:
        response = wrapper.query().response
        body = response.read()
    except Exception as exc:  # every failure of the exchange becomes one readable error
        raise _query_failure(endpoint, exc, timeout) from None
    try:
        return _to_result(form, body, max_rows)
    except (ValueError, SyntaxError, KeyError) as exc:
        raise StoreError(
            f"{endpoint}: the answer is incomplete or not SPARQL results ({exc}); "
            "the store may have cut it off at its own time limit"
        ) from None


def run_remote(
    endpoint: str,
    query: NamedQuery,
    params: dict[str, str] | None = None,
    max_rows: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    default_graph: str | None = None,
) -> Result:
    """Run a (named or ad-hoc) query on a remote SPARQL 1.1 endpoint; the answer as ``run_embedded`` gives it."""
    return run_text(endpoint, remote_text(query, params), max_rows, timeout, default_graph)


def remote_runner(endpoint: str, timeout: float = DEFAULT_TIMEOUT, default_graph: str | None = None) -> Runner:
    """A runner ``(query_name, params) -> Result`` that asks the remote endpoint."""

    def runner(name: str, params: dict[str, str] | None = None) -> Result:
        return run_remote(endpoint, resolve(name), params, timeout=timeout, default_graph=default_graph)

    return runner


# ---------------------------------------------------------------- push


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


@dataclass(frozen=True)
class Fingerprint:
    """What verification compares: the number of triples and a hash of their sorted N-Triples."""

    count: int
    checksum: str


def fingerprint(ntriples: str) -> Fingerprint:
    """Count and SHA-256 of the distinct triples, one canonical N-Triples line each, sorted.

    Blank nodes get canonical labels (rdflib's canonical graph), so a store relabelling them
    does not change the checksum; literals are compared as RDF 1.1 terms (``"x"^^xsd:string`` is ``"x"``),
    and integers of the XSD integer subtypes as ``xsd:integer`` (``"7"^^xsd:positiveInteger`` is
    ``"7"^^xsd:integer``), since Oxigraph stores them that way.
    """
    triples = _canonical_lines(ntriples.encode("utf-8"))
    if any("_:" in t for t in triples):
        triples = _canonical_bnodes(ntriples)
    lines = sorted(triples)
    digest = hashlib.sha256("".join(f"{line} .\n" for line in lines).encode("utf-8")).hexdigest()
    return Fingerprint(len(lines), digest)


def _canonical_bnodes(ntriples: str) -> set[str]:
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    canonical = to_canonical_graph(Graph().parse(data=ntriples, format="nt"))
    return _canonical_lines(canonical.serialize(format="nt", encoding="utf-8"))


INTEGER_TYPES = {
    XSD + name
    for name in [
        "integer",
        "nonPositiveInteger",
        "negativeInteger",
        "nonNegativeInteger",
        "positiveInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}


def _canonical_lines(data: bytes) -> set[str]:
    """Distinct triples as N-Triples lines; integer subtypes as ``xsd:integer`` (Oxigraph stores them so)."""
    return {str(_canonical_triple(q.triple)) for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def _canonical_triple(triple: ox.Triple) -> ox.Triple:
    obj = triple.object
    if isinstance(obj, ox.Literal) and obj.datatype.value in INTEGER_TYPES:
        try:
            integer = ox.Literal(str(int(obj.value.strip())), datatype=ox.NamedNode(XSD + "integer"))
        except ValueError:
            return triple
        return ox.Triple(triple.subject, triple.predicate, integer)
    return triple


def remote_fingerprint(endpoints: Endpoints, graph: str, timeout: float) -> Fingerprint:
    """The fingerprint of what the store holds in a named graph."""
    text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return fingerprint(run_text(endpoints.query, text, timeout=timeout).triples or "")


class _Http:
    """Plain HTTP requests (PUT, POST) with the same credentials and time limit as the queries."""

    def __init__(self, timeout: float):
        self.timeout = timeout

    def send(self, method: str, url: str, body: bytes, content_type: str) -> None:
        request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": content_type})
        request.add_header("User-Agent", AGENT)
        try:
            with self._opener(url).open(request, timeout=self.timeout) as response:
                response.read()
        except Exception as exc:  # every failure of the exchange becomes one readable error
            raise _network_failure(url, exc, self.timeout) from None

    def update(self, url: str, sparql: str) -> None:
        self.send("POST", url, sparql.encode("utf-8"), "application/sparql-update; charset=utf-8")

    @staticmethod
    def _opener(url: str) -> urllib.request.OpenerDirector:
        creds = credentials_for(url)
        if not creds:
            return urllib.request.build_opener()
        if creds.scheme == "digest":
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, url, creds.user, creds.password)
            return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
        prior = urllib.request.HTTPPasswordMgrWithPriorAuth()  # send Basic at once, as SPARQLWrapper does
        prior.add_password(None, url, creds.user, creds.password, is_authenticated=True)
        return urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(prior))


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
    protocol: str = "gsp",
    timeout: float = DEFAULT_TIMEOUT,
) -> Fingerprint:
    """Replace ``graph`` in the remote store with these triples; verify; return what was verified.

    The triples go into a staging graph (GSP ``PUT``, or ``DROP`` + ``INSERT DATA`` in one
    update with ``protocol="update"``), which is checked against what was sent before a
    single ``MOVE`` update replaces the target graph. Any failure before the ``MOVE`` drops
    the staging graph and leaves the target graph as it was. The staging graph's name is
    derived from the target's, so that what a store which died mid-push kept of it is
    replaced by the next push into the same graph instead of lingering.
    """
    _check_iri(graph)
    if not endpoints.update or (protocol == "gsp" and not endpoints.store):
        raise StoreError(
            f"{endpoints.query}: cannot tell this store's Graph Store and Update URLs; "
            "give them with --store and --update"
        )
    sent = fingerprint(ntriples)
    staging = staging_graph(graph)
    http = _Http(timeout)
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


def read_ntriples(path: str | Path | None = None) -> str:
    """A graph file's triples as N-Triples, exactly as written in the file (no store in between)."""
    from ipgraph.sparql.store import FORMATS, graph_file

    file = graph_file(path)
    fmt = FORMATS.get(file.suffix)
    if fmt is None:
        raise StoreError(f"{file}: unknown RDF file type {file.suffix!r}; use one of {', '.join(FORMATS)}")
    try:
        return "".join(f"{quad.triple} .\n" for quad in ox.parse(path=str(file), format=fmt))
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"{file}: not valid {fmt}: {exc}") from None
