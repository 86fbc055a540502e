"""The ``ipgraph`` command line: a thin layer over the Python API."""

from __future__ import annotations

import argparse
import importlib
import sys

from ipgraph.cli.commands import COMMANDS


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ipgraph",
        description="A knowledge graph of China's IP-policy task lists: build it from source text, "
        "validate it with SHACL, and question it with SPARQL.",
        epilog="Run `ipgraph COMMAND --help` for a command's options.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"ipgraph.cli.{name}").register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from ipgraph.errors import IpgraphError

    try:
        return args.func(args)
    except IpgraphError as exc:
        print(f"ipgraph: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ipgraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
