"""Layout "cnipa-tasklist": CNIPA's annual task list as a four-column table.

The text is a table exported line by line, columns separated by tabs::

    2021 年推动知识产权高质量发展任务清单                     title line
    任务清单<TAB>落实举措<TAB>责任部门<TAB>完成时间              header row (repeated per page)
    一、做好知识产权顶层设计，…<TAB><TAB><TAB>                  section heading
    1. 配合做好…<TAB><p>国家知识产权局：…</p> <p>各地区…</p><TAB>办公室、条法司<TAB>年底前完成

Each measure is one ``<p>…</p>`` paragraph opened by its addressee. Everything
specific to this layout lives in this module; it produces plain records.

Oddities that do not change the meaning are accepted and give the same records as
the clean text: spaces, tabs and full-width spaces around cells and paragraphs,
full-width digits in the year and task numbers (``１．``), ``．``, ``、`` or ``.``
after a task number, and a half-width colon after 国家知识产权局 (recorded as the
full-width ``：`` of the published text). Anything else that does not fit is a
SourceError naming the line and what was expected there.
"""

from __future__ import annotations

import re

from ipgraph.errors import SourceError
from ipgraph.ingest.formats import SourceText
from ipgraph.ingest.reader.clauses import due
from ipgraph.ingest.records import Assignment, Deadline, Document, Measure, Section, Selector, Task

NAME = "cnipa-tasklist"
EXPECTS = "the header row 任务清单<TAB>落实举措<TAB>责任部门<TAB>完成时间"
HEADER = ("任务清单", "落实举措", "责任部门", "完成时间")
NUMERALS = "一二三四五六七八九十"

DIGITS = "0-9０-９"  # ASCII and full-width digits; other scripts' digits are not these documents'
TITLE_RE = re.compile(rf"^(?P<year>[{DIGITS}]{{4}})\s*年\s*(?P<rest>.*任务清单)$")
SECTION_RE = re.compile(rf"^(?P<numeral>[{NUMERALS}]+)、\s*(?P<title>\S.*)$")
TASK_RE = re.compile(rf"^(?P<number>[{DIGITS}]+)[.．、]\s*(?P<title>\S.*)$")
# A paragraph holds no <p> or </p> of its own: an unclosed <p> then costs one scan to the next tag,
# not one to the end of the cell for every <p> (quadratic on a long cell).
PARAGRAPH_RE = re.compile(r"<p>((?:(?!</?p>).)*)</p>", re.S)

# Paragraph openings → addressee keys. Longest first, so 国家知识产权局 wins over shorter prefixes.
ACTORS = (
    ("国家知识产权局：", "cnipa"),
    ("有条件的地区", "qualified-regions"),
    ("有关地区", "relevant-regions"),
    ("各地区", "all-regions"),
)
# A department named after one of these offices lends the office to the next names in
# its group: "专利局审查部、自动化部" is 专利局审查部 and 专利局自动化部.
OFFICES = ("专利局", "商标局")
BODY_GROUP_SPLIT = re.compile(r"[，,\s\u3000]+")
BODY_SPLIT = re.compile(r"[、]+")
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def detect(text: str) -> bool:
    """Does this text look like a CNIPA task list?"""
    return any(tuple(cell.strip() for cell in line.split("\t")[:4]) == HEADER for line in text.split("\n")[:200])


def parse(source: SourceText) -> Document:
    """Parse a task list into records, or raise SourceError naming the line."""
    state = _State(source.path)
    offset = 0
    for number, raw in enumerate(source.lines, start=1):
        state.offset = offset
        state.feed(number, raw)
        offset += len(raw) + 1
    return state.finish(source)


def _selector(raw: str, part: str, line: int, offset: int, after: int = 0) -> Selector | None:
    """Where ``part`` stands in the row ``raw`` (line ``line``, starting at ``offset`` in the text)."""
    start = raw.find(part, after)
    if start < 0 or not part:
        return None
    return Selector(line, offset + start, offset + start + len(part), part, line)


def numeral_value(numeral: str) -> int | None:
    """一 → 1, 十 → 10, 十九 → 19, 二十三 → 23 … 九十九: section numerals; None if not one."""
    if re.fullmatch(r"[一二三四五六七八九]", numeral):
        return NUMERALS.index(numeral) + 1
    m = re.fullmatch(r"([二三四五六七八九]?)十([一二三四五六七八九]?)", numeral)
    if not m:
        return None
    tens = NUMERALS.index(m[1]) + 1 if m[1] else 1
    return tens * 10 + (NUMERALS.index(m[2]) + 1 if m[2] else 0)


