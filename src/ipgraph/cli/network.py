"""ipgraph network — who shares tasks with whom: a report, and the paths linking two departments."""

from __future__ import annotations

import argparse

HELP = "analyse the department network (report, paths between departments)"


def register(sub: argparse._SubParsersAction) -> None:
    from ipgraph.cli.commands import default
    from ipgraph.network import department_paths, report

    p = sub.add_parser(
        "network",
        help=HELP,
        description="Analyse the networks of the graph: departments that share tasks (centrality, strongest "
        "pairs, communities, the tasks linking two departments), tasks and their departments, and the "
        "policies tasks cite; each as a whole or per edition or year (--by).",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    rep = actions.add_parser(
        "report",
        help="top departments, strongest pairs, communities; figures of any network, per period with --by",
        description="Summarise the department network: departments by number of tasks with their degree, "
        "weighted degree, betweenness and eigenvector centrality; the pairs sharing most tasks; "
        "modularity-based communities; connected components. With -n task-department or citations: that "
        "network's figures (nodes, edges, density, components, centralisation, top nodes).",
    )
    top = default(report, "top")
    rep.add_argument(
        "--top", type=int, default=top, metavar="N", help="how many departments and pairs (default %(default)s)"
    )
    rep.add_argument(
        "--method",
        choices=("greedy", "louvain"),
        default=default(report, "method"),
        help="community detection method (default %(default)s)",
    )
    rep.add_argument(
        "-n",
        "--network",
        choices=("departments", "task-department", "citations"),
        default="departments",
        help="which network (default departments); the others are reported as figures, per period with --by",
    )
    add_weight_options(rep)
    add_by_option(rep)
    _common(rep)
    rep.set_defaults(func=run_report)

    path = actions.add_parser(
        "path",
        help="the tasks linking two departments",
        description="The shortest chains department –task– department … linking two departments: one line per "
        "shared task when they share tasks, otherwise through other departments. Departments are named in "
        "Chinese or English, or by IRI.",
    )
    path.add_argument("source", metavar="DEPT", help="a department, e.g. 保护司")
    path.add_argument("target", metavar="DEPT2", help="another department, e.g. 人事司")
    limit = default(department_paths, "limit")
    path.add_argument(
        "--limit", type=int, default=limit, metavar="N", help="show at most N paths (default %(default)s)"
    )
    _common(path)
    path.set_defaults(func=run_path)


def _common(p: argparse.ArgumentParser) -> None:
    from ipgraph.cli.commands import default
    from ipgraph.network import format_report

    p.add_argument("-f", "--format", choices=("text", "json"), default="text", help="output format (default text)")
    lang = default(format_report, "lang")
    p.add_argument(
        "--lang", choices=("zh", "en"), default=lang, help="label language for text output (default %(default)s)"
    )
    add_source_options(p)


def add_weight_options(p: argparse.ArgumentParser) -> None:
    """How the department network's edges are weighted (docs/networks.md, "Weights")."""
    from ipgraph.network.weights import Weighting

    p.add_argument(
        "--weight",
        choices=("count", "newman"),
        default=Weighting.method,
        help="edge weight: count, the number of shared tasks, or newman, Newman's collaboration weight "
        "(each task of n departments adds 1/(n-1) to each of its pairs) (default %(default)s)",
    )
    p.add_argument(
        "--max-bodies",
        type=int,
        metavar="N",
        help="leave out tasks naming more than N departments (catch-all tasks) when making edges",
    )


def add_by_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--by",
        choices=("edition", "year"),
        help="one network per edition (document) or per year, with per-period figures (docs/networks.md)",
    )


def weighting_for(args: argparse.Namespace):
    from ipgraph.network.weights import Weighting

    return Weighting(args.weight, args.max_bodies)


def add_source_options(p: argparse.ArgumentParser) -> None:
    """Where the data comes from: a graph file, or a remote SPARQL endpoint."""
    from ipgraph.paths import GRAPH_NAME

    p.add_argument("--graph", metavar="FILE", help=f"graph file (default: {GRAPH_NAME.as_posix()})")
    p.add_argument(
        "--endpoint",
        metavar="URL",
        help="ask this remote SPARQL 1.1 endpoint instead of the graph file (see docs/triple-stores.md)",
    )
    p.add_argument("--default-graph", metavar="IRI", help="with --endpoint: the named graph to query as default graph")


def runner_for(args: argparse.Namespace):
    """The runner the networks fetch their data through: the remote endpoint if given, else the graph file."""
    if args.endpoint:
        from ipgraph.sparql.remote import remote_runner

        return remote_runner(args.endpoint, default_graph=args.default_graph)
    from ipgraph.cli.load import open_store
    from ipgraph.network import store_runner

    # The network queries read nothing the ontology entails (they leave out the superclasses it adds),
    # so a current store serves them as it is, entailments and all, instead of the file read anew.
    return store_runner(open_store(args.graph, entailments=None))


def run_report(args: argparse.Namespace) -> int:
    import json
    import sys

    from ipgraph.network import department_graph, format_report, report

    if args.by or args.network != "departments":
        return _report_by_period(args)
    graph = department_graph(runner_for(args), weighting=weighting_for(args))
    summary = report(graph, top=args.top, method=args.method)
    if args.format == "json":
        sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(format_report(summary, args.lang))
    return 0


def _report_by_period(args: argparse.Namespace) -> int:
    """The figures table: one row per period with --by, else one row for the whole (non-department) network."""
    import json
    import sys

    from ipgraph.network.periods import figures, format_figures, period_graphs, whole_graph

    runner, weighting = runner_for(args), weighting_for(args)
    if args.by:
        periods = period_graphs(runner, args.by, weighting, args.network)
    else:
        periods = whole_graph(runner, args.network, weighting)
    rows = figures(periods, top=args.top)
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(format_figures(rows))
    return 0


def run_path(args: argparse.Namespace) -> int:
    import json
    import sys

    from ipgraph.network import bipartite_graph, department_paths, format_paths

    graph = bipartite_graph(runner_for(args))
    found = department_paths(graph, args.source, args.target, args.limit)
    if args.format == "json":
        rows = [[{k: graph.nodes[n][k] for k in ("kind", "iri", "label_zh", "label_en")} for n in p] for p in found]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    elif found:
        sys.stdout.write(format_paths(graph, found, args.lang))
    else:
        print(f"{args.source} and {args.target} are not linked through shared tasks")
    return 0
