"""The on-disk store and the build, each timed as a whole process, as a user runs them.

Figures (section ``store``): loading the scale's Turtle into its store (``ipgraph load --full``);
``ipgraph query NAME`` on that store, beside the floor of a bare ``python -c 'import pyoxigraph'``;
``ipgraph serve`` until its first answer; ``ipgraph build`` of the scale's documents end to end
with its peak RSS, and the rebuild after one document changed, whose output is compared byte for
byte with a full build of the same sources.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .measure import ROOT, Figure, failed, wall_time
from .server import free_port

SECTION = "store"
QUERIES = ("departments", "tasks-per-department")
FLOOR = "python -c 'import pyoxigraph' (floor)"
SERVE_TIMEOUT = 120.0

# Runs the command line in this interpreter and prints its peak RSS last (VmHWM: this process alone).
BUILD_PROBE = """
import json, sys
from benchmarks.measure import peak_rss
from ipgraph.cli import main
code = main(sys.argv[1:])
print(json.dumps({"peak_rss": peak_rss(), "code": code}))
"""


def _cli(*argv: str) -> list[str]:
    """The command line as a user runs it: the installed ``ipgraph`` script (``python -m`` costs a
    few milliseconds more), or the module where no script is installed beside the interpreter."""
    script = Path(sys.executable).with_name("ipgraph")
    return [str(script), *argv] if script.exists() else [sys.executable, "-m", "ipgraph.cli", *argv]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def store_figures(ttl: Path, runs: int) -> list[Figure]:
    """Load the store once, then time queries and the server on it."""
    figures = []
    try:
        figures.append(Figure(SECTION, "ipgraph load --full (the Turtle into its on-disk store)", "ipgraph",
                              wall_time(_cli("load", "--full", str(ttl)), 1)))  # fmt: skip
    except Exception as exc:
        return [failed(SECTION, "ipgraph load --full", "ipgraph", exc)]
    # As installed: pip compiles a package's modules to bytecode, as pyoxigraph's were for the floor
    # (a checkout run with PYTHONDONTWRITEBYTECODE would compile ipgraph's on every start).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "ipgraph")],
                   capture_output=True, check=False)  # fmt: skip
    figures.append(Figure(SECTION, FLOOR, "ipgraph", wall_time([sys.executable, "-c", "import pyoxigraph"], runs)))
    for name in QUERIES:
        op = f"ipgraph query {name} (whole process, on-disk store)"
        try:
            figures.append(Figure(SECTION, op, "ipgraph", wall_time(_cli("query", name, "--graph", str(ttl)), runs)))
        except Exception as exc:
            figures.append(failed(SECTION, op, "ipgraph", exc))
    op = "ipgraph serve until its first answer (on-disk store)"
    try:
        figures.append(Figure(SECTION, op, "ipgraph", [serve_ready(ttl) for _ in range(runs)]))
    except Exception as exc:
        figures.append(failed(SECTION, op, "ipgraph", exc))
    return figures


def serve_ready(ttl: Path) -> float:
    """Seconds from starting ``ipgraph serve`` to its first answer to ``ASK {}``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D"
    start = time.perf_counter()
    process = subprocess.Popen(_cli("serve", "--graph", str(ttl), "--port", str(port)), cwd=ROOT, env=_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        while time.perf_counter() - start < SERVE_TIMEOUT:
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return time.perf_counter() - start
            if process.poll() is not None:
                raise RuntimeError(f"ipgraph serve exited {process.returncode}")
            time.sleep(0.005)
        raise RuntimeError(f"ipgraph serve did not answer within {SERVE_TIMEOUT:.0f} s")
    finally:
        process.terminate()
        process.wait(10)


def build_figures(sources: list[Path], folder: Path) -> list[Figure]:
    """``ipgraph build`` of the scale's documents end to end (its peak RSS as a note), then the rebuild
    after one document changed, compared byte for byte with a full build of the changed sources."""
    work = folder / "build"
    shutil.rmtree(work, ignore_errors=True)
    (work / "sources").mkdir(parents=True)
    for source in sources:
        shutil.copy(source, work / "sources" / source.name)
    out, fresh = work / "graph.ttl", work / "fresh.ttl"
    figures = []
    op = f"ipgraph build of {len(sources)} documents, end to end (Turtle and store)"
    try:
        seconds, peak, cpu = _probed("build", str(work / "sources"), "-o", str(out), "-q")
        figure = Figure(SECTION, op, "ipgraph", [seconds])
        figure.note = f"peak RSS {peak / 2**20:,.0f} MiB, CPU {cpu:.1f} s"
        figures.append(figure)
        rss = Figure(SECTION, "ipgraph build: peak RSS", "ipgraph", [peak])
        rss.unit = "B"
        figures.append(rss)
    except Exception as exc:
        return [failed(SECTION, op, "ipgraph", exc)]
    changed = work / "sources" / sources[len(sources) // 2].name
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("。", "；", 1), encoding="utf-8")
    op = "ipgraph build after one document changed (same output file)"
    try:
        seconds, peak, cpu = _probed("build", str(work / "sources"), "-o", str(out), "-q")
        _probed("build", str(work / "sources"), "-o", str(fresh), "-q", "--no-store")
        same = out.read_bytes() == fresh.read_bytes()
        figure = Figure(SECTION, op, "ipgraph", [seconds], rows=1 if same else 0)
        figure.note = "output byte-identical to a full build" if same else "output DIFFERS from a full build"
        figure.note += f"; peak RSS {peak / 2**20:,.0f} MiB, CPU {cpu:.1f} s"
        figures.append(figure)
    except Exception as exc:
        figures.append(failed(SECTION, op, "ipgraph", exc))
    return figures


def _probed(*argv: str) -> tuple[float, int, float]:
    """Wall seconds, peak RSS and CPU seconds (its own and its workers') of ``ipgraph ARGV`` run as a
    process of its own: on a shared machine the CPU time says more than the wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", BUILD_PROBE, *argv], cwd=ROOT, env=_env(), capture_output=True,
                          text=True, check=False)  # fmt: skip
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise RuntimeError(f"ipgraph {' '.join(argv[:1])} failed: {proc.stderr[-300:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, int(data["peak_rss"]), cpu