def numeral_text(number: int) -> str:
    """The inverse of numeral_value, for messages: 1 → 一, 23 → 二十三."""
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else NUMERALS[tens - 1] + "十")
    return head + (NUMERALS[units - 1] if units else "")


def ascii_digits(text: str) -> str:
    """Full-width digits (０-９) as ASCII digits."""
    return text.translate(FULL_WIDTH_DIGITS)


def split_bodies(cell: str) -> tuple[str, ...]:
    """Normalise the responsible-departments cell into department names."""
    names: list[str] = []
    for group in BODY_GROUP_SPLIT.split(cell.strip()):
        office = ""
        for name in filter(None, (n.strip() for n in BODY_SPLIT.split(group))):
            if office and not name.startswith(OFFICES):
                name = office + name
            office = next((o for o in OFFICES if name.startswith(o) and name != o), office)
            if name not in names:
                names.append(name)
    return tuple(names)


def canonical_opening(text: str) -> str:
    """A half-width colon after 国家知识产权局 as the full-width one of the published text."""
    return re.sub(r"^国家知识产权局\s*[:：]", "国家知识产权局：", text)


def split_measures(
    cell: str, path: str, line: int, task: int, locate=lambda paragraph, after: None
) -> tuple[Measure, ...]:
    """Split the measures cell into <p> paragraphs and recognise who each addresses."""
    rest = PARAGRAPH_RE.sub("", cell)
    if rest.strip():
        raise SourceError(
            path, f"task {task}: text outside <p>…</p> in the measures column: {rest.strip()[:40]!r}", line, "落实举措"
        )
    paragraphs = PARAGRAPH_RE.findall(cell)
    if not paragraphs:
        raise SourceError(path, f"task {task}: expected at least one <p>…</p> measure", line, "落实举措")
    measures = []
    after = 0
    for index, paragraph in enumerate(paragraphs, start=1):
        where = locate(paragraph.strip(), after)
        after = where.end if where else after
        text = canonical_opening(paragraph.strip())
        actor = next((key for prefix, key in ACTORS if text.startswith(prefix)), None)
        if actor is None:
            openings = " / ".join(dict.fromkeys(p.rstrip("：:") for p, _ in ACTORS))
            raise SourceError(
                path,
                f"task {task}, measure {index}: unknown addressee at {text[:12]!r}; "
                f"expected it to open with {openings}",
                line,
                "落实举措",
            )
        measures.append(Measure(index, actor, text, line, where))
    return tuple(measures)


