"""ipgraph diff — what changed between two documents: tasks added, dropped, continued, reworded, split, merged."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "what changed between two documents (two editions): tasks, bodies, leads"


def register(sub: argparse._SubParsersAction) -> None:
    from ipgraph.paths import GRAPH_NAME

    p = sub.add_parser(
        "diff",
        help=HELP,
        description="Align the tasks of two documents and report what changed: tasks added, dropped, continued, "
        "reworded, split and merged, with the source lines of both sides and the evidence of each match; "
        "responsible bodies gained and lost; tasks whose lead body changed. A and B are two source files, or "
        "two documents of the graph (key such as annual-plan-2022, IRI, or title).",
        epilog="Example: ipgraph diff plan-2022.txt plan-2023.txt --format html -o changes.html",
    )
    p.add_argument("old", metavar="A", help="the earlier document: a source file, or a document of the graph")
    p.add_argument("new", metavar="B", help="the later document")
    p.add_argument("-f", "--format", choices=("text", "json", "html"), default="text", help="output (default text)")
    p.add_argument("-o", "--output", metavar="FILE", help="file to write (default: standard output)")
    p.add_argument("--graph", metavar="FILE", help=f"graph file holding A and B (default: {GRAPH_NAME.as_posix()})")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from ipgraph.export.diff import diff_data, find_document, render
    from ipgraph.files import atomic_write

    if Path(args.old).is_file() and Path(args.new).is_file():
        from ipgraph.graph.build import build_sources

        graph = build_sources([Path(args.old), Path(args.new)])
        old, new = (find_document(graph, key) for key in _keys(graph, args.old, args.new))
    else:
        from ipgraph.cli.export import read_graph

        graph = read_graph(args.graph)
        old, new = find_document(graph, args.old), find_document(graph, args.new)
    text = render(diff_data(graph, old, new), args.format)
    if args.output and args.output != "-":
        atomic_write(args.output, text.encode("utf-8"))
        print(f"wrote {args.output} ({args.format})", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _keys(graph, *paths: str) -> list[str]:
    """The document IRIs built from each source file, in the order given."""
    from ipgraph.graph.namespaces import IPG, PROV

    found = []
    for path in paths:
        resolved = str(Path(path).resolve())
        docs = [
            doc
            for doc, source in graph.subject_objects(PROV.wasDerivedFrom)
            if (doc, IPG.layout, None) in graph and _source_path(graph, source) == resolved
        ]
        found.append(str(docs[0]) if docs else path)
    return found


def _source_path(graph, source) -> str:
    from ipgraph.graph.namespaces import DCTERMS

    identifier = graph.value(source, DCTERMS.identifier)
    return str(Path(str(identifier)).resolve()) if identifier is not None else ""
