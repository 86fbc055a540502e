"""The named queries timed in a process of their own, which holds only the embedded store.

The suite's process also holds the rdflib graph of the scale, for the baselines: about ten
million Python objects at 1 M triples. A large answer is slower to build next to them
(``network-all-triples`` at 1 M: 5.5 s in a process of its own, 7–8 s beside them), and a
user's ``ipgraph query`` does not hold them. So ipgraph's query figures are taken in a spawned
worker that loads the store from the scale's N-Triples, as ``ipgraph query --graph`` does; the
Oxigraph server is queried from the same worker, so both clients build their answers in the
same conditions. rdflib's runs stay in the suite's process, where its graph is.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .measure import TIMED_OUT, Figure, Timer, failed, forked, measured

if TYPE_CHECKING:
    from ipgraph.sparql.library import NamedQuery


class QueryWorker:
    """A spawned process that times the named queries on its own store; use as a context manager.

    A worker that died (a query past its memory limit) is started again for the next request."""

    def __init__(self, nt: Path, timer: Timer, query_timeout: float):
        self.nt = nt
        self.timer = timer
        self.query_timeout = query_timeout
        self.process: multiprocessing.process.BaseProcess | None = None
        self.connection: multiprocessing.connection.Connection | None = None

    def __enter__(self) -> QueryWorker:
        return self

    def __exit__(self, *exc) -> None:
        self._stop()

    def ipgraph(self, name: str, query: NamedQuery, params: dict[str, str]) -> Figure:
        """The embedded store's figure for a named query: a first run in a forked child stopped
        after ``query_timeout`` (a query whose time grows with the square of the graph must not
        hang the run), then the timed runs in the worker itself."""
        return self._ask(("ipgraph", name, query, params), Figure("query", name, "ipgraph"))

    def server(self, name: str, text: str, port: int, timeout: float) -> Figure:
        """The Oxigraph server's figure for a query text, sent from the worker."""
        return self._ask(("server", name, text, port, timeout), Figure("query", name, "oxigraph-server"))

    def _ask(self, request: tuple, figure: Figure) -> Figure:
        if self.process is None or not self.process.is_alive():
            self._start()
        try:
            self.connection.send(request)
            return self.connection.recv()
        except (EOFError, OSError):
            self._stop()
            figure.note = "failed: the query worker ended without an answer (memory limit?)"
            return figure

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, theirs = context.Pipe()
        args = (theirs, str(self.nt), self.timer, self.query_timeout)
        # Not a daemon: it forks a child for each first run, which a daemon may not do.
        self.process = context.Process(target=_serve, args=args, name="ipgraph-benchmark-queries")
        self.process.start()
        theirs.close()

    def _stop(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError):
                self.connection.send(None)
            self.connection.close()
            self.connection = None
        if self.process is not None:
            self.process.join(timeout=10)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
            self.process = None


def _serve(connection: multiprocessing.connection.Connection, nt: str, timer: Timer, query_timeout: float) -> None:
    """The worker: load the store, then answer requests until told to stop (or the suite is gone).

    Ctrl-C is left to the suite, which stops the worker on its way out."""
    import signal

    from ipgraph.sparql.store import EmbeddedStore

    from .server import Client

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store = EmbeddedStore.from_file(nt)
    clients: dict[int, Client] = {}
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        if request is None:
            return
        if request[0] == "ipgraph":
            _, name, query, params = request
            connection.send(_ipgraph_figure(store, name, query, params, timer, query_timeout))
        else:
            _, name, text, port, timeout = request
            client = clients.setdefault(port, Client(port, timeout))
            figure, rows = measured(timer, "query", name, "oxigraph-server", partial(client.select, text))
            figure.rows = rows
            connection.send(figure)


def _ipgraph_figure(store, name: str, query: NamedQuery, params: dict, timer: Timer, query_timeout: float) -> Figure:
    from ipgraph.sparql.run import run_embedded

    try:
        probe = forked(lambda: result_size(run_embedded(store, query, params)), query_timeout)
    except RuntimeError as exc:
        return failed("query", name, "ipgraph", exc)
    if probe is None:
        return Figure("query", name, "ipgraph", [query_timeout], note=f"{TIMED_OUT} {query_timeout:.0f} s")
    figure, result = measured(timer, "query", name, "ipgraph", lambda: run_embedded(store, query, params))
    figure.rows = result_size(result)
    return figure


def result_size(result) -> int | None:
    """Rows of a SELECT answer, triples of a graph, 1 for a boolean."""
    if result is None:
        return None
    if result.kind == "graph":
        return sum(1 for line in result.triples.splitlines() if line.strip())
    if result.kind == "boolean":
        return 1
    return len(result.rows)
