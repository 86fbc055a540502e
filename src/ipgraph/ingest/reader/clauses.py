"""Responsibility clauses and deadlines: what a parenthesis, a table cell or a sentence's subject says.

Each form of the catalogue is a row of a table below, not code: role words (牵头 → lead,
参与 / 配合 → participant), labels (责任单位：), split duty (按职责分工负责), open lists
(等部门), deadline phrases, and the subjects that open a sentence (知识产权部门要…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ipgraph.ingest.reader.normalise import Span

# Role words at the end of a list of bodies, longest first; the role they give.
ROLE_WORDS = (
    ("牵头负责", "lead"),
    ("牵头", "lead"),
    ("参与", "participant"),
    ("配合", "participant"),
    ("协助", "participant"),
    ("负责", "responsible"),
)
# Labels in front of a list of bodies, and the role they give.
LABELS = (
    ("责任单位：", "responsible"),
    ("责任部门：", "responsible"),
    ("牵头单位：", "lead"),
    ("配合单位：", "participant"),
)
SPLIT_DUTY = re.compile(r"(按职责分工分别|按职责分工|按职责分别|分别)$")
OPEN_LIST = re.compile(r"(等部门|等单位|等)$")
NAME_SEPARATORS = "、"
PART_SEPARATORS = "，；"
DEADLINE = re.compile(r"(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:年?底|末|上半年|下半年)?前?(?:完成)?(?:并持续推进)?")
ONGOING = re.compile(r"持续推进|持续开展|长期坚持|每年")
SCHEDULE_DATE = re.compile(r"(\d{1,2}月(?:上旬|中旬|下旬|底|末)?)，")
# Subjects that open a sentence and name who does it (the 2021 list's style 各地区要…).
SUBJECTS = re.compile(
    r"^(?P<name>各地区|各地|有条件的地区|有关地区|[\u4e00-\u9fff]{2,10}?部门)(?=要)|^(?P<label>国家知识产权局)："
)
PROSE_LEAD = re.compile(r"^(?P<name>[^，。；（）]{2,20}?)牵头负责")
TOGETHER_WITH = re.compile(r"会同(?P<names>[^，。；做]+?)(?=做好|开展|推进|加强|共同|，|。|$)")


@dataclass(frozen=True)
class Named:
    """A body as written in a clause, with its role."""

    span: Span
    role: str


@dataclass(frozen=True)
class Clause:
    bodies: tuple[Named, ...] = ()
    open_list: bool = False
    split_duty: bool = False
    deadline: Span | None = None


def groups(text: str, opening: str = "（", closing: str = "）") -> list[tuple[int, int]]:
    """(start, end) of each top-level balanced parenthesis; an unbalanced opening is ignored."""
    out, depth, start = [], 0, -1
    for i, ch in enumerate(text):
        if ch == opening:
            if depth == 0:
                start = i
            depth += 1
        elif ch == closing and depth:
            depth -= 1
            if depth == 0:
                out.append((start, i + 1))
    return out


def _split_top(span: Span, separators: str) -> list[Span]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(span.text):
        depth += ch == "（"
        depth -= ch == "）" and depth > 0
        if ch in separators and depth == 0:
            parts.append(span[start:i])
            start = i + 1
    parts.append(span[start:])
    return [p.strip() for p in parts if p.strip().text]


def is_deadline(text: str) -> bool:
    text = text.strip()
    if ONGOING.fullmatch(text) or text in ("每年持续开展", "持续推进"):
        return True
    return bool(text) and bool(DEADLINE.fullmatch(text)) and any(ch.isdigit() for ch in text)


def _role_of(text: str) -> tuple[str, str] | None:
    for word, role in ROLE_WORDS:
        if text.endswith(word):
            return text[: -len(word)], role
    return None


def parse_clause(content: Span) -> Clause | None:
    """The clause inside a parenthesis (without the parentheses), or None if it is not one."""
    text = content.text
    label_role = next((role for label, role in LABELS if text.startswith(label)), None)
    if label_role:
        content = content[text.index("：") + 1 :]
    bodies: list[Named] = []
    open_list = split = False
    deadline: Span | None = None
    for part in _split_top(content, PART_SEPARATORS):
        if is_deadline(part.text):
            deadline = part
            continue
        role_split = _role_of(part.text)
        if role_split is None and not label_role:
            return None
        body_text, role = role_split if role_split else (part.text, label_role or "responsible")
        names = part[: len(body_text)]
        if m := SPLIT_DUTY.search(names.text):
            split, names = True, names[: m.start()]
        if m := OPEN_LIST.search(names.text):
            open_list, names = True, names[: m.start()]
        for name in _split_top(names, NAME_SEPARATORS):
            bodies.append(Named(name, role))
    if not bodies and deadline is None:
        return None
    if not label_role and bodies and not any(_role_of(p.text) for p in _split_top(content, PART_SEPARATORS)):
        return None
    return Clause(tuple(bodies), open_list, split, deadline)


def cell_bodies(cell: Span, role: str) -> Clause:
    """A table cell of bodies in one role (牵头单位, 配合单位, 责任单位 …)."""
    parsed = parse_clause(cell) if _role_of(cell.text) else None
    if parsed is not None:
        return parsed
    names = cell
    split = open_list = False
    if m := SPLIT_DUTY.search(names.text):
        split, names = True, names[: m.start()]
    if m := OPEN_LIST.search(names.text):
        open_list, names = True, names[: m.start()]
    spans = [n for part in _split_top(names, PART_SEPARATORS) for n in _split_top(part, NAME_SEPARATORS)]
    return Clause(tuple(Named(s, role) for s in spans), open_list, split)


def subject_clause(text: Span) -> tuple[Clause, Span] | None:
    """A sentence whose subject names who does it: the clause, and the text the task starts with."""
    if m := SUBJECTS.match(text.text):
        if m["label"]:
            return Clause((Named(text[: m.end("label")], "responsible"),)), text[m.end() :]
        return Clause((Named(text[: m.end("name")], "responsible"),)), text
    if m := PROSE_LEAD.match(text.text):
        bodies = [Named(text[m.start("name") : m.end("name")], "lead")]
        if w := TOGETHER_WITH.search(text.text):
            names = text[w.start("names") : w.end("names")]
            bodies += [Named(n, "participant") for n in _split_top(names, NAME_SEPARATORS)]
        return Clause(tuple(bodies)), text
    return None


def due(text: str, year: int | None) -> tuple[str | None, bool, tuple[str, ...]]:
    """(the date it states, ongoing?, schedule) for a deadline as written; no date it does not state."""
    ongoing = bool(ONGOING.search(text))
    schedule = tuple(SCHEDULE_DATE.findall(text + "，")) if text.count("；") >= 1 else ()
    if len(schedule) >= 2:
        return None, ongoing, schedule
    if m := re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text):
        return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", ongoing, ()
    if m := re.search(r"(\d{4})年(\d{1,2})月", text):
        return f"{m[1]}-{int(m[2]):02d}", ongoing, ()
    if m := re.search(r"(\d{4})年(?:底|末)", text):
        return f"{m[1]}-12", ongoing, ()
    if m := re.fullmatch(r"(\d{4})年(?:前|内)?(?:完成)?", text):
        return m[1], ongoing, ()
    if year and re.match(r"^年底前", text):
        return f"{year}-12", ongoing, ()
    return None, ongoing, ()
