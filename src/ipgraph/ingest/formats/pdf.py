"""PDF files with a text layer (pdfplumber): text as a copy would give it, tables as tables.

- Tables are found by their ruling lines (pdfplumber's default); a cell spanning rows
  or columns is repeated in each; a cell's paragraphs are told apart by a line that
  stops short of the cell's right edge, a first line indented, or a wider gap above.
  (A paragraph whose last line fills the cell, followed by one neither indented nor
  set apart, runs on into it: nothing in the PDF tells them apart.) A table continued on the next page is read as
  one table (its repeated header row stays a plain row).
- Running headers and footers go: lines in the top or bottom ``MARGIN`` of a page that
  are page numbers (``— 3 —``, ``- 3 -``, ``第3页``, ``3/10``, ``3``) or that repeat on
  several pages (digits aside).
- Lines are re-joined into paragraphs: a line that reaches the right edge of the text
  continues in the next one unless that is indented, set apart, in another size, or
  opens with a heading or item number; a paragraph may continue on the next page.
- Reading order is top to bottom, one column. A PDF with no text at all (a scan) is
  refused: there is no OCR here.

A line's locator is ``page P line N`` (N counts the page's text lines outside tables,
headers included) or ``page P table T row R``, with the box ``[x0, top, x1, bottom]``
in PDF points from the page's top left.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from ipgraph.errors import SourceError
from ipgraph.ingest.formats.model import Locator, SourceText
from ipgraph.ingest.formats.tables import clean, rows_text

MEDIA_TYPE = "application/pdf"
MARGIN = 0.08  # of the page's height, at the top and at the bottom
PAGE_NUMBER_RE = re.compile(
    r"^[\s—–\-－―~·•]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／共]\s*\d{1,4}\s*页?)?[\s—–\-－―~·•]*$|^[\s—–\-－―]*[A-Za-z]?\s*\d{1,4}\s*$"
)
# A line opening like this starts a paragraph of its own (headings, items).
OPENING_RE = re.compile(
    r"^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d{1,3}\s*[.．、]|第[一二三四五六七八九十\d]+[章节条]|——|[①-⑳])"
)


OPENERS = ("（", "(", "“", "‘", "《", "〈", "【", "[")
LEADING_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*")


@dataclass
class Line:
    page: int
    number: int  # on its page, 1-based
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    page_height: float

    @property
    def size(self) -> float:
        return self.bottom - self.top

    @property
    def bbox(self) -> list[float]:
        return [round(v, 1) for v in (self.x0, self.top, self.x1, self.bottom)]


@dataclass
class Block:
    """A table on one page: its grid of cells (as paragraphs) and each row's box."""

    page: int
    number: int  # on its page
    top: float
    grid: list[list[list[str] | None]]
    boxes: list[list[float]] = field(default_factory=list)


def read(path: Path, data: bytes, encoding: str | None = None) -> SourceText:
    items: list[Line | Block] = []
    pages = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                items += _page_items(page, number)
                pages = number
    except (PdfminerException, PDFSyntaxError, PDFEncryptionError, PDFPasswordIncorrect) as exc:
        raise SourceError(str(path), f"not a readable PDF (damaged, or protected by a password): {exc!r}") from None
    if not any(_has_text(item) for item in items):
        raise SourceError(
            str(path),
            f"the PDF has no text layer ({pages} page(s) of images only: a scan?); ipgraph does not do OCR: "
            "run OCR first (for example ocrmypdf, which adds a text layer) or use a text, HTML or Word copy",
        )
    body = _without_running_lines(items, pages)
    lines, locators = _assemble(body)
    if not lines:
        raise SourceError(str(path), "the PDF has no text outside its page headers and footers")
    sha = hashlib.sha256(data).hexdigest()
    return SourceText(str(path), "\n".join(lines), sha, tuple(locators), {}, MEDIA_TYPE)


