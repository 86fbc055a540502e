"""Tables as text, the same for every format: one row per line, cells separated by a TAB.

A cell spanning several rows or columns is repeated in each row and column it
covers. In a column where some cell (below the header row) holds several
paragraphs — the measures column of a task list — every cell of its own has each paragraph
wrapped in ``<p>…</p>``, the form the bundled 2021 list's flattened text uses; other
cells' paragraphs are joined by a space. Tabs and line breaks inside a cell become
spaces, so a row stays one line.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence

SPACES_RE = re.compile(r"[ \t\n\r\f\v\xa0]+")
# A line break between two CJK characters is where the source wrapped the line, not a space.
CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
CJK_BREAK_RE = re.compile(rf"(?<=[{CJK}])[ \t\xa0]*[\n\r][\s\xa0]*(?=[{CJK}])")
# Spans beyond these are damaged markup, not tables of task lists.
MAX_SPAN = 1000


def clean(text: str) -> str:
    """One line: no tabs or line breaks, runs of spaces as one, no space at either end."""
    return SPACES_RE.sub(" ", CJK_BREAK_RE.sub("", text)).strip()


def cell_text(paragraphs: Sequence[str], wrap: bool) -> str:
    """A cell's text from its paragraphs: wrapped in <p>…</p> each when ``wrap``."""
    kept = [p for p in (clean(p) for p in paragraphs) if p]
    if wrap:
        return " ".join(f"<p>{p}</p>" for p in kept)
    return " ".join(kept)


def span(value: str | None) -> int:
    """A rowspan/colspan attribute as a count of at least 1 (damaged values count as 1)."""
    try:
        return min(max(int(str(value).strip()), 1), MAX_SPAN)
    except (TypeError, ValueError):
        return 1


def grid(rows: Sequence[Sequence[tuple[Hashable, int, int]]]) -> list[list[Hashable | None]]:
    """Place cells given as (cell, rowspan, colspan) per row on a grid, repeating spanned cells.

    The grid has one list per row of ``rows``: a rowspan reaching past the last row
    is cut there, and a position no cell covers is None.
    """
    placed: dict[tuple[int, int], Hashable] = {}
    for r, cells in enumerate(rows):
        c = 0
        for cell, rowspan, colspan in cells:
            while (r, c) in placed:
                c += 1
            for dr in range(min(rowspan, len(rows) - r)):
                for dc in range(colspan):
                    placed.setdefault((r + dr, c + dc), cell)
            c += colspan
    width = max((c for _, c in placed), default=-1) + 1
    return [[placed.get((r, c)) for c in range(width)] for r in range(len(rows))]


def paragraph_columns(table: Sequence[Sequence[Sequence[str] | None]]) -> list[bool]:
    """Columns written in paragraphs: those where some cell below the header row has several."""
    width = max((len(row) for row in table), default=0)
    wrap = [False] * width
    for row in table[1:]:
        for c, paragraphs in enumerate(row):
            if paragraphs and sum(1 for p in paragraphs if clean(p)) > 1:
                wrap[c] = True
    return wrap


def _single_column(row: Sequence[object], c: int) -> bool:
    """Is column c the first of its cell? A cell spanning columns (a heading) is wrapped in none."""
    spans = (c > 0 and row[c - 1] is row[c]) or (c + 1 < len(row) and row[c + 1] is row[c])
    return not spans


def rows_text(table: Sequence[Sequence[Sequence[str] | None]]) -> list[str]:
    """Each row of a table (cells as lists of paragraphs, None for no cell) as one line.

    The header row, and a row that repeats it (after a page break), is never wrapped.
    A row without text gives an empty line.
    """
    if not table:
        return []
    wrap = paragraph_columns(table)
    header = [cell_text(cell or (), False) for cell in table[0]]
    lines = []
    for r, row in enumerate(table):
        plain = [cell_text(cell or (), False) for cell in row]
        if r == 0 or plain == header[: len(plain)] or not any(plain):
            lines.append("\t".join(plain) if any(plain) else "")
        else:
            lines.append(
                "\t".join(cell_text(cell or (), wrap[c] and _single_column(row, c)) for c, cell in enumerate(row))
            )
    return lines
