"""ipgraph queries — list the named queries."""

from __future__ import annotations

import argparse

HELP = "list the named queries and their questions"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "queries",
        help=HELP,
        description="List the named SPARQL queries of queries/ with their questions and parameters.",
    )
    p.add_argument("--lang", choices=("en", "zh", "both"), default="both", help="language of the questions")
    p.set_defaults(func=run)


ANSWERS = {"ASK": "  (ASK: true or false)", "CONSTRUCT": "  (CONSTRUCT: RDF)", "DESCRIBE": "  (DESCRIBE: RDF)"}


def run(args: argparse.Namespace) -> int:
    from ipgraph.sparql.library import library, query_form

    for name, query in library().items():
        print(name + ANSWERS.get(query_form(query.text), ""))
        if args.lang in ("zh", "both") and query.zh:
            print(f"    {query.zh}")
        if args.lang in ("en", "both") and query.en:
            print(f"    {query.en}")
        for param in query.params:
            default = f" = {param.default}" if param.default is not None else ""
            print(f"    --param {param.name}=<{param.type}>{default}  {param.doc}")
    return 0
