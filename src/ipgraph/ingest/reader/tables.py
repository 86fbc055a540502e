"""Tables: rows of task tables, whatever separates their cells.

A header row is recognised by its labels (``COLUMNS``: label → what the column holds);
cells are separated by tabs, pipes, runs of spaces, or stand one per line. A header
that repeats after a page break is skipped; rows whose cells wrap onto the next line
(space-separated copies) are joined column by column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ipgraph.ingest.reader.normalise import Span

COLUMNS = {
    "序号": "number",
    "编号": "number",
    "任务": "task",
    "重点任务": "task",
    "工作重点": "task",
    "具体任务": "task",
    "事项名称": "task",
    "主要任务": "task",
    "工作内容": "measure",
    "具体措施": "measure",
    "落实举措": "measure",
    "主要工作措施或要求": "measure",
    "工作措施": "measure",
    "成果形式": "output",
    "责任部门": "responsible",
    "责任单位": "responsible",
    "承办单位": "responsible",
    "牵头单位": "lead",
    "配合单位": "participant",
    "责任人": "people",
    "完成时间": "deadline",
    "完成时限": "deadline",
    "限期时间": "deadline",
    "计划完成时间": "deadline",
}
# Columns whose text wraps onto the next line in space-separated copies, in order.
WRAPPING = ("task", "measure", "responsible", "lead", "participant")
MIN_LABELS = 3
CELL_PER_LINE = "cell-per-line"  # one cell per line (paragraph), rows of as many lines as labels
SECTION_ROW = re.compile(r"^[一二三四五六七八九十]+、")


@dataclass
class Row:
    line: int
    cells: dict[str, Span]  # column role → cell
    end_line: int
    complete: bool = True


@dataclass
class Table:
    layout: str  # "tab" | "pipe" | "spaces" | "cell-per-line"
    columns: list[str]
    headers: list[tuple[int, list[str]]] = field(default_factory=list)  # (line, labels) of each header row
    rows: list[Row | tuple[int, Span]] = field(default_factory=list)  # a row, or (line, section heading)


def split_cells(span: Span, layout: str) -> list[Span]:
    text = span.text
    if layout == "tab":
        parts, start = [], 0
        for i, ch in enumerate(text + "\t"):
            if ch == "\t":
                parts.append(span[start:i].strip())
                start = i + 1
        return parts
    if layout == "pipe":
        inner = span.strip().strip("|")
        return split_cells(Span(inner.text.replace("|", "\t"), inner.origin), "tab")
    return [span[m.start() : m.end()] for m in re.finditer(r"\S+", text)]


def _labels(cells: list[Span]) -> list[str] | None:
    names = [c.text.replace(" ", "") for c in cells]
    if len([n for n in names if n in COLUMNS]) >= MIN_LABELS and any(COLUMNS.get(n) == "task" for n in names):
        return names
    return None


def _layout(span: Span) -> str:
    if "\t" in span.text:
        return "tab"
    if span.text.lstrip().startswith("|"):
        return "pipe"
    return "spaces"


def find_header(lines: list[tuple[int, Span]]) -> tuple[int, str, list[str]] | None:
    """(index of the header's first line, layout, labels) of the first table header among the lines."""
    for index, (_, span) in enumerate(lines):
        layout = _layout(span)
        if layout != "spaces" or " " in span.text.strip():
            labels = _labels(split_cells(span, layout))
            if labels:
                return index, layout, labels
        if labels := _header_cells(lines, index):
            return index, CELL_PER_LINE, labels
    return None


def _header_cells(lines: list[tuple[int, Span]], index: int) -> list[str] | None:
    """The labels of a header written one cell per line from ``lines[index]`` on, or None."""
    labels = []
    for _, cell in lines[index:]:
        name = cell.text.strip()
        if name not in COLUMNS:
            break
        labels.append(name)
    if len(labels) >= MIN_LABELS and any(COLUMNS[n] == "task" for n in labels):
        return labels
    return None


def _read_cell_per_line(table: Table, lines: list[tuple[int, Span]], start: int, roles: list[str]) -> None:
    """Rows of as many lines as the header has labels; a header repeated after a page break is skipped."""
    width = len(roles)
    table.headers.append((lines[start][0], table.columns))
    body = [(n, s) for n, s in lines[start + width :] if s.text.strip()]
    chunks: list[list[tuple[int, Span]]] = []
    index = 0
    while index < len(body):
        if (not chunks or len(chunks[-1]) == width) and (repeat := _header_cells(body, index)):
            table.headers.append((body[index][0], repeat))
            index += len(repeat)
            continue
        if not chunks or len(chunks[-1]) == width:
            chunks.append([])
        chunks[-1].append(body[index])
        index += 1
    for chunk in chunks:
        by_role = {role: span.strip() for role, (_, span) in zip(roles, chunk, strict=False)}
        table.rows.append(Row(chunk[0][0], by_role, chunk[-1][0], len(chunk) == width))


def read_table(lines: list[tuple[int, Span]], start: int, layout: str, labels: list[str]) -> Table:
    table = Table(layout, labels)
    roles = [COLUMNS.get(n, n) for n in labels]
    if layout == CELL_PER_LINE:
        _read_cell_per_line(table, lines, start, roles)
        return table
    current: Row | None = None
    for number, span in lines[start:]:
        if not span.text.strip() or span.text.strip().isdigit():
            continue
        cells = split_cells(span, layout)
        if found := _labels(cells):
            table.headers.append((number, found))
            current = None
            continue
        first = cells[0].text if cells else ""
        if layout != "spaces" and SECTION_ROW.match(first) and not any(c.text for c in cells[1:]):
            table.rows.append((number, cells[0]))
            current = None
        elif first.isdigit():
            current = Row(number, {}, number)
            for role, cell in zip(roles, cells, strict=False):
                current.cells[role] = cell
            current.complete = len(cells) >= len(roles) or (layout == "tab" and len(cells) >= len(roles) - 1)
            table.rows.append(current)
        elif current is not None and layout == "spaces":
            wrapping = [r for r in roles if r in WRAPPING]
            for role, cell in zip(wrapping, cells, strict=False):
                current.cells[role] = current.cells[role] + cell if role in current.cells else cell
            current.end_line = number
    return table
