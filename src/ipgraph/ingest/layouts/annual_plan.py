"""Layout "annual-plan": a national annual implementation plan (年度推进计划).

Numbered items grouped under headings, one item per line, each ending with its
responsible bodies in parentheses::

    2022年知识产权强国建设纲要实施推进计划                          title line (year … 计划)
    印发单位：国家知识产权局                                        issuing body (optional)
    一、完善知识产权法律制度                                        heading
    1.推进修订《商标法》《专利法实施细则》。(市场监管总局、农业农村部、知识产权局负责)

Mapping to records (see docs/layouts.md): heading → Section; item → Task whose
title is the item's first sentence and whose one Measure is the whole item text
(without the parenthesis), addressed to the responsible bodies; the bodies are
the names in the last parenthesis, split on 、，；, with 负责 / 牵头 / 参与 /
按职责分工负责 / 等 removed. Plans state no completion time per item: the plan
covers its year, which the completion-time concept ``within-plan-year`` says.
"""

from __future__ import annotations

import re

from ipgraph.errors import SourceError
from ipgraph.ingest.formats import SourceText
from ipgraph.ingest.layouts.cnipa_tasklist import NUMERALS, numeral_text, numeral_value
from ipgraph.ingest.records import Document, Measure, Section, Task

NAME = "annual-plan"
EXPECTS = "a title line ending in 计划 and items such as 1.…。（某部、某局负责）"
KIND = "AnnualPlan"
ACTOR = "responsible-bodies"
COMPLETION = "计划年度内（未单列完成时间）"

TITLE_RE = re.compile(r"^(?P<year>\d{4})\s*年\s*\S.*计划(?:[（(][^（）()]*[）)])?$")
SECTION_RE = re.compile(rf"^(?P<numeral>[{NUMERALS}]+)、\s*(?P<title>\S.*?)。?$")
ITEM_RE = re.compile(r"^(?P<number>\d+)\s*[.．、]\s*(?P<text>\S.*?)\s*[（(](?P<bodies>[^（）()]*)[）)]\s*。?$")
ITEM_START_RE = re.compile(r"^(?P<number>\d+)\s*[.．、]")
BODY_SPLIT = re.compile(r"[、，,；;\s]+")
# Role words after a body name, longest first: 知识产权局牵头 → 知识产权局.
ROLE_SUFFIXES = ("等按职责分工负责", "按职责分工负责", "分别负责", "负责", "牵头", "参与", "配合", "等")
PREAMBLE = ("附件", "附件：", "附件:")
ISSUER_RE = re.compile(r"^(?:印发单位|发布单位|发布机关)[：:]\s*(?P<name>\S+)$")


def detect(text: str) -> bool:
    """A title line ending in 计划 and at least one item ending with a parenthesis of bodies."""
    lines = [line.strip() for line in text.split("\n")[:200]]
    return any(TITLE_RE.match(line) for line in lines) and any(ITEM_RE.match(line) for line in lines)


def split_bodies(statement: str) -> tuple[str, ...]:
    """The body names of a responsibility parenthesis, in order, without role words."""
    names: list[str] = []
    for part in filter(None, BODY_SPLIT.split(statement.strip())):
        name = part
        for suffix in ROLE_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)]
        name = name.removesuffix("等")
        if name and name not in ROLE_SUFFIXES and name not in names:
            names.append(name)
    return tuple(names)


def first_sentence(text: str) -> str:
    """The item's title: its text up to the first 。 (or all of it), without the 。."""
    return text.split("。", 1)[0].strip()


def parse(source: SourceText) -> Document:
    """Parse an annual plan into records, or raise SourceError naming the line."""
    state = _State(source.path)
    for number, raw in enumerate(source.lines, start=1):
        state.feed(number, raw.strip().replace("\u3000", " ").strip())
    return state.finish(source)


class _State:
    """The parser's position: the title, the open heading, the items so far."""

    def __init__(self, path: str):
        self.path = path
        self.title: str | None = None
        self.publisher: str | None = None
        self.year = 0
        self.sections: list[Section] = []
        self.tasks: list[Task] = []

    def error(self, line: int, message: str, field: str | None = None) -> SourceError:
        return SourceError(self.path, message, line, field)

    def feed(self, line: int, text: str) -> None:
        if not text:
            return
        if self.title is None:
            self.preamble(line, text)
        elif (m := ISSUER_RE.match(text)) and not self.sections and self.publisher is None:
            self.publisher = m["name"]
        elif m := SECTION_RE.match(text):
            self.section(line, m)
        elif m := ITEM_RE.match(text):
            self.item(line, m)
        elif m := ITEM_START_RE.match(text):
            raise self.error(
                line,
                f"item {m['number']}: no responsible bodies in parentheses at the end of the line, "
                "e.g. （市场监管总局、知识产权局负责）",
                "responsible bodies",
            )
        else:
            raise self.error(
                line,
                "expected a heading (一、…) or a numbered item ending with its responsible bodies "
                f"(1.…（…负责）), one per line; found {text[:30]!r}",
            )

    def preamble(self, line: int, text: str) -> None:
        if text in PREAMBLE:
            return
        m = TITLE_RE.match(text)
        if not m:
            raise self.error(
                line, f"expected the title line (e.g. 2022年…推进计划) before any heading; found {text[:30]!r}"
            )
        self.year, self.title = int(m["year"]), text

    def section(self, line: int, m: re.Match[str]) -> None:
        number = numeral_value(m["numeral"])
        expected = len(self.sections) + 1
        if number != expected:
            raise self.error(
                line, f"heading {m['numeral']} is out of order; expected {numeral_text(expected)}、", "heading"
            )
        self._check_last_section_has_items()
        self.sections.append(Section(number, m["numeral"], m["title"].strip(), line))

    def _check_last_section_has_items(self) -> None:
        if self.sections and not any(t.section == len(self.sections) for t in self.tasks):
            last = self.sections[-1]
            raise self.error(last.line, f"heading {last.numeral} has no item", "heading")

    def item(self, line: int, m: re.Match[str]) -> None:
        number = int(m["number"])
        if not self.sections:
            raise self.error(line, f"item {number} comes before any heading", "heading")
        if number != len(self.tasks) + 1:
            raise self.error(line, f"item {number} is out of order; expected item {len(self.tasks) + 1}", "item")
        statement = m["bodies"].strip()
        bodies = split_bodies(statement)
        if not bodies:
            raise self.error(line, f"item {number}: no body named in ({statement})", "responsible bodies")
        text = m["text"].strip()
        self.tasks.append(
            Task(
                number=number,
                title=first_sentence(text),
                section=len(self.sections),
                line=line,
                measures=(Measure(1, ACTOR, text, line),),
                bodies=bodies,
                responsibility=statement,
                completion=COMPLETION,
            )
        )

    def finish(self, source: SourceText) -> Document:
        if self.title is None:
            raise SourceError(self.path, "no title line (e.g. 2022年…推进计划)", 1)
        if not self.tasks:
            raise SourceError(self.path, "no numbered items found", len(source.lines))
        self._check_last_section_has_items()
        return Document(
            key=f"{NAME}-{self.year}",
            layout=NAME,
            title=self.title,
            year=self.year,
            source_path=source.path,
            sha256=source.sha256,
            sections=tuple(self.sections),
            tasks=tuple(self.tasks),
            kind=KIND,
            publisher=self.publisher,
        )
