"""Structure: paragraphs → a heading tree of any depth and the units that become tasks.

Markers are rows of ``MARKERS`` (第一章, 第一节, 一、, （一）, 1., （1）), ranked from the
outermost. A marker opens a segment at the start of a paragraph, or inside one after a
closing 。；） or a heading's own text, when its number continues (or restarts) the
numbering of its kind. A numbered item with deeper numbered children is a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ipgraph.ingest.reader.clauses import Clause, groups, parse_clause, subject_clause
from ipgraph.ingest.reader.noise import why_noise
from ipgraph.ingest.reader.normalise import Span

CN = "一二三四五六七八九十"
# kind, pattern at the segment's start, level name, whether it is a heading kind.
MARKERS = (
    ("chapter", re.compile(rf"第(?P<n>[{CN}]+)章\s*"), "chapter", True),
    ("section", re.compile(rf"第(?P<n>[{CN}]+)节\s*"), "section", True),
    ("cn", re.compile(rf"(?P<n>[{CN}]+)(?:、\s*| +)(?!是)"), "l1", True),
    ("paren_cn", re.compile(rf"（(?P<n>[{CN}]+)）\s*"), "l2", True),
    ("arabic", re.compile(r"(?P<n>\d{1,3}) ?[.、](?!\d)\s*"), "l3", False),
    ("paren_arabic", re.compile(r"（(?P<n>\d{1,3})）\s*"), "l4", False),
)
RANK = {kind: rank for rank, (kind, *_rest) in enumerate(MARKERS)}
LEVEL = {kind: level for kind, _p, level, _h in MARKERS}
BOUNDARY = "。；）"
LABELLED = re.compile(r"^(责任单位|责任部门|牵头单位)：")
# How a marker's numeral is displayed (the path of a task, a section's skos:notation).
NUMERAL_FORMS = {"chapter": "第{}章", "section": "第{}节", "paren_cn": "（{}）", "paren_arabic": "（{}）"}
TERMINATORS = "。；：！？"


def cn_value(numeral: str) -> int:
    if "十" not in numeral:
        return CN.index(numeral) + 1 if len(numeral) == 1 else 0
    tens, _, units = numeral.partition("十")
    return (CN.index(tens) + 1 if tens else 1) * 10 + (CN.index(units) + 1 if units else 0)


@dataclass
class Unit:
    kind: str
    numeral: str  # as it is displayed: 一, （一）, 1, （1）
    marker: Span
    body: Span

    @property
    def rank(self) -> int:
        return RANK[self.kind]


@dataclass
class Heading:
    number: int
    level: str
    numeral: str
    title: Span
    run_in: bool
    parent: int | None
    marker: Span


@dataclass
class TaskUnit:
    label: str | None
    text: Span  # the task's text without its clauses
    clauses: list[tuple[Clause, Span]] = field(default_factory=list)  # (clause, the parenthesis as written)
    section: int | None = None
    whole: Span | None = None  # all its characters, clauses included


def _value(kind: str, numeral: str) -> int:
    return int(numeral) if numeral.isdigit() else cn_value(numeral)


def segment(paragraph: Span, counters: dict[str, int]) -> tuple[Span, list[Unit]]:
    """Split a paragraph at its markers: (text before the first marker, units)."""
    text = paragraph.text
    starts: list[tuple[int, int, str, str]] = []
    open_heading = False
    i = 0
    while i < len(text):
        before = text[:i].rstrip()
        at_start = not before
        allowed = at_start or before[-1] in BOUNDARY or (open_heading and "。" not in text[starts[-1][1] : i])
        found = None
        if allowed:
            for kind, pattern, _level, heading in MARKERS:
                m = pattern.match(text, i)
                if not m:
                    continue
                value = _value(kind, m["n"])
                if not at_start and value not in (counters.get(kind, 0) + 1, 1):
                    continue
                found = (kind, m, heading, value)
                break
        if found:
            kind, m, heading, value = found
            counters[kind] = value
            starts.append((i, m.end(), kind, m["n"]))
            open_heading = heading
            i = m.end()
        else:
            i += 1
    units = []
    for index, (start, body_start, kind, n) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        numeral = NUMERAL_FORMS.get(kind, "{}").format(n)
        units.append(Unit(kind, numeral, paragraph[start:body_start], paragraph[body_start:end].strip()))
    lead = paragraph[: starts[0][0]] if starts else paragraph
    return lead.strip(), units


def closing_clauses(text: Span) -> tuple[Span, list[tuple[Clause, Span]]]:
    """Strip the clauses that close an item: its text without them, and the clauses in order."""
    found: list[tuple[Clause, Span]] = []
    rest = text.strip()
    while True:
        trimmed = rest.strip().rstrip("。；")
        if not trimmed.text.endswith("）"):
            break
        group = next((g for g in groups(trimmed.text) if g[1] == len(trimmed.text)), None)
        if group is None:
            break
        clause = parse_clause(trimmed[group[0] + 1 : group[1] - 1])
        if clause is None:
            break
        found.insert(0, (clause, trimmed[group[0] : group[1]]))
        rest = trimmed[: group[0]]
    return rest.strip(), found


def inline_tasks(body: Span) -> list[TaskUnit]:
    """Tasks inside running text, each closed by its own clause (the clause may stand mid-paragraph)."""
    tasks: list[TaskUnit] = []
    start = 0
    for g0, g1 in groups(body.text):
        clause = parse_clause(body[g0 + 1 : g1 - 1])
        if clause is None or not clause.bodies:
            continue
        chunk = body[start:g0]
        cut = chunk.text.rstrip("。；").rfind("。")
        if cut >= 0:
            chunk = chunk[cut + 1 :]
        chunk = chunk.strip().lstrip("；。 ")
        end = g1 + (1 if g1 < len(body.text) and body.text[g1] in "。；" else 0)
        if chunk.text:
            tasks.append(TaskUnit(None, chunk, [(clause, body[g0:g1])], whole=body[start:end].strip().lstrip("；。 ")))
        start = end
    if not tasks and (subject := subject_clause(body)):
        clause, text = subject
        tasks.append(TaskUnit(None, text, [(clause, body[: len(body) - len(text)] or text)], whole=body))
    return tasks


def heading_title(body: Span) -> tuple[Span, Span, bool]:
    """(title, the body that follows it on the line, run-in?)"""
    stop = body.text.find("。")
    if stop >= 0 and body.text[stop + 1 :].strip():
        return body[:stop].strip(), body[stop + 1 :].strip(), True
    return body.strip().rstrip("。"), body[len(body) :], False


def starts_marker(text: str) -> bool:
    return any(p.match(text) for _k, p, _l, _h in MARKERS) or bool(LABELLED.match(text))


def paragraphs(lines: list[tuple[int, Span]]) -> list[Span]:
    """Join the lines of a paragraph that PDF extraction or wrapping broke."""
    out: list[Span] = []
    heading_line = False
    for _number, span in lines:
        text = span.text.strip()
        if not text or why_noise(text):
            continue
        span = span.strip()
        whole_clause = groups(text) == [(0, len(text))] or groups(text.rstrip("。")) == [(0, len(text.rstrip("。")))]
        if out and not heading_line and (whole_clause and parse_clause(span[1:-1]) is not None):
            out[-1] = out[-1] + span
            continue
        if (
            out
            and not heading_line
            and not out[-1].text.endswith(tuple(TERMINATORS + "）"))
            and not starts_marker(text)
        ):
            out[-1] = out[-1] + span
            continue
        out.append(span)
        heading_line = any(p.match(text) for _k, p, _l, h in MARKERS if h) and not text.endswith(tuple(TERMINATORS))
    return out
