"""ipgraph build — parse source documents and write the graph as deterministic Turtle."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="parse source documents into the RDF graph",
        description="Read policy task documents (task lists, annual plans, work points, task divisions, "
        "work guides, notices; text as published, with its noise) and write them "
        "into one graph as deterministic Turtle, each document in its own IRI space. "
        "With no SOURCE, builds the bundled 2021 task list; with no --output, writes data/ipgraph.ttl "
        "in the workspace (the current folder, or $IPGRAPH_HOME), and the on-disk store beside it that the other "
        "commands open (data/ipgraph.ttl.store/). Nothing is written if any source fails.",
    )
    p.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="source documents (text, saved web pages .html/.htm, Word .docx/.doc/.wps, PDF) or folders "
        "of them (default: the bundled sources)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="where to write the Turtle (default: data/ipgraph.ttl)")
    p.add_argument("--layout", help="force a reader instead of detecting it: reader or cnipa-tasklist")
    p.add_argument(
        "--encoding",
        help="the text encoding of text files and web pages (default: what the page declares, else detect "
        "UTF-8 or GB18030)",
    )
    p.add_argument(
        "--no-store",
        action="store_true",
        help="write the Turtle only, not the on-disk store beside it (FILE.store/; see `ipgraph load`)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar (it shows only on a terminal)")
    p.set_defaults(func=run)


def _warned(parsed):
    """Print a document's warnings (an unknown body, a truncated last item) as file:line: warning: …"""
    doc = parsed.document
    for warning in doc.warnings:
        print(f"{doc.source_path}:{warning.line}: warning: {warning.kind}: {warning.text}", file=sys.stderr)
    return parsed


def run(args: argparse.Namespace) -> int:
    from ipgraph import paths
    from ipgraph.graph.build import build_graph, source_files, write_turtle
    from ipgraph.ingest.parse import read_and_parse
    from ipgraph.progress import track

    files = source_files(args.sources) if args.sources else paths.bundled_sources()
    parsed = (_warned(read_and_parse(path, args.layout, args.encoding)) for path in files)
    graph = build_graph(track(parsed, "building", quiet=args.quiet, total=len(files)))
    target = write_turtle(graph, args.output or paths.default_graph_file())
    print(f"wrote {len(graph)} triples to {target}")
    if not args.no_store:
        from ipgraph.sparql import persist

        now = persist.sync(target)
        print(f"stored them in {now.folder} ({persist.summary(now)})")
    return 0
