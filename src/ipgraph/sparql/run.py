"""Stage 4 — run a query on the embedded store into a Result, within a time limit and a row cap.

Time limits: pyoxigraph cannot cancel a running query, and a thread cannot be stopped.
When the process is the command (``ipgraph query``), it is the query too: a thread waits for the
deadline and ends the whole process with the time-limit message (the engine releases the GIL while
it works), and the memory limit is the process's own (:mod:`ipgraph.sparql.limits`).
Elsewhere (a notebook, a test, a caller that must outlive the query) a query with a time
limit runs in a child process that is killed at the deadline. The child is forked where the
platform allows (it shares the parent's store, copy-on-write, so starting it costs milliseconds);
elsewhere it is spawned and given a copy of the graph. A stopped query returns nothing: never
partial rows. The child dies with its parent (Linux), so a killed command leaves no query running.
(A threaded server must not fork: ``ipgraph.sparql.pool`` keeps worker processes instead.)

Memory: the query's process limits its own address space to what it holds plus ``memory`` bytes
(:func:`~ipgraph.sparql.limits.limit_memory`); a query that needs more is stopped with QueryMemoryError.

Row caps: rows (and the triples of a CONSTRUCT, as they stream) are read lazily and reading
stops after ``max_rows``; the Result says ``truncated`` so that every caller reports the cap
instead of applying it silently.

The modules a child process needs are imported when one starts: ``ipgraph query`` on a store
imports little more than pyoxigraph.
"""

from __future__ import annotations

import contextlib
import gc
import io
import math
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from ipgraph.errors import IpgraphError, QueryError, QueryMemoryError, QueryTimeout
from ipgraph.prefixes import PREFIXES, XSD_STRING
from ipgraph.sparql.library import NamedQuery
from ipgraph.sparql.limits import (
    DEFAULT_MEMORY,
    limit_memory,
    limits_on_this_process,
    memory_message,
    timeout_message,
)
from ipgraph.sparql.results import Result
from ipgraph.sparql.store import EmbeddedStore, syntax_error
from ipgraph.sparql.text import nesting_depth

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the command's path
if TYPE_CHECKING:
    import multiprocessing.connection
    import multiprocessing.context
    from typing import Any

Terms = dict[str, ox.NamedNode | ox.Literal]
_NAMED_NODE, _LITERAL, _BLANK_NODE = ox.NamedNode, ox.Literal, ox.BlankNode
# A query nested deeper than this runs in a child process even for a command: the engine's parser
# recurses, and overflows the stack at tens of thousands of levels, which only a child may die of.
MAX_IN_PROCESS_DEPTH = 100


def run_embedded(
    store: EmbeddedStore,
    query: NamedQuery,
    params: dict[str, str] | None = None,
    max_rows: int | None = None,
    timeout: float | None = None,
    memory: int | None = DEFAULT_MEMORY,
    own_process: bool = False,
) -> Result:
    """Run a (named or ad-hoc) query on the embedded store.

    ``max_rows`` caps the rows of a SELECT (the Result is then ``truncated``);
    ``timeout`` (seconds) stops the query with QueryTimeout; None means no limit, in this process;
    ``math.inf`` no time limit, in a child process (so that a crash of the engine, on a query nested
    too deeply for its parser, or the memory limit, ends the child only).
    With a time limit the query runs in a child process, which ``memory`` (bytes) also bounds;
    with ``own_process`` (the caller is a command whose process may end with the query) it runs in
    this process, which the limits end (:func:`~ipgraph.sparql.limits.limits_on_this_process`; POSIX,
    whose pipes the limits' thread waits on), unless it nests so deeply that the engine could crash on it.
    """
    if max_rows is not None and max_rows < 0:
        raise QueryError(f"the row limit must be 0 or more, not {max_rows}")
    if timeout is not None and not timeout > 0:
        raise QueryError(f"the time limit must be more than 0 seconds, not {timeout}")
    substitutions = query.bind(params)
    if timeout is None:
        result = evaluate(store, query.text, substitutions, max_rows)
    elif own_process and os.name == "posix" and nesting_depth(query.text) <= MAX_IN_PROCESS_DEPTH:
        with limits_on_this_process(timeout, memory):
            result = evaluate(store, query.text, substitutions, max_rows)
    else:
        result = _evaluate_in_child(store, query.text, substitutions, max_rows, timeout, memory)
    if result.kind == "bindings" and not result.rows and query.names:
        from ipgraph.sparql.checks import parameter_warnings

        result.warnings = parameter_warnings(store, query, params)
    return result


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a query runs on, when the SPARQL Protocol names one (default-graph-uri, named-graph-uri)."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def evaluate(
    store: EmbeddedStore,
    text: str,
    substitutions: Terms,
    max_rows: int | None = None,
    dataset: Dataset | None = None,
) -> Result:
    """Run a query in this process, reading at most ``max_rows`` solutions."""
    answer = store.query(text, substitutions) if dataset is None else _in_dataset(store, text, substitutions, dataset)
    if isinstance(answer, ox.QueryBoolean):
        return Result(boolean=bool(answer))
    try:
        if isinstance(answer, ox.QueryTriples):
            return _triples(answer, max_rows)
        variables = [v.value for v in answer.variables]
        with paused_collection():
            rows, truncated = _rows(answer, variables, max_rows)
    except OSError as exc:
        raise QueryError(f"query failed: {exc}") from None
    return Result(variables=variables, rows=rows, truncated=truncated)


