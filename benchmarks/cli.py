"""The benchmark command: generate, measure every section at every scale, write JSON and Markdown."""

from __future__ import annotations

import argparse
import json
import shlex
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from ipgraph.files import atomic_write
from ipgraph.progress import Progress

from .crossdoc import keep_section
from .measure import Timer, machine
from .report import markdown
from .suite import STEPS_PER_SCALE, Limits, Scale, Suite

HERE = Path(__file__).resolve().parent
SUFFIXES = {"k": 1_000, "m": 1_000_000}


def scale_value(text: str) -> int:
    """10k → 10000, 1M → 1000000, 2500 → 2500."""
    t = text.strip().lower()
    try:
        return int(float(t[:-1]) * SUFFIXES[t[-1]]) if t and t[-1] in SUFFIXES else int(t)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of triples (e.g. 10k, 100k, 1M)") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument(
        "--scales", default="10k,100k,1M", help="comma-separated triple counts (default: 10k,100k,1M; 5M works too)"
    )
    p.add_argument("--repeats", type=int, default=5, help="runs per figure (default: 5)")
    p.add_argument("--budget", type=float, default=30.0, help="stop repeating a figure after this many seconds")
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic documents (default: 0)")
    p.add_argument("--out", type=Path, default=HERE / "out", help="folder for results.json and results.md")
    p.add_argument("--data", type=Path, default=HERE / "data", help="folder for generated sources and graphs")
    p.add_argument("--no-server", action="store_true", help="leave out the Oxigraph server baseline")
    p.add_argument(
        "--rdflib-max", type=scale_value, default=Limits.rdflib, help="largest scale for rdflib's queries and RSS"
    )
    p.add_argument("--pyshacl-max", type=scale_value, default=Limits.pyshacl, help="largest scale for pySHACL")
    p.add_argument(
        "--rdflib-timeout",
        type=float,
        default=Limits.timeout,
        help="stop one run of an rdflib query after this many seconds (its time is then a lower bound)",
    )
    p.add_argument(
        "--rdflib-stop-ratio",
        type=float,
        default=Limits.stop_ratio,
        help="also stop it once it has taken this many times ipgraph's time for the query (default: 100)",
    )
    p.add_argument("--results", action="store_true", help="also write benchmarks/RESULTS.md")
    p.add_argument(
        "--only-store",
        action="store_true",
        help="measure the on-disk store and the build only (section store), without the baselines",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return p


def run(args: argparse.Namespace, argv: list[str]) -> dict:
    try:
        targets = [scale_value(s) for s in args.scales.split(",") if s.strip()]
    except argparse.ArgumentTypeError as exc:
        raise SystemExit(f"python -m benchmarks: --scales: {exc}") from None
    timer = Timer(max(1, args.repeats), args.budget)
    limits = Limits(args.rdflib_max, args.pyshacl_max, args.rdflib_timeout, args.rdflib_stop_ratio)
    results = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": shlex.join(["python -m benchmarks", *argv]),
        "config": {
            "repeats": timer.repeats,
            "budget": timer.budget,
            "seed": args.seed,
            "scales": targets,
            "limits": {
                "rdflib": limits.rdflib,
                "pyshacl": limits.pyshacl,
                "rdflib_timeout": limits.timeout,
                "rdflib_stop_ratio": limits.stop_ratio,
            },
        },
        "machine": machine(),
        "scales": [],
    }
    steps = 2 if args.only_store else STEPS_PER_SCALE
    with Progress(len(targets) * steps, "benchmarks", args.quiet) as progress:
        for target in targets:
            scale = Scale(target, args.data / f"{target}", args.seed)
            suite = Suite(scale, timer, progress, limits, server=not args.no_server)
            figures = suite.run(named_for_cli="tasks-per-department", only_store=args.only_store)
            results["scales"].append(
                {
                    "target": target,
                    "documents": scale.documents,
                    "triples": scale.triples,
                    "nt_bytes": scale.nt.stat().st_size,
                    "figures": [f.to_json() for f in figures],
                }
            )
            # each finished scale is kept, should a later, larger one not finish
            atomic_write(args.out / "results.partial.json", json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    return results


def _stop(signum: int, _frame) -> None:
    """SIGTERM ends the run like Ctrl-C: context managers stop the Oxigraph server on the way out."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        results = run(args, argv)
    finally:
        signal.signal(signal.SIGTERM, previous)
    text = markdown(results)
    atomic_write(args.out / "results.json", json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    atomic_write(args.out / "results.md", text)
    if args.results:
        previous = (HERE / "RESULTS.md").read_text(encoding="utf-8") if (HERE / "RESULTS.md").exists() else ""
        atomic_write(HERE / "RESULTS.md", keep_section(previous, text))
    print(
        f"wrote {args.out / 'results.json'} and {args.out / 'results.md'}" + (" and RESULTS.md" if args.results else "")
    )
    return 0
