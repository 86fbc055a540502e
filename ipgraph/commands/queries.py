"""ipgraph queries — list the named queries."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "queries",
        help="list the named queries and their questions",
        description="List the named SPARQL queries of queries/ with their questions and parameters.",
    )
    p.add_argument("--lang", choices=("en", "zh", "both"), default="both", help="language of the questions")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..queries import library

    for name, query in library().items():
        print(name)
        if args.lang in ("zh", "both") and query.zh:
            print(f"    {query.zh}")
        if args.lang in ("en", "both") and query.en:
            print(f"    {query.en}")
        for param in query.params:
            default = f" = {param.default}" if param.default is not None else ""
            print(f"    --param {param.name}=<{param.type}>{default}  {param.doc}")
    return 0
