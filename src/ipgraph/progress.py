"""A small progress bar for long operations, drawn on stderr only when it is a terminal.

Usage::

    from ipgraph.progress import Progress, track

    for path in track(paths, "parsing", quiet=args.quiet):      # wrap an iterable
        ...

    with Progress(total=len(batches), label="pushing", quiet=args.quiet) as bar:
        for batch in batches:
            send(batch)
            bar.advance(describe=f"{len(batch)} triples")           # one step done

The bar is silent when ``quiet`` is true or the stream is not a terminal (pipes, CI logs,
tests), so output that is parsed or captured never contains it. It redraws at most
ten times a second, writes nothing to stdout, and clears its line when closed.
Standard library only: importing it costs nothing on the command line's fast paths.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")
REDRAW_INTERVAL = 0.1
BAR_WIDTH = 24


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """A counter from 0 to ``total`` (or open-ended when ``total`` is None) with a label."""

    def __init__(self, total: int | None = None, label: str = "", quiet: bool = False, stream: TextIO | None = None):
        self.total = total
        self.label = label
        self.count = 0
        self.text = ""
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and _is_terminal(self.stream)
        self._started = time.monotonic()
        self._drawn_at = 0.0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def advance(self, steps: int = 1, describe: str | None = None) -> None:
        """Count ``steps`` more done, optionally replacing the text after the bar."""
        self.count += steps
        if describe is not None:
            self.text = describe
        self._draw()

    def describe(self, text: str) -> None:
        """Show what is being done now, without counting a step."""
        self.text = text
        self._draw(force=True)

    def line(self) -> str:
        """The bar as one line of text (what is drawn)."""
        elapsed = time.monotonic() - self._started
        if self.total:
            done = min(self.count / self.total, 1.0)
            filled = round(done * BAR_WIDTH)
            bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.count}/{self.total}"
        else:
            bar = f"{self.count}"
        parts = [p for p in (self.label, bar, f"{elapsed:.0f}s", self.text) if p]
        return " ".join(parts)

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._drawn_at < REDRAW_INTERVAL and self.count != self.total:
            return
        self._drawn_at = now
        width = shutil.get_terminal_size((80, 24)).columns - 1
        self.stream.write("\r" + self.line()[:width].ljust(width))
        self.stream.flush()

    def close(self) -> None:
        """Clear the bar's line (the terminal is left as it was)."""
        if self.enabled:
            width = shutil.get_terminal_size((80, 24)).columns - 1
            self.stream.write("\r" + " " * width + "\r")
            self.stream.flush()
            self.enabled = False


def track(items: Iterable[T], label: str = "", quiet: bool = False, total: int | None = None) -> Iterator[T]:
    """Yield from ``items`` while counting them on a progress bar."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with Progress(total, label, quiet) as bar:
        for item in items:
            yield item
            bar.advance()