def _triples(answer: ox.QueryTriples, max_rows: int | None) -> Result:
    """A graph result as N-Triples; with a cap, read triple by triple and cut as it streams."""
    if max_rows is None:
        ntriples = io.BytesIO()
        answer.serialize(ntriples, format=ox.RdfFormat.N_TRIPLES)
        return Result(triples=ntriples.getvalue().decode("utf-8"))
    lines: list[str] = []
    for triple in answer:
        if len(lines) == max_rows:
            return Result(triples="".join(lines), truncated=True)
        lines.append(f"{triple} .\n")
    return Result(triples="".join(lines))


def _in_dataset(store: EmbeddedStore, text: str, substitutions: Terms, dataset: Dataset):
    """Run on the named graphs the protocol gave: they replace the query's own FROM clauses."""
    options: dict[str, Any] = {}
    if dataset.default_graphs:
        options["default_graph"] = [ox.NamedNode(iri) for iri in dataset.default_graphs]
    if dataset.named_graphs:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in dataset.named_graphs]
    subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] | None = {
        ox.Variable(name): term for name, term in substitutions.items()
    } or None
    try:
        return store.store.query(text, prefixes=PREFIXES, substitutions=subs, **options)
    except SyntaxError as exc:
        raise syntax_error(text, str(exc)) from None
    except (RuntimeError, OSError, ValueError) as exc:
        raise QueryError(f"query failed: {exc}") from None


PROBE_ROWS = 512  # rows read before a column whose terms hardly recur stops looking them up