class _State:
    """The parser's position in the document: which section is open, what was seen."""

    def __init__(self, path: str):
        self.path = path
        self.offset = 0  # of the current line in the text
        self.raw = ""
        self.title: str | None = None
        self.year = 0
        self.header_seen = False
        self.sections: list[Section] = []
        self.tasks: list[Task] = []

    def error(self, line: int, message: str, field: str | None = None) -> SourceError:
        return SourceError(self.path, message, line, field)

    def feed(self, line: int, raw: str) -> None:
        self.raw = raw
        cells = [c.strip() for c in raw.rstrip().split("\t")]
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
        first = cells[0]
        if not first and len(cells) == 1:
            return
        if tuple(cells) == HEADER:
            self.header_seen = True
            return
        if not self.header_seen:
            self.preamble(line, first, cells)
            return
        if len(cells) == 1 and (m := SECTION_RE.match(first)):
            self.section(line, m)
        elif m := TASK_RE.match(first):
            self.task(line, m, cells)
        else:
            raise self.error(
                line,
                "expected a section heading (一、…), a task row "
                "(N. title<TAB>measures<TAB>departments<TAB>completion time) or the header row "
                f"({' / '.join(HEADER)}); found {first[:30]!r}",
            )

    def preamble(self, line: int, first: str, cells: list[str]) -> None:
        if first in ("附件", "附件：", "附件:") and len(cells) == 1:
            return
        m = TITLE_RE.match(first)
        if m and len(cells) == 1 and self.title is None:
            self.year = int(m["year"])
            self.title = ascii_digits(m["year"]) + first[m.end("year") :]
            return
        raise self.error(
            line,
            "before the first header row, expected only 附件 and the title line "
            f"(e.g. 2021 年…任务清单); found {first[:30]!r}",
        )

    def section(self, line: int, m: re.Match[str]) -> None:
        number = numeral_value(m["numeral"])
        expected = len(self.sections) + 1
        if number is None:
            raise self.error(line, f"{m['numeral']!r} is not a section numeral (一, 二 … 十, 十一 …)", "section")
        if number != expected:
            raise self.error(
                line, f"section {m['numeral']} is out of order; expected section {numeral_text(expected)}", "section"
            )
        if self.sections and not any(t.section == len(self.sections) for t in self.tasks):
            raise self.error(line, f"section {self.sections[-1].numeral} has no task", "section")
        self.sections.append(Section(number, m["numeral"], m["title"].strip().rstrip("。"), line))

    def task(self, line: int, m: re.Match[str], cells: list[str]) -> None:
        number = int(m["number"])
        if not self.sections:
            raise self.error(line, f"task {number} comes before any section heading", "section")
        if len(cells) != 4:
            raise self.error(
                line, f"task {number}: expected 4 tab-separated columns ({' / '.join(HEADER)}), found {len(cells)}"
            )
        if any(t.number == number for t in self.tasks):
            raise self.error(line, f"duplicate task number {number}", "任务清单")
        if number != len(self.tasks) + 1:
            raise self.error(line, f"task {number} is out of order; expected task {len(self.tasks) + 1}", "任务清单")
        _, measures, bodies, completion = cells
        for value, field in ((bodies, "责任部门"), (completion, "完成时间")):
            if not value:
                raise self.error(line, f"task {number}: the {field} column is empty", field)
        names = split_bodies(bodies)
        if not names:
            raise self.error(line, f"task {number}: no department in {bodies!r}", "责任部门")
        cells_start = self.raw.find(measures) if measures else 0
        bodies_at = self.raw.find(bodies, cells_start + len(measures))
        deadline_at = self.raw.find(completion, bodies_at + len(bodies))

        def locate(part: str, after: int) -> Selector | None:
            return _selector(self.raw, part, line, self.offset, max(cells_start, after - self.offset))

        self.tasks.append(
            Task(
                number=number,
                title=m["title"].strip().rstrip("。"),
                section=len(self.sections),
                line=line,
                measures=split_measures(measures, self.path, line, number, locate),
                bodies=names,
                responsibility=bodies,
                completion=completion,
                label=ascii_digits(m["number"]),
                assignments=self._assignments(names, bodies, bodies_at, line),
                deadline=Deadline(
                    completion,
                    due(completion, self.year)[0],
                    where=_selector(self.raw, completion, line, self.offset, deadline_at),
                ),
                where=Selector(line, self.offset, self.offset + len(self.raw), self.raw, line),
            )
        )

    def _assignments(self, names: tuple[str, ...], cell: str, at: int, line: int) -> tuple[Assignment, ...]:
        """Each department of the cell, pointing at its words (专利局审查部、自动化部: 自动化部 is written short)."""
        out, after = [], at
        for name in names:
            written = (
                name
                if self.raw.find(name, after) >= 0
                else next((name.removeprefix(o) for o in OFFICES if name.startswith(o)), name)
            )
            where = _selector(self.raw, written, line, self.offset, after)
            after = (where.end - self.offset) if where else after
            out.append(Assignment(name, written, "responsible", where=where))
        return tuple(out)

    def finish(self, source: SourceText) -> Document:
        if self.title is None:
            raise SourceError(self.path, "no title line (e.g. 2021 年…任务清单) before the first header row", 1)
        if not self.header_seen:
            raise SourceError(self.path, f"no header row ({' / '.join(HEADER)}) found", 1)
        if not self.tasks:
            raise SourceError(self.path, "no task rows found", len(source.lines))
        last = self.sections[-1]
        if not any(t.section == last.number for t in self.tasks):
            raise self.error(last.line, f"section {last.numeral} has no task", "section")
        return Document(
            key=f"cnipa-tasklist-{self.year}",
            layout=NAME,
            title=self.title,
            year=self.year,
            source_path=source.path,
            sha256=source.sha256,
            sections=tuple(self.sections),
            tasks=tuple(self.tasks),
        )
