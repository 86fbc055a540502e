"""Progress bars for long operations (tqdm), drawn on stderr only when it is a terminal.

Usage::

    from ipgraph.progress import Progress, track

    for path in track(paths, "parsing", quiet=args.quiet):      # wrap an iterable
        ...

    with Progress(total=len(batches), label="pushing", quiet=args.quiet) as bar:
        for batch in batches:
            send(batch)
            bar.advance(describe=f"{len(batch)} triples")           # one step done

The bar is silent when ``quiet`` is true or the stream is not a terminal (pipes, CI logs,
tests), so output that is parsed or captured never contains it. It writes nothing to
stdout and clears its line when closed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sized
from typing import TextIO, TypeVar

from tqdm import tqdm

T = TypeVar("T")
REDRAW_INTERVAL = 0.1


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """A counter from 0 to ``total`` (or open-ended when ``total`` is None) with a label."""

    def __init__(self, total: int | None = None, label: str = "", quiet: bool = False, stream: TextIO | None = None):
        stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and _is_terminal(stream)
        self.bar = tqdm(
            total=total,
            desc=label or None,
            file=stream,
            disable=not self.enabled,
            leave=False,
            mininterval=REDRAW_INTERVAL,
            dynamic_ncols=True,
        )

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def advance(self, steps: int = 1, describe: str | None = None) -> None:
        """Count ``steps`` more done, optionally replacing the text after the bar."""
        if describe is not None:
            self.bar.set_postfix_str(describe, refresh=False)
        self.bar.update(steps)
        if self.bar.total is not None and self.bar.n >= self.bar.total:
            self.bar.refresh()  # the last step is always shown, however soon it follows the one before

    def describe(self, text: str) -> None:
        """Show what is being done now, without counting a step."""
        self.bar.set_postfix_str(text)

    def close(self) -> None:
        """Clear the bar's line (the terminal is left as it was)."""
        self.bar.close()


def track(items: Iterable[T], label: str = "", quiet: bool = False, total: int | None = None) -> Iterator[T]:
    """Yield from ``items`` while counting them on a progress bar."""
    if total is None and isinstance(items, Sized):
        total = len(items)
    with Progress(total, label, quiet) as bar:
        for item in items:
            yield item
            bar.advance()
