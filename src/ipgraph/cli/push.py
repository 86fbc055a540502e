"""ipgraph push — load the graph into a remote triple store, replacing one named graph."""

from __future__ import annotations

import argparse

HELP = "load the graph into a remote SPARQL store (replaces one named graph, then verifies it)"


def register(sub: argparse._SubParsersAction) -> None:
    from ipgraph.paths import GRAPH_NAME
    from ipgraph.sparql.remote import DEFAULT_GRAPH, DEFAULT_TIMEOUT

    p = sub.add_parser(
        "push",
        help=HELP,
        description="Replace a named graph in a remote store with the graph, atomically: one SPARQL Update "
        "drops the graph and inserts the triples (one transaction: a store that fails or dies keeps the old graph "
        "or the new one), then the graph is read back and checked (count and checksum). With --protocol gsp or "
        "update the triples go into a staging graph first, are checked, and one MOVE then replaces the target "
        "graph. Credentials come from IPGRAPH_ENDPOINT_USER / IPGRAPH_ENDPOINT_PASSWORD "
        "(IPGRAPH_ENDPOINT_AUTH=basic|digest) or ~/.netrc, never from the command line.",
    )
    p.add_argument("--endpoint", required=True, metavar="URL", help="the store's SPARQL query endpoint")
    p.add_argument("--graph", metavar="IRI", help=f"named graph to replace (default: {DEFAULT_GRAPH})")
    p.add_argument("--store", metavar="URL", help="Graph Store Protocol URL (default: guessed from --endpoint)")
    p.add_argument("--update", metavar="URL", help="SPARQL Update URL (default: guessed from --endpoint)")
    p.add_argument(
        "--protocol",
        choices=("gsp", "update", "replace"),
        default="replace",
        help="how to send the triples: replace (default): one update replacing the graph, no staging graph, "
        "safe on every store; gsp: Graph Store Protocol PUT into a staging graph, checked before one MOVE "
        "replaces the target; update: the same with SPARQL Update INSERT DATA. A store whose default graph is "
        "the union of its graphs shows a staging graph to its queries while it exists, and after a store crash "
        "mid-push until the next push: stage only into stores whose default graph is a graph of its own",
    )
    p.add_argument("--file", metavar="FILE", help=f"graph file to push (default: {GRAPH_NAME.as_posix()})")
    p.add_argument(
        "--document",
        metavar="KEY",
        help="push one document's named graph only (its key, e.g. cnipa-tasklist-2021; `shared` for the "
        "vocabularies and shared nodes), by default into a graph of the same name "
        "(https://w3id.org/ipgraph/graph/document/KEY)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="per-request time limit (default %(default)g)",
    )
    p.add_argument(
        "--report",
        metavar="FILE",
        help="also write the outcome as JSON (status verified or failed, endpoint, graph, triples, sha256, error); "
        "the file is replaced whole",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ipgraph.errors import IpgraphError
    from ipgraph.sparql.remote import DEFAULT_GRAPH, Endpoints, push, read_ntriples

    graph = args.graph or (part_graph(args.document) if args.document else DEFAULT_GRAPH)
    outcome = {"endpoint": args.endpoint, "graph": graph}
    try:
        ntriples = read_part(args.file, args.document) if args.document else read_ntriples(args.file)
        endpoints = Endpoints.derive(args.endpoint, args.store, args.update)
        sent = push(ntriples, endpoints, graph, args.protocol, args.timeout)
    except IpgraphError as exc:
        write_report(args.report, {"status": "failed", **outcome, "error": str(exc)})
        raise
    write_report(args.report, {"status": "verified", **outcome, "triples": sent.count, "sha256": sent.checksum})
    print(f"pushed {sent.count} triples into <{graph}> at {args.endpoint}; verified (sha256 {sent.checksum})")
    return 0


def part_graph(key: str) -> str:
    """The named graph of a document (or of the shared nodes, ``shared``)."""
    from ipgraph.sparql.graphs import SHARED, document_graph

    return SHARED if key == "shared" else document_graph(key)


def read_part(path: str | None, key: str) -> str:
    """One document's triples (or the shared ones) of the graph file, as written."""
    from ipgraph.errors import IpgraphError
    from ipgraph.sparql.graphs import document_keys, graph_ntriples
    from ipgraph.sparql.persist import file_format
    from ipgraph.sparql.store import graph_file

    file = graph_file(path)
    fmt = file_format(file)
    triples = graph_ntriples(file, fmt, part_graph(key))
    if not triples:
        import pyoxigraph as ox

        keys = ", ".join(sorted(document_keys(ox.parse(path=str(file), format=fmt)))) or "none"
        raise IpgraphError(f"{file}: no document {key!r} (documents: {keys}; or `shared`)")
    return triples


def write_report(path: str | None, report: dict) -> None:
    """Write the push report, if asked for, atomically: a reader sees the previous report or this one."""
    if path is None:
        return
    import json

    from ipgraph.files import atomic_write

    atomic_write(path, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
