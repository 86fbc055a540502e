"""ipgraph serve — the graph as a read-only SPARQL 1.1 endpoint, with a query page for the browser."""

from __future__ import annotations

import argparse
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipgraph.sparql.store import EmbeddedStore

HELP = "serve the graph over SPARQL 1.1 Protocol, with a query page (read-only)"


def register(sub: argparse._SubParsersAction) -> None:
    from ipgraph.paths import GRAPH_NAME
    from ipgraph.web.limits import HOST, PORT, Limits, MiB

    p = sub.add_parser(
        "serve",
        help=HELP,
        description="Serve the graph: a read-only SPARQL 1.1 Protocol endpoint at /sparql (JSON, XML, CSV, TSV; "
        "Turtle, N-Triples, JSON-LD for graph results), the named queries as URLs (/queries/NAME.json?param=…), "
        "a query page at / and the department network at /network. See docs/endpoint.md.",
    )
    p.add_argument("--graph", metavar="FILE", help=f"graph file to serve (default: {GRAPH_NAME.as_posix()})")
    p.add_argument(
        "--no-entailments",
        action="store_true",
        help="serve the graph file alone, without the statements the ontology entails (ontology/rules/)",
    )
    p.add_argument("--host", default=HOST, help=f"address to listen on (default: {HOST}, this machine only)")
    p.add_argument("--port", type=int, default=PORT, help=f"TCP port (default: {PORT})")
    p.add_argument(
        "--timeout",
        type=float,
        default=Limits.timeout,
        metavar="SECONDS",
        help="time limit per query (default %(default)g)",
    )
    p.add_argument(
        "--max-rows", type=int, default=Limits.max_rows, metavar="N", help="row limit per answer (default %(default)s)"
    )
    p.add_argument(
        "--allow-service",
        action="store_true",
        help="permit SERVICE (federated queries): the server then sends requests to the hosts the queries name",
    )
    p.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a name clients may use in the Host header besides the address served on (repeatable; "
        "for a server behind a proxy or with a DNS name)",
    )
    p.add_argument(
        "--answers",
        type=int,
        default=Limits.answers,
        metavar="N",
        help="answers kept for identical requests, the graph being fixed while serving (default %(default)s; 0: none)",
    )
    p.add_argument(
        "--max-memory",
        type=int,
        default=(Limits.memory or 0) // MiB,
        metavar="MIB",
        help="memory per query, in MiB, beyond the graph (default %(default)s); a query needing more is stopped (503)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ipgraph.errors import IpgraphError
    from ipgraph.sparql.pool import QueryPool, start_fork_server
    from ipgraph.web.limits import Limits

    if args.timeout <= 0 or args.max_rows <= 0 or args.max_memory <= 0:
        raise IpgraphError("--timeout, --max-rows and --max-memory must be positive")
    start_fork_server()  # it prepares the query workers while this process opens the store
    # The graph file's checksum (0.1-0.3 s at a million triples) is read while this thread imports the server.
    opening = Opening(args.graph, not args.no_entailments)
    from ipgraph.web.server import serve

    store = opening.result()
    limits = Limits(
        timeout=args.timeout,
        max_rows=args.max_rows,
        allow_service=args.allow_service,
        memory=args.max_memory * 1024 * 1024,
        hosts=tuple(args.allowed_host),
        answers=max(0, args.answers),
    )
    pool = QueryPool(store, limits.workers, limits.memory, limits.allow_service)  # starts in the background
    try:
        where = f"http://{args.host}:{args.port}/"
        print(f"ipgraph: serving {len(store)} triples at {where} (SPARQL at /sparql); Ctrl-C stops")
        serve(store, args.host, args.port, limits, pool)
    finally:
        pool.close()
    return 0


class Opening(threading.Thread):
    """The graph to serve, opened by a thread of its own: its current persistent store (which this
    process itself opens only when it reads it), else as every command opens it (rebuilt if stale)."""

    def __init__(self, graph: str | None, entailments: bool):
        super().__init__(name="ipgraph-open", daemon=True)  # an interrupted server does not wait for it
        self.graph, self.entailments = graph, entailments
        self.store: EmbeddedStore | None = None
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        from ipgraph.cli.load import open_store
        from ipgraph.sparql.deferred import current_store

        try:
            found = current_store(self.graph) if self.entailments else None
            self.store = found or open_store(self.graph, self.entailments)
        except BaseException as exc:  # given to the thread that waits for the store
            self.error = exc

    def result(self) -> EmbeddedStore:
        self.join()
        if self.error is not None:
            raise self.error
        assert self.store is not None
        return self.store
