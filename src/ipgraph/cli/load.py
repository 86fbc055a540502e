"""ipgraph load — build (or rebuild) the persistent store of a graph file."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "create the on-disk store of a graph file, which the other commands then open instead of the file"


def register(sub: argparse._SubParsersAction) -> None:
    from ipgraph.paths import GRAPH_NAME

    p = sub.add_parser(
        "load",
        help=HELP,
        description=f"Load a graph file (default: {GRAPH_NAME.as_posix()}) into an on-disk Oxigraph store beside it "
        "(FILE.store/), each document in its own named graph. Commands use the store while the file keeps the "
        "checksum it was built from, and rebuild it otherwise; the file stays the source of truth. The store "
        "is replaced whole: a load that fails or is interrupted leaves the previous store as it was.",
    )
    p.add_argument("file", nargs="?", metavar="FILE", help=f"graph file (default: {GRAPH_NAME.as_posix()})")
    p.add_argument(
        "--full",
        action="store_true",
        help="build the store afresh (by default only the documents whose triples changed are replaced)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ipgraph.sparql import persist
    from ipgraph.sparql.store import graph_file

    file = graph_file(args.file)
    now = persist.create(file) if args.full else persist.sync(file)
    print(f"loaded {now.graph} into {now.version} ({persist.summary(now)})")
    return 0


def open_store(path: str | Path | None, entailments: bool | None = False):
    """The graph of ``--graph`` (or the default one) to query: its store when current, else the file
    (with the ontology's entailments when asked for, :mod:`ipgraph.sparql.entailment`; ``None``:
    with or without them, whichever is at hand, :func:`ipgraph.sparql.persist.open_graph`).

    A stale store is rebuilt, and the user told so on standard error."""
    import sys

    from ipgraph.sparql import persist

    def told(now) -> None:
        print(f"ipgraph: {now.describe()}; rebuilding it", file=sys.stderr)

    store = persist.open_graph(path, on_rebuild=told, entailments=entailments)
    if entailments and store.location is None:
        from ipgraph.sparql.entailment import entail

        entail(store)
    return store
