"""Word files (.docx, with python-docx): paragraphs with their numbering, and tables.

List numbers that Word draws (``numPr`` on a paragraph or its style) are not in the
paragraph's text; they are rendered here from the file's numbering definitions
(decimal, Chinese counting, full-width digits, letters, Roman and circled numbers;
another format is read as decimal),
so ``一、`` and ``1.`` come out as they look. Merged cells (``gridSpan``, ``vMerge``)
are repeated in every row and column they cover (python-docx gives the grid).
Headers, footers, comments and text boxes are not read; tracked insertions and
deletions are read as the text without them.

A line's locator is ``paragraph N`` (N counts the body's paragraphs, empty ones
too) or ``table T row R`` (T counts the body's tables).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections import defaultdict
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from ipgraph.errors import SourceError
from ipgraph.ingest.formats.model import Locator, SourceText
from ipgraph.ingest.formats.tables import clean, rows_text

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CHINESE_DIGITS = "零一二三四五六七八九"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# Counting in Chinese characters; LibreOffice writes the Taiwanese names for what Word calls Chinese.
CHINESE_FORMATS = frozenset(
    {"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "taiwaneseCounting"}
    | {"taiwaneseCountingThousand", "japaneseCounting", "koreanCounting"}
)
ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
         (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip


def read(path: Path, data: bytes, encoding: str | None = None) -> SourceText:
    return read_docx(path, data, hashlib.sha256(data).hexdigest(), MEDIA_TYPE)


def read_docx(path: Path, data: bytes, sha256: str, media_type: str) -> SourceText:
    """Read .docx bytes (the file's own, or converted from a .doc); ``sha256`` is of the file on disk."""
    document = _open(path, data)
    numbering = Numbering(document)
    lines: list[str] = []
    locators: list[Locator] = []
    paragraph_number = table_number = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            paragraph_number += 1
            for line in _paragraph_lines(block, numbering):
                lines.append(line)
                locators.append(Locator("docx", f"paragraph {paragraph_number}"))
        elif isinstance(block, Table):
            table_number += 1
            for row_number, line in enumerate(rows_text(_table_cells(block, numbering)), start=1):
                if line:
                    lines.append(line)
                    locators.append(Locator("docx", f"table {table_number} row {row_number}"))
    if not lines:
        raise SourceError(str(path), "the Word file has no text in its body")
    return SourceText(str(path), "\n".join(lines), sha256, tuple(locators), {}, media_type)


def _open(path: Path, data: bytes) -> WordDocument:
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SourceError(str(path), f"not a Word .docx file (or a damaged one): {exc}") from None


def _paragraph_lines(paragraph: Paragraph, numbering: Numbering) -> list[str]:
    """A paragraph as lines: its list number in front, a line break inside it starting a new line."""
    label = numbering.label(paragraph)
    parts = [clean(part) for part in paragraph.text.split("\n")]
    parts = [part for part in parts if part]
    if label and parts:
        parts[0] = label + parts[0]
    return parts


def _table_cells(table: Table, numbering: Numbering) -> list[list[list[str] | None]]:
    """The table's grid, each cell as its paragraphs; a merged cell is the same list wherever it reaches."""
    seen: dict[object, list[str]] = {}
    grid: list[list[list[str] | None]] = []
    for row in table.rows:
        cells: list[list[str] | None] = []
        for cell in row.cells:
            if cell._tc not in seen:
                paragraphs = [" ".join(_paragraph_lines(p, numbering)) for p in cell.paragraphs]
                for inner in cell.tables:
                    paragraphs += [line for line in rows_text(_table_cells(inner, numbering)) if line]
                seen[cell._tc] = paragraphs
            cells.append(seen[cell._tc])
        grid.append(cells)
    return grid


class Numbering:
    """Word's list numbering: counters per list, rendered as Word draws them."""

    def __init__(self, document: WordDocument):
        self.levels: dict[str, dict[int, tuple[str, str, int, str]]] = {}
        self.counters: dict[str, dict[int, int]] = defaultdict(dict)
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.findall(qn("w:abstractNum"))}
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is None or ref.get(qn("w:val")) not in abstract:
                continue
            levels = _levels(abstract[ref.get(qn("w:val"))])
            for override in num.findall(qn("w:lvlOverride")):
                level = int(override.get(qn("w:ilvl"), "0"))
                start = override.find(qn("w:startOverride"))
                if start is not None and level in levels:
                    fmt, text, _, suffix = levels[level]
                    levels[level] = (fmt, text, int(start.get(qn("w:val"), "1")), suffix)
            self.levels[num.get(qn("w:numId"))] = levels

    def label(self, paragraph: Paragraph) -> str:
        """The number Word shows in front of the paragraph ("" when it is not in a list)."""
        num_id, level = _num_pr(paragraph)
        levels = self.levels.get(num_id or "")
        if not levels or level not in levels:
            return ""
        counters = self.counters[num_id or ""]
        counters[level] = counters.get(level, levels[level][2] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        fmt, text, _, suffix = levels[level]
        label = text
        for k in range(level + 1):
            if f"%{k + 1}" in label and k in levels:
                value = counters.get(k, levels[k][2])
                label = label.replace(f"%{k + 1}", _format(value, levels[k][0]))
        if fmt == "bullet":
            label = "•" if not label or any("\ue000" <= ch <= "\uf8ff" for ch in label) else label
        if not label:
            return ""
        spaced = suffix != "nothing" and label[-1].isascii()
        return label + (" " if spaced else "")


def _levels(abstract) -> dict[int, tuple[str, str, int, str]]:
    """Each level's (number format, level text, start, suffix)."""
    levels = {}
    for lvl in abstract.findall(qn("w:lvl")):

        def val(tag: str, default: str, lvl=lvl) -> str:
            el = lvl.find(qn(tag))
            return default if el is None else el.get(qn("w:val"), default)

        levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
            val("w:numFmt", "decimal"),
            val("w:lvlText", ""),
            int(val("w:start", "1")),
            val("w:suff", "tab"),
        )
    return levels


