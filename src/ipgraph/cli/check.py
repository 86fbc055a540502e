"""ipgraph check — build the graph from source, validate it and run every named query, in one process."""

from __future__ import annotations

import argparse
import re
import time

EXAMPLE_RE = re.compile(r"e\.g\.\s*([^,(]+?)(?:,| or |\(|$)")


HELP = "build from source, validate and run every named query (a whole-pipeline check)"


def register(sub: argparse._SubParsersAction) -> None:
    from ipgraph.shacl import DEFAULT_ENGINE, ENGINES

    p = sub.add_parser(
        "check",
        help=HELP,
        description="Build the graph from the source documents (default: the bundled 2021 task list) in memory, "
        "validate it against the shapes and run every named query of the library with its default or example "
        "parameters, then print one line per stage. Nothing is written. Exits 0 when the graph conforms and "
        "every query ran, 1 otherwise.",
    )
    p.add_argument("sources", nargs="*", metavar="SOURCE", help="source text files or folders (default: bundled)")
    p.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE, help="validation engine (default %(default)s)")
    p.set_defaults(func=run)


def example_params(query) -> dict[str, str]:
    """Values for the required parameters: the first example their header gives ("e.g. 保护司")."""
    values = {}
    for param in query.params:
        if param.default is None and not param.optional:
            match = EXAMPLE_RE.search(param.doc)
            if match:
                values[param.name] = match.group(1).strip()
    return values


def _size(result) -> str:
    if result.kind == "boolean":
        return "yes" if result.boolean else "no"
    if result.kind == "graph":
        return f"{sum(1 for line in result.triples.splitlines() if line.strip())} triples"
    return f"{len(result.rows)} rows"


def run(args: argparse.Namespace) -> int:
    from ipgraph.errors import IpgraphError
    from ipgraph.graph.build import build_sources
    from ipgraph.shacl import validate
    from ipgraph.sparql.library import library
    from ipgraph.sparql.run import run_embedded
    from ipgraph.sparql.store import EmbeddedStore

    started = time.perf_counter()
    graph = build_sources(args.sources)
    store = EmbeddedStore.from_rdflib(graph)
    print(f"build     {len(graph):,} triples ({time.perf_counter() - started:.2f} s)")
    mark = time.perf_counter()
    report = validate(graph, engine=args.engine, store=store)
    verdict = "conforms" if report.conforms else f"does not conform: {len(report.violations)} result(s)"
    print(f"validate  {verdict} ({time.perf_counter() - mark:.2f} s)")
    mark, failed = time.perf_counter(), []
    queries = library()
    for name, query in queries.items():
        try:
            result = run_embedded(store, query, example_params(query))
        except IpgraphError as exc:
            failed.append(f"{name}: {exc}")
            continue
        print(f"  {name}: {_size(result)}")
    print(f"queries   {len(queries) - len(failed)} of {len(queries)} ran ({time.perf_counter() - mark:.2f} s)")
    for failure in failed:
        print(f"  failed: {failure}")
    print(f"total     {time.perf_counter() - started:.2f} s")
    return 0 if report.conforms and not failed else 1
