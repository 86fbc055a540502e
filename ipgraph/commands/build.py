"""ipgraph build — parse source documents and write the graph as deterministic Turtle."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="parse source documents into the RDF graph",
        description="Parse task-list documents and write the graph as deterministic Turtle. "
        "With no SOURCE, builds the bundled 2021 task list; with no --output, writes data/ipgraph.ttl "
        "in the workspace (the current folder, or $IPGRAPH_HOME). Nothing is written if any source fails.",
    )
    p.add_argument("sources", nargs="*", metavar="SOURCE", help="source text files (default: the bundled sources)")
    p.add_argument("-o", "--output", metavar="FILE", help="where to write the Turtle (default: data/ipgraph.ttl)")
    p.add_argument("--layout", help="force a document layout instead of detecting it (e.g. cnipa-tasklist)")
    p.add_argument("--encoding", help="the sources' text encoding (default: detect UTF-8 or GB18030)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import paths
    from ..build import build_sources, write_turtle

    graph = build_sources(args.sources, args.layout, args.encoding)
    target = write_turtle(graph, args.output or paths.default_graph_file())
    print(f"wrote {len(graph)} triples to {target}")
    return 0
