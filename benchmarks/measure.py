"""Timing and memory: repeated runs with median, min and max; peak RSS of a child process."""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMED_OUT = "stopped after"  # note of a figure whose run was stopped: its time is a lower bound


@dataclass
class Figure:
    """One measured operation on one engine at one scale."""

    section: str
    op: str
    engine: str
    runs: list[float] = field(default_factory=list)  # seconds (or bytes for memory figures)
    rows: int | None = None  # answer size, to check engines agree
    note: str = ""
    unit: str = "s"

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    def to_json(self) -> dict:
        data = asdict(self)
        data["median"] = self.median
        data["min"] = min(self.runs) if self.runs else None
        data["max"] = max(self.runs) if self.runs else None
        return data


@dataclass
class Timer:
    """Runs an operation ``repeats`` times, stopping early once ``budget`` seconds are spent.

    Slow baselines at large scales then cost one or two runs instead of ``repeats``;
    the number of runs is part of every figure.
    """

    repeats: int = 5
    budget: float = 30.0

    def measure(
        self,
        section: str,
        op: str,
        engine: str,
        action: Callable[..., object],
        setup: Callable[[], object] | None = None,
        **extra,
    ) -> tuple[Figure, object]:
        """Time ``action()``, or ``action(setup())`` with ``setup`` run untimed before each run."""
        figure = Figure(section, op, engine, **extra)
        result = None
        spent = 0.0
        for _ in range(self.repeats):
            result = None  # the last run's result (a loaded store, say) is freed before the next run
            argument = setup() if setup is not None else None
            gc.collect()
            start = time.perf_counter()
            result = action(argument) if setup is not None else action()
            elapsed = time.perf_counter() - start
            figure.runs.append(elapsed)
            spent += elapsed
            if spent > self.budget:
                break
        return figure, result


CHILD_MEMORY = 6 * 2**30  # address space a forked run may add to what it inherits


def _limit_memory(extra: int) -> None:
    """Cap this process's address space at its present size plus ``extra`` bytes."""
    import resource

    status = Path("/proc/self/status").read_text()
    size = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmSize:"))) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size + extra, size + extra))


def forked(action: Callable[[], int], timeout: float) -> tuple[float, int] | None:
    """Run ``action`` once in a forked child (which shares this process's data copy-on-write):
    (seconds, its result) — or None when it ran past ``timeout`` seconds and was stopped."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        _limit_memory(CHILD_MEMORY)
        start = time.perf_counter()
        result = action()
        send.send((time.perf_counter() - start, result))

    process = context.Process(target=child, daemon=True)
    process.start()
    try:
        if receive.poll(timeout):
            try:
                return receive.recv()
            except EOFError:
                raise RuntimeError(
                    f"ended without an answer (memory limit: {CHILD_MEMORY / 2**30:.0f} GiB more)"
                ) from None
        return None
    finally:
        process.kill()
        process.join()


def failed(section: str, op: str, engine: str, error: BaseException) -> Figure:
    """A figure for an operation that raised: the error is kept as the note."""
    return Figure(section, op, engine, note=f"failed: {type(error).__name__}: {str(error)[:200]}")


def measured(
    timer: Timer, section: str, op: str, engine: str, action: Callable[..., object], **extra
) -> tuple[Figure, object]:
    """``timer.measure``; an operation that raises gives a figure with the error as its note,
    and no result (a failing engine is a finding, not the end of the run)."""
    try:
        return timer.measure(section, op, engine, action, **extra)
    except Exception as exc:
        return failed(section, op, engine, exc), None


def wall_time(argv: list[str], repeats: int, cwd: Path = ROOT) -> list[float]:
    """Wall-clock seconds of a whole process, ``repeats`` times (a cold start each time)."""
    times = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(repeats):
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode()[-300:]}")
    return times


def peak_rss() -> int:
    """This process's peak resident set size in bytes.

    Linux keeps ``getrusage``'s ``ru_maxrss`` across ``execve``, so a probe started from a large
    process would report its parent's size; ``VmHWM`` belongs to the new program alone."""
    import resource

    status = Path("/proc/self/status")
    if status.exists():
        line = next((x for x in status.read_text().splitlines() if x.startswith("VmHWM:")), None)
        if line is not None:
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)


def child_peak_rss(code: str, *args: str) -> tuple[int, dict]:
    """Run Python ``code`` in a fresh interpreter; its peak RSS in bytes and the JSON it prints."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode:
        raise RuntimeError(f"memory probe failed: {proc.stderr[-500:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return int(data.pop("peak_rss")), data


def machine() -> dict:
    """What the figures were measured on."""
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line)
        meminfo = Path("/proc/meminfo").read_text().split()
        info["memory_gb"] = round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 2**20, 1)
    except (OSError, StopIteration, ValueError):
        info["cpu"] = platform.processor()
    from importlib.metadata import PackageNotFoundError, version

    for package in ("rdflib", "pyoxigraph", "pyshacl", "oxigraph", "networkx"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = None
    return info
