"""ipgraph validate — check the graph against the SHACL shapes."""

from __future__ import annotations

import argparse

HELP = "check the graph against the SHACL shapes"


def register(sub: argparse._SubParsersAction) -> None:
    from ipgraph.paths import GRAPH_NAME
    from ipgraph.shacl import DEFAULT_ENGINE, ENGINES

    p = sub.add_parser(
        "validate",
        help=HELP,
        description=f"Validate a graph file (default: {GRAPH_NAME.as_posix()}) with the shapes in shapes/. "
        "Exits 0 when it conforms, 1 when it does not, and lists each violation with the node's "
        "label and source line, the constraint and what was found.",
    )
    p.add_argument("file", nargs="?", metavar="FILE", help=f"graph file to validate (default: {GRAPH_NAME.as_posix()})")
    p.add_argument("--shapes", metavar="DIR", help="folder of shapes (*.ttl) to use instead of shapes/")
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default=DEFAULT_ENGINE,
        help="auto: shapes compiled to SPARQL on the embedded store, pySHACL where they need it; "
        "fast: that engine only; pyshacl: the reference engine (default %(default)s)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ipgraph.cli.load import open_store
    from ipgraph.shacl import shapes_graph, validate_file
    from ipgraph.sparql.store import graph_file

    path = graph_file(args.file)
    shapes = shapes_graph(Path(args.shapes)) if args.shapes else shapes_graph()
    store = open_store(path) if args.engine != "pyshacl" else None
    report = validate_file(path, shapes, engine=args.engine, store=store)
    print(report.text(), end="")
    return 0 if report.conforms else 1
