"""The ``ipgraph`` command line: a thin layer over the Python API."""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading

from ipgraph.cli.commands import COMMANDS


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``command``, one of :data:`COMMANDS`, with that subcommand's
    options only (registering the others would import the code of their defaults for nothing);
    otherwise the list of commands, each with its ``HELP`` line."""
    p = argparse.ArgumentParser(
        prog="ipgraph",
        description="A knowledge graph of China's IP-policy task lists: build it from source text, "
        "validate it with SHACL, and question it with SPARQL.",
        epilog="Run `ipgraph COMMAND --help` for a command's options.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in (command,) if command in COMMANDS else COMMANDS:
        module = importlib.import_module(f"ipgraph.cli.{name}")
        if name == command or not hasattr(module, "HELP"):
            module.register(sub)
        else:
            sub.add_parser(name, help=module.HELP)
    return p


def check_text(args: argparse.Namespace) -> None:
    """Refuse arguments that are not text in the locale's encoding (Python keeps such bytes as
    surrogates, which nothing downstream can encode), naming the option."""
    from ipgraph.errors import IpgraphError

    for name, value in vars(args).items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and any("\udc80" <= ch <= "\udcff" for ch in text):
                shown = text.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
                option = name if name in ("query", "sources", "source") else "--" + name.replace("_", "-")
                raise IpgraphError(f"{option} '{shown}': not valid UTF-8 text; check the terminal's encoding")


class Stopped(BaseException):
    """SIGTERM or SIGHUP, raised where the program is, so that a file being written is removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signum)


def exit_at_once(code: int) -> None:
    """End the process once its output is flushed, without the interpreter's teardown: freeing every
    object and closing the store cost about 10 ms, a tenth of a query on a store, for a command
    whose answer is written and which leaves nothing to finish (``leaves_nothing``: ``ipgraph query``)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` and return its exit status.

    Without ``argv`` (the installed ``ipgraph`` script, ``python -m ipgraph.cli``) the process is the
    command, and ends with it: ``ipgraph query`` then keeps its time and memory limits in this
    process (:func:`ipgraph.sparql.limits.limits_on_this_process`), which they may end, instead of
    starting a child process for the query. Given ``argv`` (a caller in Python), limits end a child only."""
    own_process = argv is None
    if argv is None:
        argv = sys.argv[1:]
    args = parser(argv[0] if argv else None).parse_args(argv)
    args.own_process = own_process
    from ipgraph.errors import IpgraphError

    handled = [s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    previous = (
        {s: signal.signal(s, _stop) for s in handled} if threading.current_thread() is threading.main_thread() else {}
    )
    try:
        check_text(args)
        code = args.func(args)
        if own_process and getattr(args, "leaves_nothing", False):
            exit_at_once(code)
        return code
    except Stopped as exc:
        print(f"ipgraph: stopped ({signal.Signals(exc.signum).name})", file=sys.stderr)
        return 128 + exc.signum
    except IpgraphError as exc:
        print(f"ipgraph: {exc}", file=sys.stderr)
        return 2
    except MemoryError:
        print("ipgraph: out of memory (the input or the answer is too large for this machine)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ipgraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
