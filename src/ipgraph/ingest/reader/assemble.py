"""Putting the reader's parts together: source text → records."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import ipgraph.ingest.reader.clauses as clauses
import ipgraph.ingest.reader.front as front
import ipgraph.ingest.reader.tables as tables
from ipgraph.errors import SourceError
from ipgraph.ingest.formats import SourceText
from ipgraph.ingest.reader.bodies import Region, Registry, unify_short_forms
from ipgraph.ingest.reader.front import LONE_NUMBER, ignored_lines, signature
from ipgraph.ingest.reader.noise import why_noise
from ipgraph.ingest.reader.normalise import Span, lines_with_offsets, normalise_line
from ipgraph.ingest.reader.notice import PUBLISHED, parse_date, read_notice, with_metadata
from ipgraph.ingest.reader.structure import (
    LABELLED,
    MARKERS,
    TERMINATORS,
    Heading,
    TaskUnit,
    Unit,
    closing_clauses,
    groups,
    heading_title,
    inline_tasks,
    paragraphs,
    segment,
)
from ipgraph.ingest.records import (
    Assignment,
    Deadline,
    Document,
    Measure,
    Section,
    Selector,
    TableShape,
    Task,
    Warning,
)

ACTOR = "responsible-bodies"
PUBLISHER = re.compile(r"^(?:印发单位|发布单位|发布机关)：\s*(?P<name>\S+)$")
# A deadline in running text: 2024年底，… / 于2023年11月底前报送….
PROSE_DEADLINE = re.compile(r"(于\d{4}年\d{1,2}月(?:\d{1,2}日|底|末)?前|\d{4}年(?:\d{1,2}月)?(?:底|末)(?=，))")
# An item no longer than this, without a comma, reads as a title rather than a sentence cut by a line break.
TITLE_LIKE = 15
KIND_CLASSES = {
    "annual-plan": "AnnualPlan",
    "plan": "WorkPlan",
    "work-points": "WorkPoints",
    "work-guide": "WorkGuide",
    "task-division": "TaskDivision",
    "notice-only": "IssuingNotice",
}


@dataclass
class Text:
    """The original text and where its lines start, to turn spans into selectors."""

    original: str
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.starts = [offset for _n, _l, offset in lines_with_offsets(self.original)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def selector(self, span: Span) -> Selector:
        start, end = (min(span.origin), max(span.origin) + 1) if span.origin else (0, 0)
        return Selector(self.line(start), start, end, self.original[start:end], self.line(max(start, end - 1)))


def read_document(source: SourceText, registry: Registry | None = None) -> Document:
    """Read any task document into records, or raise SourceError naming the line."""
    registry = registry or Registry.load(Path(source.path).parent / "bodies.toml")
    text = Text(source.text)
    raw = lines_with_offsets(source.text)
    tight = [(n, normalise_line(line, off)) for n, line, off in raw]
    spaced = [(n, normalise_line(line, off, keep_spaces=True)) for n, line, off in raw]
    found = front.find_title(tight)
    signed = signature(tight, found[1] + 1 if found else len(tight))
    before = tight[: found[0]] if found else tight
    notice, used = read_notice(spaced[: len(before)] + [spaced[i] for i in sorted(signed)], text.selector)
    notice = with_metadata(notice, source.metadata)  # a page's metadata block, read by the format reader
    body_start = found[1] + 1 if found else len(tight)
    body_idx = [i for i in range(body_start, len(tight)) if i not in signed]
    if found and found[3] is not None:
        tight.insert(body_start, (tight[found[1]][0], found[3]))
        spaced.insert(body_start, (tight[found[1]][0], found[3]))
        body_idx = [body_start] + [i + 1 for i in body_idx]
        signed = {i + 1 for i in signed}
    if found:
        title_span = found[2]
    elif notice.title:
        title_span = next(s for n, s in tight if n == notice.title_line).strip()
    else:
        raise SourceError(source.path, "no title found (e.g. 2024年…推进计划, …工作方案, …工作要点)", 1)
    title = title_span.text
    excerpt = title.endswith(front.EXCERPT)
    title = title.removesuffix(front.EXCERPT)
    period = front.period_of(title, notice)
    region = front.region_of(title, notice)
    reader = _Reader(source.path, text, registry, region, period[0] if period and period[0] == period[1] else None)
    publisher = notice.issuers[0] if notice.issuers else None
    body: list[tuple[int, Span, Span]] = []
    for i in body_idx:
        number, span = tight[i]
        if m := PUBLISHER.match(span.text.strip()):
            publisher = publisher or m["name"]
        elif (m := PUBLISHED.match(span.text.strip())) and notice.published is None:
            notice = replace(notice, published=parse_date(m["date"]), published_line=number)
        elif why_noise(span.text) in (None, LONE_NUMBER):  # a lone number may be a cell; prose drops it
            body.append((number, span, spaced[i][1]))
    header = tables.find_header([(n, s) for n, _t, s in body])
    cell_per_line = header is not None and header[1] == tables.CELL_PER_LINE
    ignored = ignored_lines(tight, found[0] if found else 0, used, cell_per_line)
    shape = None
    if header:
        index, layout, labels = header
        table = tables.read_table([(n, s) for n, _t, s in body], index, layout, labels)
        reader.table(table)
        shape = TableShape(table.layout, tuple((line, tuple(names)) for line, names in table.headers))
    else:
        reader.prose([(n, s) for n, s, _s in body])
    has_body = bool(body) and bool(reader.sections or reader.tasks or found)
    kind = front.kind_of(title, period, bool(found) and has_body)
    warnings = list(reader.warnings)
    if kind not in ("notice-only", "work-guide") and not reader.tasks:
        warnings.append(Warning("no-tasks", tight[found[0]][0] if found else 1, "no task assignments found"))
    year = period[0] if period else int((notice.issued or "0")[:4])
    return Document(
        key=front.key_of(source.path),
        layout=kind,
        title=title,
        year=year,
        source_path=source.path,
        sha256=source.sha256,
        sections=tuple(reader.sections),
        tasks=tuple(reader.finish_tasks()),
        kind=KIND_CLASSES[kind],
        publisher=publisher,
        notice=replace(notice, addressees=tuple(reader.addressee(a) for a in notice.addressees)),
        period=period,
        warnings=tuple(warnings),
        excerpt=excerpt,
        ignored=ignored,
        title_line=text.line(title_span.start),
        title_end_line=text.line(max(title_span.start, title_span.end - 1)),
        table=shape,
    )


class _Reader:
    """Collects sections and tasks while the structure or the table is walked."""

    def __init__(self, path: str, text: Text, registry: Registry, region: Region, year: int | None):
        self.path, self.text, self.registry, self.region, self.year = path, text, registry, region, year
        self.sections: list[Section] = []
        self.tasks: list[Task] = []
        self.warnings: list[Warning] = []

    def addressee(self, name: str) -> str:
        resolved = self.registry.resolve(name, Region())
        return resolved.name if resolved.known else name

    # --- prose -------------------------------------------------------------------------------
    def prose(self, lines: list[tuple[int, Span]]) -> None:
        counters: dict[str, int] = {}
        events: list[Unit | Span] = []
        for paragraph in paragraphs(lines):
            lead, units = segment(paragraph, counters)
            if lead.text:
                events.append(lead)
            events.extend(units)
        units = [e for e in events if isinstance(e, Unit)]
        as_heading = {id(u) for u, nxt in itertools.pairwise(units) if not _heading_kind(u) and nxt.rank > u.rank}
        stack: list[tuple[int, int]] = []  # (rank, section number)
        for event in events:
            parent = stack[-1][1] if stack else 0
            if isinstance(event, Span):
                self._text(event, parent)
            elif _heading_kind(event) or id(event) in as_heading:
                while stack and stack[-1][0] >= event.rank:
                    stack.pop()
                heading = self._heading(event, stack[-1][1] if stack else None)
                stack.append((event.rank, heading.number))
            else:
                rest, found = closing_clauses(event.body)
                self._task(TaskUnit(event.numeral, rest, found, parent, event.marker + event.body))
        self._cut_short(events)

    def _cut_short(self, events: list[Unit | Span]) -> None:
        """Warn about a last item that stops mid-sentence (a copy cut short); its complete part is kept."""
        if not self.tasks or not events or not isinstance(events[-1], Unit):
            return
        last = self.tasks[-1]
        if not last.assignments and not last.measures[0].text.rstrip().endswith(tuple(TERMINATORS + "）")):
            assert last.where is not None  # every task the reader makes has its selector
            self.warnings.append(Warning("truncated", last.line, last.where.exact))

    def _heading(self, unit: Unit, parent: int | None) -> Heading:
        title, body, run_in = heading_title(unit.body)
        level = next(level for kind, _p, level, _h in MARKERS if kind == unit.kind)
        number = len(self.sections) + 1
        where = self.text.selector(unit.marker + title)
        self.sections.append(Section(number, unit.numeral, title.text, where.line, level, parent, run_in, where))
        heading = Heading(number, level, unit.numeral, title, run_in, parent, unit.marker)
        if body.text:
            for task in inline_tasks(body):
                task.section = number
                self._task(task)
        return heading

    def _text(self, span: Span, parent: int) -> None:
        stripped = span.strip()
        last = self.tasks[-1] if self.tasks else None
        whole = groups(stripped.text)
        is_clause = whole and whole[0] == (0, len(stripped.text.rstrip("。")))
        if last is not None and not last.assignments and (LABELLED.match(stripped.text) or is_clause):
            inner = stripped.strip("。")
            content = inner[1:-1] if is_clause else inner
            if (clause := clauses.parse_clause(content)) is not None:
                self.tasks[-1] = self._with_clauses(last, [(clause, stripped)])
                return
        found = inline_tasks(stripped)
        if found and last is not None and _continues(last, parent, found[0], stripped):
            self.tasks[-1] = self._continued(last, found.pop(0), stripped)
        for task in found:
            task.section = parent
            self._task(task)

    def _continued(self, last: Task, unit: TaskUnit, paragraph: Span) -> Task:
        """A numbered item whose visual line ended with its sentence, continued by the next paragraph."""
        clause_start = unit.clauses[0][1].start
        more = paragraph[: paragraph.origin.index(clause_start)].strip()
        measure = last.measures[0]
        assert measure.where is not None  # every measure the reader makes has its selector
        start, end = measure.where.start, max(measure.where.end, more.end)
        where = Selector(measure.where.line, start, end, self.text.original[start:end], self.text.line(end - 1))
        measure = replace(measure, text=measure.text + more.text, where=where)
        return self._with_clauses(replace(last, measures=(measure,)), unit.clauses)

    # --- tables ------------------------------------------------------------------------------
    def table(self, table: tables.Table) -> None:
        parent = 0
        for row in table.rows:
            if isinstance(row, tuple):
                line, cell = row
                m = re.match(r"^(?P<n>[一二三四五六七八九十]+)、\s*(?P<t>.*)$", cell.text)
                assert m is not None  # tables.SECTION_ROW matched this cell
                where = self.text.selector(cell)
                parent = len(self.sections) + 1
                self.sections.append(Section(parent, m["n"], m["t"].strip(), line, "l1", None, False, where))
                continue
            self._row(row, parent)
        if table.rows and isinstance(last := table.rows[-1], tables.Row) and not last.complete:
            self.warnings.append(Warning("truncated", last.line, " ".join(c.text for c in last.cells.values())))

    def _row(self, row: tables.Row, parent: int) -> None:
        cells = row.cells
        task_cell = cells.get("task") or cells.get("measure")
        found = []
        for role in ("lead", "participant", "responsible"):
            if role in cells and cells[role].text:
                found.append((clauses.cell_bodies(cells[role], role), cells[role]))
        deadline_cell = cells.get("deadline")
        if deadline_cell is not None and deadline_cell.text:
            found.append((clauses.Clause(deadline=deadline_cell), deadline_cell))
        pieces = list(cells.values())
        whole = pieces[0]
        for piece in pieces[1:]:
            whole = whole + piece
        # A table with neither a task nor a measures column: the row's text is the task.
        unit = TaskUnit(cells["number"].text if "number" in cells else None, task_cell or whole, found, parent, whole)
        measure = cells.get("measure") or task_cell
        people = tuple(cells["people"].text.split("、")) if "people" in cells else ()
        output = cells["output"].text if "output" in cells else None
        self._task(unit, measure=measure, people=people, output=output, line=row.line)

    # --- records -----------------------------------------------------------------------------
    def _task(self, unit: TaskUnit, *, measure: Span | None = None, people=(), output=None, line=None) -> None:
        text = (measure or unit.text).strip()
        where = self.text.selector(unit.whole or unit.text)
        line = line or where.line
        number = len(self.tasks) + 1
        title = unit.text.text.split("。", 1)[0].strip() if measure is None else unit.text.text
        task = Task(
            number=number,
            title=title,
            section=unit.section or 0,
            line=line,
            measures=(Measure(1, ACTOR, text.text, line, self.text.selector(text)),),
            bodies=(),
            responsibility="",
            completion="",
            label=unit.label,
            where=replace(where, line=line),
            people=people,
            output=output,
        )
        task = self._with_clauses(task, unit.clauses)
        if task.deadline is None and (m := PROSE_DEADLINE.search(text.text)):
            task = replace(task, deadline=self._deadline(text[m.start(1) : m.end(1)]))
        self.tasks.append(task)

    def _deadline(self, span: Span) -> Deadline:
        due, ongoing, schedule = clauses.due(span.text, self.year)
        return Deadline(span.text, due, ongoing, schedule, self.text.selector(span))

    def _with_clauses(self, task: Task, found) -> Task:
        assignments = list(task.assignments)
        statements = [task.responsibility] if task.responsibility else []
        deadline, open_list, split = task.deadline, task.open_list, task.split_duty
        for clause, span in found:
            carried = ""
            for named in clause.bodies:
                resolved = self.registry.resolve(named.span.text, self.region, carried)
                carried = self.registry.carried_prefix(named.span.text.strip()) or carried
                where = self.text.selector(named.span)
                assignments.append(
                    Assignment(
                        resolved.name,
                        named.span.text,
                        named.role,
                        resolved.generic,
                        resolved.known,
                        resolved.also,
                        where,
                    )
                )
                open_list = open_list or resolved.open_list
                if not resolved.known:
                    self.warnings.append(Warning("unknown-body", where.line, resolved.written))
            if clause.bodies:
                statements.append(span.text.strip("（）。"))
            if clause.deadline is not None and deadline is None:
                deadline = self._deadline(clause.deadline)
            open_list = open_list or clause.open_list
            split = split or clause.split_duty
        assert task.where is not None  # every task the reader makes has its selector
        end = max([task.where.end] + [max(s.origin) + 1 for _c, s in found if s.origin])
        where = replace(
            task.where, end=end, exact=self.text.original[task.where.start : end], end_line=self.text.line(end - 1)
        )
        return replace(
            task,
            assignments=tuple(assignments),
            bodies=tuple(dict.fromkeys(a.name for a in assignments)),
            responsibility="；".join(statements),
            deadline=deadline,
            open_list=open_list,
            split_duty=split,
            where=where,
        )

    def finish_tasks(self) -> list[Task]:
        """The tasks, short names of a body seen in full elsewhere in the document unified."""
        short = unify_short_forms([a.name for t in self.tasks for a in t.assignments])
        if not short:
            return self.tasks
        out = []
        for task in self.tasks:
            assignments = tuple(replace(a, name=short.get(a.name, a.name)) for a in task.assignments)
            out.append(replace(task, assignments=assignments, bodies=tuple(dict.fromkeys(a.name for a in assignments))))
        return out


def _continues(last: Task, parent: int, unit: TaskUnit, paragraph: Span) -> bool:
    """Is this unnumbered paragraph the rest of the numbered item before it? Yes when that item has no
    clause yet and the paragraph's first task starts the paragraph and closes with a parenthesis (a PDF
    copy breaks a line after 。 as anywhere else; the 2021 list's subject-led paragraphs stand alone). An item
    that reads as a title (加强组织领导。) is not continued: the paragraphs under it are its own."""
    text = last.measures[0].text
    return (
        last.label is not None
        and not last.assignments
        and ("，" in text or len(text) > TITLE_LIKE)
        and last.section == parent
        and unit.whole is not None
        and unit.whole.start == paragraph.start
        and bool(unit.clauses)
        and unit.clauses[0][1].text.startswith("（")
    )


def _heading_kind(unit: Unit) -> bool:
    return next(h for kind, _p, _l, h in MARKERS if kind == unit.kind)
