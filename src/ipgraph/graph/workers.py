"""Documents read and mapped in worker processes, one per processor, when there are enough of them.

Reading and mapping a document depends on that document alone and is most of a cold build's
time, so on a machine with several processors the documents are spread over a pool of forked
processes, which share the parent's vocabularies. The parts come back in the files' order. A
document that fails in a worker comes back as None, and the caller reads it again itself, so its
error is raised exactly as without workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Generator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ipgraph.graph.parts import Collector, Part
from ipgraph.graph.vocab import Vocabulary
from ipgraph.ingest.parse import read_and_parse

MIN_DOCUMENTS = 16  # below this, starting the workers costs more than it saves

_collector: Collector | None = None


def _start(vocab: Vocabulary) -> None:
    global _collector
    _collector = Collector(vocab)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle: it stops the pool


def _part(job: tuple[Path, str | None, str | None]) -> Part | None:
    assert _collector is not None
    try:
        return _collector.part(read_and_parse(*job))
    except Exception:
        return None


def processors() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def mapped(
    files: Sequence[Path], vocab: Vocabulary, layout: str | None, encoding: str | None, workers: int | None = None
) -> Generator[Part | None, None, None]:
    """Each file's part made in a worker, in order; None for every file when workers are not worth it
    (few documents, one processor, no ``fork``) or for a file that failed."""
    count = workers if workers is not None else (processors() if len(files) >= MIN_DOCUMENTS else 1)
    count = min(count, len(files))
    if count < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (None for _ in files)
        return
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=_start, initargs=(vocab,))
    try:
        yield from pool.map(_part, [(path, layout, encoding) for path in files])
    finally:
        pool.shutdown(cancel_futures=True)