def _num_pr(paragraph: Paragraph) -> tuple[str | None, int]:
    """The paragraph's list and level: its own numPr, else its style's (a numbered heading style)."""
    candidates = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None:
        candidates.append(style.element.pPr)
        style = style.base_style
    num_id: str | None = None
    level: int | None = None
    for ppr in candidates:
        num_pr = None if ppr is None else ppr.find(qn("w:numPr"))
        if num_pr is None:
            continue
        if num_id is None and (el := num_pr.find(qn("w:numId"))) is not None:
            num_id = el.get(qn("w:val"))
        if level is None and (el := num_pr.find(qn("w:ilvl"))) is not None:
            level = int(el.get(qn("w:val"), "0"))
    if num_id == "0":
        return None, 0
    return num_id, level or 0


def _format(n: int, fmt: str) -> str:
    if fmt in CHINESE_FORMATS:
        return chinese_number(n)
    if fmt == "ideographDigital":
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 0 < n <= len(CIRCLED):
        return CIRCLED[n - 1]
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "none":
        return ""
    return str(n)


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (as Word counts in Chinese)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    if n < 20:
        return "十" + (CHINESE_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CHINESE_DIGITS[n // 10] + "十" + (CHINESE_DIGITS[n % 10] if n % 10 else "")
    hundreds, rest = divmod(n, 100)
    tail = "" if rest == 0 else ("零" + CHINESE_DIGITS[rest] if rest < 10 else _tens(rest))
    return CHINESE_DIGITS[hundreds % 10] + "百" + tail


def _tens(n: int) -> str:
    return CHINESE_DIGITS[n // 10] + "十" + (CHINESE_DIGITS[n % 10] if n % 10 else "")


def _roman(n: int) -> str:
    out = []
    for value, letters in ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)
