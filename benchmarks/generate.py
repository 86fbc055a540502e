"""Synthetic task lists with the real shape, as source text in the ``cnipa-tasklist`` layout.

Everything is drawn from the bundled 2021 list, so that the parser, the builder and
the vocabularies see what they see in real documents:

- tasks per section, measures per task, the addressee sequence of a task's measures,
  departments per task and completion times follow the 2021 counts;
- section and task titles are real titles; measure texts are real sentences
  re-combined to the real paragraph lengths (so references such as 《专利审查指南》
  and RCEP are found as often as in the source);
- departments are the real department names, written the way 责任部门 cells write
  them (office-prefixed units in their own comma group).

Document ``i`` is a task list for year ``BASE_YEAR + i`` (the parser takes the
document key from the year on the title line). Output is deterministic by seed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ipgraph import paths
from ipgraph.ingest.layouts import cnipa_tasklist as layout
from ipgraph.ingest.parse import parse_file
from ipgraph.ingest.records import Document

BASE_YEAR = 2021
HEADER_ROW = "\t".join(layout.HEADER)
ACTOR_PREFIX = {
    "cnipa": "国家知识产权局：",
    "all-regions": "各地区",
    "qualified-regions": "有条件的地区",
    "relevant-regions": "有关地区",
}
SENTENCE_RE = re.compile(r"[^。]+。")
REGIONS = ("北京市", "上海市", "江苏省", "浙江省", "广东省", "四川省", "湖北省", "山东省", "陕西省", "福建省")


def real_source() -> Path:
    return paths.SOURCES_DIR / "cnipa-2021-ip-high-quality-development-task-list.txt"


@dataclass(frozen=True)
class Model:
    """The empirical distributions of one real document."""

    doc: Document

    @cached_property
    def tasks_per_section(self) -> list[int]:
        return [sum(t.section == s.number for t in self.doc.tasks) for s in self.doc.sections]

    @cached_property
    def actor_sequences(self) -> list[tuple[str, ...]]:
        return [tuple(m.actor for m in t.measures) for t in self.doc.tasks]

    @cached_property
    def bodies_per_task(self) -> list[int]:
        return [len(t.bodies) for t in self.doc.tasks]

    @cached_property
    def body_names(self) -> list[str]:
        return sorted({name for t in self.doc.tasks for name in t.bodies})

    @cached_property
    def completions(self) -> list[str]:
        return [t.completion for t in self.doc.tasks]

    @cached_property
    def text_lengths(self) -> list[int]:
        return [len(m.text) for t in self.doc.tasks for m in t.measures]

    @cached_property
    def sentences(self) -> list[str]:
        """Measure sentences with their addressee opening removed."""
        out = []
        for task in self.doc.tasks:
            for measure in task.measures:
                body = measure.text.removeprefix(ACTOR_PREFIX[measure.actor])
                out += [s.strip().removeprefix("要") for s in SENTENCE_RE.findall(body) if s.strip()]
        return out

    @cached_property
    def section_titles(self) -> list[str]:
        return [s.title for s in self.doc.sections]

    @cached_property
    def task_titles(self) -> list[str]:
        return [t.title for t in self.doc.tasks]


def load_model() -> Model:
    return Model(parse_file(real_source()))


def responsibility_cell(names: list[str]) -> str:
    """Write department names as a 责任部门 cell that parses back to the same names."""
    offices = [n for n in names if n.startswith(layout.OFFICES)]
    plain = [n for n in names if not n.startswith(layout.OFFICES)]
    groups = ["、".join(plain)] if plain else []
    return "，".join(groups + offices)


class DocumentWriter:
    """Writes one synthetic document; all randomness comes from one seeded generator."""

    def __init__(self, model: Model, rng: random.Random):
        self.model = model
        self.rng = rng

    def measure(self, actor: str) -> str:
        target = self.rng.choice(self.model.text_lengths)
        text = ACTOR_PREFIX[actor]
        if actor != "cnipa":
            text += "要"
        while len(text) < target:
            text += self.rng.choice(self.model.sentences)
        return f"<p>{text}</p>"

    def task_row(self, number: int) -> str:
        rng, model = self.rng, self.model
        measures = " ".join(self.measure(actor) for actor in rng.choice(model.actor_sequences))
        names = rng.sample(model.body_names, min(rng.choice(model.bodies_per_task), len(model.body_names)))
        title = rng.choice(model.task_titles)
        return "\t".join((f"{number}. {title}", measures, responsibility_cell(names), rng.choice(model.completions)))

    def text(self, index: int) -> str:
        year = BASE_YEAR + index
        region = REGIONS[index % len(REGIONS)]
        lines = ["附件", "", f"{year} 年{region}推动知识产权高质量发展任务清单", ""]
        task = 0
        titles = self.rng.sample(self.model.section_titles, len(self.model.section_titles))
        for number, title in enumerate(titles, start=1):
            lines += [HEADER_ROW, f"{layout.NUMERALS[number - 1]}、{title}\t\t\t"]
            for _ in range(self.rng.choice(self.model.tasks_per_section)):
                task += 1
                lines.append(self.task_row(task))
            lines.append("")
        return "\n".join(lines)


def documents(count: int, seed: int = 0, model: Model | None = None) -> list[str]:
    """``count`` synthetic source texts, the same ones for the same seed."""
    model = model or load_model()
    rng = random.Random(seed)
    writer = DocumentWriter(model, rng)
    return [writer.text(i) for i in range(count)]


def write_documents(folder: Path, count: int, seed: int = 0) -> list[Path]:
    """Write ``count`` synthetic sources into ``folder`` (replacing what was there)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("tasklist-*.txt"):
        old.unlink()
    written = []
    for index, text in enumerate(documents(count, seed)):
        path = folder / f"tasklist-{BASE_YEAR + index}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
