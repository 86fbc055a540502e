"""ipgraph query — run a named query, a .rq file or SPARQL text."""

from __future__ import annotations

import argparse

HELP = "run a named query, a .rq file or SPARQL text"


def register(sub: argparse._SubParsersAction) -> None:
    from ipgraph.paths import GRAPH_NAME
    from ipgraph.sparql.limits import DEFAULT_MEMORY, DEFAULT_TIMEOUT, MiB

    p = sub.add_parser(
        "query",
        help=HELP,
        description="Run a query on the graph. QUERY is a name from `ipgraph queries`, a .rq file, "
        "or SPARQL text (the prefixes ipg: id: org: skos: dcterms: prov: eli: time: rdf: rdfs: owl: xsd: "
        "are predeclared). Parameters are bound as RDF terms, never pasted into the query text.",
    )
    p.add_argument("query", metavar="QUERY", help="query name, .rq file, or SPARQL text")
    p.add_argument(
        "-p", "--param", action="append", default=[], metavar="NAME=VALUE", help="a parameter value (repeatable)"
    )
    p.add_argument(
        "-f",
        "--format",
        default=None,
        choices=("table", "csv", "tsv", "json", "turtle", "nt", "jsonld"),
        help="output format (default: table; turtle for CONSTRUCT/DESCRIBE)",
    )
    p.add_argument("--graph", metavar="FILE", help=f"graph file to query (default: {GRAPH_NAME.as_posix()})")
    p.add_argument(
        "--no-entailments",
        action="store_true",
        help="query the graph file alone, without the statements the ontology entails (ontology/rules/)",
    )
    p.add_argument("--max-rows", type=positive_int, metavar="N", help="return at most N rows (reported when applied)")
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="stop a query that runs longer than this (default: %(default)g; on the graph file 0 is no limit, "
        "with --endpoint the whole request's limit, 0 giving the remote client's own)",
    )
    p.add_argument(
        "--max-memory",
        type=positive_int,
        default=DEFAULT_MEMORY // MiB,
        metavar="MIB",
        help="memory a query on the graph file may take, in MiB, beyond the graph (default %(default)s); "
        "a query needing more is stopped",
    )
    p.add_argument(
        "--endpoint",
        metavar="URL",
        help="ask this remote SPARQL 1.1 endpoint instead of the graph file "
        "(credentials: IPGRAPH_ENDPOINT_USER/PASSWORD or ~/.netrc; see docs/triple-stores.md)",
    )
    p.add_argument(
        "--default-graph",
        metavar="IRI",
        help="with --endpoint: query this named graph as the default graph (default-graph-uri)",
    )
    p.set_defaults(func=run, leaves_nothing=True)


def positive_int(text: str) -> int:
    """An argparse type: a whole number ≥ 1."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, got {text!r}")
    return int(text)


def parse_params(pairs: list[str]) -> dict[str, str]:
    from ipgraph.errors import QueryError

    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise QueryError(f"--param {pair!r}: expected NAME=VALUE")
        params[name.strip()] = value
    return params


def run(args: argparse.Namespace) -> int:
    import math
    import sys

    from ipgraph.cli.load import open_store
    from ipgraph.sparql.library import resolve
    from ipgraph.sparql.limits import MiB
    from ipgraph.sparql.run import run_embedded

    query = resolve(args.query)
    params = parse_params(args.param)
    if args.endpoint:
        from ipgraph.sparql.checks import remote_parameter_warnings
        from ipgraph.sparql.remote import DEFAULT_TIMEOUT, run_remote

        timeout = args.timeout or DEFAULT_TIMEOUT
        result = run_remote(args.endpoint, query, params, args.max_rows, timeout, args.default_graph)
        if result.kind == "bindings" and not result.rows and query.names:
            result.warnings = remote_parameter_warnings(args.endpoint, query, params, args.default_graph)
    else:
        store = open_store(args.graph, not args.no_entailments)
        timeout, memory = args.timeout or math.inf, args.max_memory * MiB
        own_process = getattr(args, "own_process", False)
        result = run_embedded(store, query, params, args.max_rows, timeout, memory, own_process)
    fmt = args.format or ("turtle" if result.kind == "graph" else "table")
    sys.stdout.write(result.serialize(fmt))
    for warning in result.warnings:
        print(f"ipgraph: warning: {warning}", file=sys.stderr)
    if result.truncated:
        print(f"ipgraph: result truncated at {args.max_rows} rows (--max-rows)", file=sys.stderr)
    return 0