def _has_text(item: Line | Block) -> bool:
    if isinstance(item, Line):
        return bool(item.text.strip())
    return any(cell for row in item.grid for cell in row)


def _page_items(page: pdfplumber.page.Page, number: int) -> list[Line | Block]:
    found = page.find_tables()
    boxes = [t.bbox for t in found]

    def outside(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    items: list[Line | Block] = []
    for n, raw in enumerate(page.filter(outside).extract_text_lines(return_chars=False), start=1):
        items.append(Line(number, n, raw["text"], raw["x0"], raw["top"], raw["x1"], raw["bottom"], page.height))
    for n, table in enumerate(sorted(found, key=lambda t: t.bbox[1]), start=1):
        items.append(_block(page, number, n, table))
    items.sort(key=lambda item: item.top)
    return items


def _block(page: pdfplumber.page.Page, number: int, index: int, table) -> Block:
    """The table's cells on a grid of its distinct column and row edges; a merged cell covers several."""
    cells = [tuple(c) for c in table.cells]
    xs = _edges([c[0] for c in cells] + [table.bbox[2]])
    tops = _edges([c[1] for c in cells] + [table.bbox[3]])
    paragraphs: dict[tuple, list[str]] = {}
    grid: list[list[list[str] | None]] = []
    boxes: list[list[float]] = []
    for r in range(len(tops) - 1):
        y = (tops[r] + tops[r + 1]) / 2
        row: list[list[str] | None] = []
        for c in range(len(xs) - 1):
            x = (xs[c] + xs[c + 1]) / 2
            cell = next((b for b in cells if b[0] <= x <= b[2] and b[1] <= y <= b[3]), None)
            if cell is not None and cell not in paragraphs:
                paragraphs[cell] = _cell_paragraphs(page, cell)
            row.append(None if cell is None else paragraphs[cell])
        grid.append(row)
        boxes.append([round(v, 1) for v in (table.bbox[0], tops[r], table.bbox[2], tops[r + 1])])
    return Block(number, index, table.bbox[1], grid, boxes)


def _edges(values: list[float], tolerance: float = 1.5) -> list[float]:
    edges: list[float] = []
    for v in sorted(values):
        if not edges or v - edges[-1] > tolerance:
            edges.append(v)
    return edges


def _cell_paragraphs(page: pdfplumber.page.Page, box: tuple) -> list[str]:
    """The cell's lines re-joined into paragraphs: a line short of the right edge ends one.

    A character belongs to the cell it starts in: punctuation hanging past a cell's
    right edge stays with its line, not with the next cell.
    """

    def starts_inside(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return False
        middle = (obj["top"] + obj["bottom"]) / 2
        return box[0] - 1 <= obj["x0"] < box[2] and box[1] <= middle <= box[3]

    lines = page.filter(starts_inside).extract_text_lines(return_chars=False)
    if not lines:
        return []
    start = min(line["x0"] for line in lines)
    right = box[2] - max(start - box[0], 0)  # the cell's padding, taken as the same on both sides
    gaps = [b["top"] - a["bottom"] for a, b in itertools.pairwise(lines)]
    usual_gap = statistics.median(gaps) if gaps else 0
    paragraphs: list[str] = []
    current = ""
    for i, line in enumerate(lines):
        size = line["bottom"] - line["top"]
        opens = line["x0"] > start + 0.5 * size or (i > 0 and gaps[i - 1] > usual_gap + 0.5 * size)
        if opens and current:
            paragraphs.append(current)
            current = ""
        current = _join(current, line["text"])
        following = lines[i + 1]["text"] if i + 1 < len(lines) else ""
        if _stops_short(line["text"], line["x1"], right, size, following):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def _stops_short(text: str, x1: float, right: float, size: float, following: str) -> bool:
    """Does a line end before the right edge, by more than the next line's first word would need?

    A Latin word or number is not broken, so the line before it may stop short; nor
    does a paragraph end on an opening bracket or quotation mark.
    """
    if text.rstrip().endswith(OPENERS):
        return False
    word = LEADING_WORD_RE.match(following)
    room = 1.5 * size + (len(word.group()) * 0.6 * size if word else 0)
    return x1 < right - room


def _join(left: str, right: str) -> str:
    """Two pieces of one paragraph: a space between Latin letters or digits only."""
    if left and right and left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


def _in_margin(line: Line) -> bool:
    return line.top < line.page_height * MARGIN or line.bottom > line.page_height * (1 - MARGIN)


def _without_running_lines(items: list[Line | Block], pages: int) -> list[Line | Block]:
    """Drop page numbers, and header or footer lines repeated on several pages."""
    margin = [item for item in items if isinstance(item, Line) and _in_margin(item)]
    shape = Counter(re.sub(r"\d+", "#", line.text.replace(" ", "")) for line in margin)
    repeated = {text for text, count in shape.items() if count >= 2 and count * 2 >= pages}
    dropped = {
        id(line)
        for line in margin
        if PAGE_NUMBER_RE.match(line.text) or re.sub(r"\d+", "#", line.text.replace(" ", "")) in repeated
    }
    return [item for item in items if id(item) not in dropped]


def _assemble(items: list[Line | Block]) -> tuple[list[str], list[Locator]]:
    lines: list[str] = []
    locators: list[Locator] = []
    body = [item for item in items if isinstance(item, Line)]
    left = Counter(round(line.x0) for line in body).most_common(1)[0][0] if body else 0
    right = max((line.x1 for line in body), default=0)
    size = statistics.median(line.size for line in body) if body else 0
    paragraph: list[Line] = []
    run: list[Block] = []
    for item in [*items, None]:
        if isinstance(item, Block) and (not run or len(item.grid[0]) == len(run[-1].grid[0])):
            _flush_paragraph(paragraph, lines, locators)
            paragraph = []
            run.append(item)
            continue
        _flush_tables(run, lines, locators)
        run = [item] if isinstance(item, Block) else []
        if isinstance(item, Line):
            if paragraph and not _continues(paragraph[-1], item, left, right, size):
                _flush_paragraph(paragraph, lines, locators)
                paragraph = []
            paragraph.append(item)
    _flush_paragraph(paragraph, lines, locators)
    return lines, locators


def _continues(before: Line, line: Line, left: float, right: float, size: float) -> bool:
    """Is ``line`` the rest of the paragraph that ``before`` is in?"""
    if (
        _stops_short(before.text, before.x1, right, size, line.text)
        or line.x0 > left + 0.5 * size
        or abs(line.size - before.size) > 0.2 * size
    ):
        return False
    if line.page == before.page and line.top - before.bottom > 1.2 * size:
        return False
    return not OPENING_RE.match(line.text)


def _flush_paragraph(paragraph: list[Line], lines: list[str], locators: list[Locator]) -> None:
    if not paragraph:
        return
    text = ""
    for line in paragraph:
        text = _join(text, line.text.strip())
    text = clean(text)
    if not text:
        return
    first = paragraph[0]
    lines.append(text)
    detail: dict = {"bbox": first.bbox}
    if len(paragraph) > 1:
        detail["lines"] = len(paragraph)
    locators.append(Locator("pdf", f"page {first.page} line {first.number}", detail))


def _flush_tables(run: list[Block], lines: list[str], locators: list[Locator]) -> None:
    """A table, continued over pages, as rows; the column rule of ``tables`` sees all of it."""
    if not run:
        return
    grid = [row for block in run for row in block.grid]
    where = [(block, r) for block in run for r in range(len(block.grid))]
    for (block, r), text in zip(where, rows_text(grid), strict=True):
        if text:
            lines.append(text)
            locators.append(
                Locator("pdf", f"page {block.page} table {block.number} row {r + 1}", {"bbox": block.boxes[r]})
            )
