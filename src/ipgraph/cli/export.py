"""ipgraph export — the networks for Gephi, Cytoscape, yEd, Graphviz, a browser; the RDF itself."""

from __future__ import annotations

import argparse

from ipgraph.cli.network import add_by_option, add_source_options, add_weight_options, runner_for, weighting_for

NETWORK_HELP = "graphml, gexf, cytoscape, dot, csv-nodes, csv-edges, pajek, ucinet, html, svg, png"
RDF_HELP = "ttl, nt, jsonld; trig, nq (each document in its own named graph)"


HELP = "export a network (GraphML, GEXF, Cytoscape.js, DOT, CSV, Pajek, UCINET DL, HTML, SVG, PNG) or the RDF graph"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help=HELP,
        description=f"Export one file. Network formats: {NETWORK_HELP}; RDF formats (the whole graph): {RDF_HELP}. "
        "The format is taken from --format, or else from the output file's suffix.",
        epilog="Example: ipgraph export --network departments --format graphml -o departments.graphml",
    )
    p.add_argument(
        "-n",
        "--network",
        choices=("departments", "task-department", "citations"),
        help="which network (default departments; not used with RDF formats)",
    )
    p.add_argument("-f", "--format", metavar="FORMAT", help=f"one of {NETWORK_HELP}, {RDF_HELP}")
    p.add_argument("-o", "--output", metavar="FILE", help="file to write (default: standard output)")
    p.add_argument(
        "--entailments",
        action="store_true",
        help="with an RDF format: only the statements the ontology entails from the graph (ontology/rules/), "
        "to load beside it or to leave out",
    )
    from ipgraph.cli.commands import default
    from ipgraph.export import export

    lang = default(export, "lang")
    p.add_argument("--lang", choices=("zh", "en"), default=lang, help="language of node labels (default %(default)s)")
    add_weight_options(p)
    add_by_option(p)
    add_source_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from ipgraph.export import DATASET_FORMATS, RDF_FORMATS, ExportError, export, format_for
    from ipgraph.files import atomic_write

    if args.by:
        return _export_by_period(args)
    fmt = format_for(args.output, args.format)
    if fmt in RDF_FORMATS + DATASET_FORMATS and args.network:
        raise ExportError(f"--format {fmt} exports the whole RDF graph; leave out --network")
    if args.entailments and (fmt not in RDF_FORMATS or args.endpoint):
        raise ExportError(f"--entailments exports RDF from the graph file: use --format {', '.join(RDF_FORMATS)}")
    if args.entailments:
        data = export(None, fmt, rdf=entailed_graph(args.graph))
    elif fmt in DATASET_FORMATS:
        if args.endpoint:
            raise ExportError(f"--format {fmt} exports the graph file's named graphs; leave out --endpoint")
        data = read_dataset(args.graph, fmt)
    elif fmt in RDF_FORMATS and not args.endpoint:
        data = export(None, fmt, rdf=read_graph(args.graph))
    else:
        data = export(runner_for(args), fmt, args.network or "departments", args.lang, weighting=weighting_for(args))
    if args.output and args.output != "-":
        atomic_write(args.output, data)
        print(f"wrote {args.output} ({fmt}, {len(data):,} bytes)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def _export_by_period(args: argparse.Namespace) -> int:
    """--by: a dynamic GEXF or slider page to a file, other formats one file per period into a directory."""
    import sys
    from pathlib import Path

    from ipgraph.export import ExportError, format_for
    from ipgraph.export.periods import SINGLE_FILE, export_by_period
    from ipgraph.files import atomic_write

    out = Path(args.output) if args.output and args.output != "-" else None
    fmt = args.format or (format_for(args.output, None) if out is not None and out.suffix else None)
    if fmt is None:
        raise ExportError("with --by, give --format (gexf, html, or a format written one file per period)")
    name = args.network or "departments"
    files = export_by_period(runner_for(args), fmt, args.by, args.lang, weighting_for(args), name)
    if fmt in SINGLE_FILE:
        [(name, data)] = files.items()
        if out is None:
            sys.stdout.buffer.write(data)
            return 0
        atomic_write(out, data)
        print(f"wrote {out} ({fmt}, {len(data):,} bytes)", file=sys.stderr)
        return 0
    if out is None:
        raise ExportError(f"--by with --format {fmt} writes one file per period: give -o DIRECTORY")
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        atomic_write(out / name, data)
    print(f"wrote {len(files)} files to {out}/ ({fmt}, one per period)", file=sys.stderr)
    return 0


def read_dataset(path: str | None, fmt: str) -> bytes:
    """The graph file as TriG or N-Quads: each document's triples in its named graph, as written."""
    import pyoxigraph as ox

    from ipgraph.prefixes import PREFIXES
    from ipgraph.sparql.graphs import dataset
    from ipgraph.sparql.persist import file_format
    from ipgraph.sparql.store import graph_file

    source = graph_file(path)
    output = ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS
    return dataset(source, file_format(source), output, PREFIXES)


def read_graph(path: str | None):
    """The graph file as an rdflib Graph: exported as written, datatypes and all."""
    from rdflib import Graph
    from rdflib.util import guess_format

    from ipgraph.errors import IpgraphError
    from ipgraph.sparql.store import graph_file

    source = graph_file(path)
    try:
        return Graph().parse(source, format=guess_format(str(source)) or "turtle")
    except Exception as exc:  # rdflib raises many parser-specific types
        raise IpgraphError(f"{source}: cannot read as RDF: {exc}") from None


def entailed_graph(path: str | None):
    """The statements the ontology's rules add to the graph file, as an rdflib Graph."""
    from rdflib import Graph

    from ipgraph.sparql.entailment import entailed_ntriples, open_store

    return Graph().parse(data=entailed_ntriples(open_store(path)).decode("utf-8"), format="nt")