def _rows(solutions: ox.QuerySolutions, variables: list[str], max_rows: int | None) -> tuple[list[dict], bool]:
    """The solutions as SPARQL JSON rows (at most ``max_rows``), and whether more were left.

    Each column converts a term once and gives that value to every row where the term recurs (a
    department in 40,000 rows), as converting is most of the cost of reading. Rows therefore share
    value dicts; read them, do not change them in place. A column whose terms hardly recur in
    the first ``PROBE_ROWS`` rows (measure texts) converts each value afresh from then on."""
    columns = [_recurring_terms() for _ in variables]
    converters = [(var, convert) for var, (convert, _) in zip(variables, columns, strict=True)]
    rows: list[dict[str, dict]] = []
    for solution in solutions:
        if len(rows) == max_rows:
            return rows, True
        if len(rows) == PROBE_ROWS:
            converters = [
                (var, convert if len(cache) <= PROBE_ROWS // 2 else term_json)
                for (var, convert), (_, cache) in zip(converters, columns, strict=True)
            ]
        # A solution iterates its values in the order of the variables: zip() avoids a lookup
        # by name per value, a large part of the cost of reading an answer.
        values = zip(converters, solution, strict=True)
        rows.append({var: convert(term) for (var, convert), term in values if term is not None})
    return rows, False


def _recurring_terms() -> tuple[Callable[[Any], dict], dict]:
    """A converter that remembers each term's value, and the dict it remembers them in."""
    cache: dict = {}
    get = cache.get

    def convert(term: Any) -> dict:
        value = get(term)
        if value is None:
            value = cache[term] = term_json(term)
        return value

    return convert, cache


@contextlib.contextmanager
def paused_collection():
    """Python's cyclic garbage collector paused, and left as it was afterwards.

    Reading a large answer makes millions of small dicts, none in a cycle, and each full
    collection would walk all of them again, and every object the process already holds (a
    million-triple rdflib graph is ten million of them). Processes forked meanwhile inherit the
    pause, so they do not copy the parent's memory page by page either."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def term_json(term: Any) -> dict:
    """An RDF term as a SPARQL 1.1 Query Results JSON value.

    Called once per value of an answer (millions for a large one): the common kinds are
    tested first, by exact type."""
    kind = type(term)
    if kind is _NAMED_NODE:
        return {"type": "uri", "value": term.value}
    if kind is _LITERAL:
        return _literal_json(term)
    if kind is _BLANK_NODE:
        return {"type": "bnode", "value": term.value}
    parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
    return {"type": "triple", "value": {k: term_json(v) for k, v in parts.items()}}


def _literal_json(term: ox.Literal) -> dict:
    language = term.language
    if language:
        out = {"type": "literal", "value": term.value, "xml:lang": language}
        if term.direction:
            out["its:dir"] = str(term.direction)  # "ltr" or "rtl", as SPARQL JSON writes it
        return out
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return {"type": "literal", "value": term.value}
    return {"type": "literal", "value": term.value, "datatype": datatype}


def _context() -> multiprocessing.context.ForkContext | multiprocessing.context.SpawnContext:
    """Fork where available (shares the store); spawn elsewhere."""
    import multiprocessing

    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def ended_without_answer(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        return (
            f"the query engine crashed ({name}) and gave no answer; a query nested very deeply can do this: simplify it"
        )
    return f"the query process ended without an answer (exit code {exitcode})"


def die_with_parent() -> None:
    """Have the kernel kill this process when its parent dies, however it dies (Linux)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def died_of_memory(exitcode: int | None) -> bool:
    """An allocation failure in the engine aborts the process (Rust's default)."""
    return exitcode == -signal.SIGABRT


def _evaluate_in_child(
    store: EmbeddedStore, text: str, substitutions: Terms, max_rows: int | None, timeout: float, memory: int | None
) -> Result:
    ctx = _context()
    # A forked child inherits the store; a spawned one gets the graph as N-Quads.
    graph: EmbeddedStore | bytes = store if ctx.get_start_method() == "fork" else store.portable()
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_child, args=(sender, graph, text, substitutions, max_rows, memory), name="ipgraph-query", daemon=True
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(None if timeout == math.inf else timeout):
            raise QueryTimeout(timeout_message(timeout))
        try:
            with paused_collection():
                kind, payload = receiver.recv()
        except EOFError:
            child.join(1)
            if memory is not None and died_of_memory(child.exitcode):
                raise QueryMemoryError(memory_message(memory)) from None
            raise QueryError(ended_without_answer(child.exitcode)) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if kind == "memory":
        raise QueryMemoryError(memory_message(memory or 0))
    if kind == "error":
        raise QueryError(payload)
    return payload


def _child(
    sender: multiprocessing.connection.Connection,
    graph: EmbeddedStore | bytes,
    text: str,
    substitutions: Terms,
    max_rows: int | None,
    memory: int | None,
) -> None:
    import faulthandler

    die_with_parent()
    faulthandler.disable()  # an allocation failure at the memory limit aborts; the parent reports it
    if isinstance(graph, bytes):
        store = EmbeddedStore()
        store.store.load(graph, format=ox.RdfFormat.N_QUADS)
        graph = store
    limit_memory(memory)
    try:
        sender.send(answer(lambda: evaluate(graph, text, substitutions, max_rows)))
    except MemoryError:  # the answer was too large to send
        sender.send(("memory", None))
    sender.close()


def answer(work: Callable[[], object]) -> tuple[str, object]:
    """What a query process sends back: ("ok", what ``work`` gave), ("error", message) or ("memory", None)."""
    try:
        return ("ok", work())
    except MemoryError:
        return ("memory", None)
    except IpgraphError as exc:
        return ("error", str(exc))
    except Exception as exc:
        return ("error", f"query failed: {type(exc).__name__}: {exc}")
