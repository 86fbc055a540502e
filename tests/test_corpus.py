"""The test corpus (tests/corpus/): each document read as its .expected.toml says.

Every document reproduces layout features of real published documents (with sentences
of our own); the expected reading beside it is written by hand from its text.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from ipgraph.ingest.parse import parse_file
from ipgraph.ingest.reader.noise import NOISE
from ipgraph.ingest.reader.normalise import normalise_line
from ipgraph.ingest.records import Document, Task

CORPUS = Path(__file__).parent / "corpus"
# Lines a document's expected reading does not list because they belong to nothing the reader keeps.
PRE_TITLE_ALLOWED: dict[str, set[int]] = {}
EXPECTED = sorted(CORPUS.glob("*.expected.toml"))
NOTICE_FIELDS = (
    "doc_number",
    "doc_number_line",
    "addressees",
    "addressees_line",
    "issuers",
    "issuers_line",
    "sealed_by",
    "issued",
    "issued_line",
    "published",
    "published_line",
)


def _expected(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=EXPECTED, ids=lambda p: p.name.removesuffix(".expected.toml"))
def case(request) -> tuple[dict, Document]:
    expected = _expected(request.param)
    return expected, parse_file(CORPUS / expected["file"])


def _period(value) -> tuple[int, int] | None:
    if value is None:
        return None
    return (value, value) if isinstance(value, int) else tuple(value)


def test_document(case):
    expected, doc = case
    assert doc.title == expected["title"]
    assert doc.title_line == expected["title_line"]
    assert doc.title_end_line == expected.get("title_end_line", expected["title_line"])
    assert doc.layout == expected["kind"]
    assert doc.period == _period(expected.get("period"))
    assert doc.excerpt == expected.get("excerpt", False)


def test_notice(case):
    expected, doc = case
    notice = doc.notice
    for name in NOTICE_FIELDS:
        if name in expected:
            assert getattr(notice, name) == (tuple(v) if isinstance(v := expected[name], list) else v), name
    if "notice_title" in expected and expected["kind"] != "notice-only":
        assert (notice.title, notice.title_line) == (expected["notice_title"], expected["notice_title_line"])
    if "metadata" in expected:
        block = dict(expected["metadata"])
        del block["layout"]  # how the block is printed: a description; its lines say where it is
        lines = block.pop("lines", []) + [n for a, b in block.pop("blocks", []) for n in range(a, b + 1)]
        assert dict(notice.metadata) == block
        assert list(notice.metadata_lines) == lines
    if "markers" in expected:
        assert list(notice.markers) == [(m["text"], m["line"]) for m in expected["markers"]]
    if "attachments" in expected:
        assert list(notice.attachments) == [(a["title"], a["line"]) for a in expected["attachments"]]
    if "reply_by" in expected:
        reply = expected["reply_by"]
        assert (notice.reply_by.text, notice.reply_by.due, notice.reply_by.where.line) == (
            reply["text"],
            reply["date"],
            reply["line"],
        )


def test_table(case):
    """The task table's layout and header rows; a header that repeats after a page break is listed in
    ``repeated_headers`` only where its labels differ from the first header's."""
    expected, doc = case
    want = expected.get("table")
    if want is None:
        assert doc.table is None
        return
    assert doc.table is not None
    assert doc.table.layout == want["layout"]
    assert [line for line, _labels in doc.table.headers] == want["header_lines"]
    first, *repeats = [list(labels) for _line, labels in doc.table.headers]
    assert first == want["columns"]
    assert repeats == want.get("repeated_headers", [want["columns"]] * (len(want["header_lines"]) - 1))


def test_headings(case):
    expected, doc = case
    got = [(s.level, s.numeral, s.title, s.line) for s in doc.sections]
    assert got == [(h["level"], h["numeral"], h["title"], h["line"]) for h in expected.get("headings", [])]
    for section, heading in zip(doc.sections, expected.get("headings", []), strict=False):
        assert section.run_in == heading.get("run_in", False), section.title


def _path(doc: Document, task: Task) -> list[str]:
    by_number = {s.number: s for s in doc.sections}
    path, number = [], task.section or None
    while number:
        path.insert(0, by_number[number].numeral)
        number = by_number[number].parent
    return path


def _task_facts(doc: Document, task: Task, want: dict) -> dict:
    got = {
        "n": task.label,
        "path": _path(doc, task),
        "line": task.line,
        "bodies": [
            {
                "name": a.name,
                "role": a.role,
                "written": a.written,
                "generic": a.generic,
                "unknown": not a.known,
                "also": a.also,
            }
            for a in task.assignments
        ],
        "open": task.open_list,
        "split": task.split_duty,
    }
    text = task.measures[0].text
    got["starts"] = want["starts"] if text.startswith(want["starts"]) or task.title.startswith(want["starts"]) else text
    if "end_line" in want:
        got["end_line"] = task.where.end_line
    deadline = task.deadline
    for key, value in (
        ("deadline", deadline and deadline.text),
        ("due", deadline and deadline.due),
        ("ongoing", bool(deadline and deadline.ongoing)),
        ("schedule", list(deadline.schedule) if deadline else []),
        ("people", list(task.people)),
        ("output", task.output),
    ):
        if key in want or value:
            got[key] = value
    if "measure" in want:
        got["measure"] = want["measure"] if text.startswith(want["measure"]) else text
    if "bullets" in want:
        got["bullets"] = sum(text.count(c) for c in "①②③④⑤⑥⑦⑧⑨") or sum(
            text.count(f"{n}是") for n in "一二三四五六七八九"
        )
    return got


def _want(want: dict) -> dict:
    out = {k: v for k, v in want.items() if k not in ("label",)}
    out.setdefault("n", None)
    out["bodies"] = [
        {
            "name": b["name"],
            "role": b["role"],
            "written": b.get("written", b["name"]),
            "generic": b.get("generic", False),
            "unknown": b.get("unknown", False),
            "also": b.get("also"),
        }
        for b in want["bodies"]
    ]
    return out


def test_tasks(case):
    expected, doc = case
    wanted = expected.get("tasks", [])
    assert len(doc.tasks) == len(wanted), [t.title[:12] for t in doc.tasks]
    for task, want in zip(doc.tasks, wanted, strict=True):
        assert _task_facts(doc, task, want) == _want(want)


def test_ignored_lines(case):
    expected, doc = case
    got = dict(doc.ignored)
    for item in expected.get("ignored", []):
        if item["why"] in {why for _pattern, why in NOISE}:
            assert got.get(item["line"]) == item["why"], item
        else:
            assert got.get(item["line"]) == "before the title", item
    assert set(got) <= {i["line"] for i in expected.get("ignored", [])} | PRE_TITLE_ALLOWED.get(expected["file"], set())


def test_warnings(case):
    expected, doc = case
    assert [(w.kind, w.line, w.text) for w in doc.warnings] == [
        (w["kind"], w["line"], w["text"]) for w in expected.get("warnings", [])
    ]


def test_variants_read_as_their_original():
    for path in EXPECTED:
        expected = _expected(path)
        if "variant_of" not in expected:
            continue
        original = parse_file(CORPUS / expected["variant_of"])
        variant = parse_file(CORPUS / expected["file"])
        assert variant.tasks == original.tasks or [(t.title, t.bodies, t.line) for t in variant.tasks] == [
            (t.title, t.bodies, t.line) for t in original.tasks
        ]
        assert variant.sections == original.sections or [(s.title, s.line) for s in variant.sections] == [
            (s.title, s.line) for s in original.sections
        ]


def _plain(text: str) -> str:
    """Characters as the reader compares them: normalised, without line breaks and spaces."""
    return normalise_line(re.sub(r"\s+", "", text), 0).text


def _in_order(part: str, whole: str) -> bool:
    rest = iter(whole)
    return all(ch in rest for ch in part)


def test_selectors_point_at_the_original_characters(case):
    expected, doc = case
    original = (CORPUS / expected["file"]).read_text(encoding="utf-8")
    for task in doc.tasks:
        pointers = [task.where, task.measures[0].where, *(a.where for a in task.assignments)]
        if task.deadline:
            pointers.append(task.deadline.where)
        for where in pointers:
            assert original[where.start : where.end] == where.exact
            assert original.count("\n", 0, where.start) + 1 == where.line
            assert original.count("\n", 0, where.end - 1) + 1 == where.end_line
        for assignment in task.assignments:
            # a cell wrapped onto the next line spans the cells between its pieces
            assert _in_order(_plain(assignment.written), _plain(assignment.where.exact))
        if task.deadline:
            assert _plain(task.deadline.where.exact) == _plain(task.deadline.text)
        assert _plain(task.measures[0].where.exact).startswith(_plain(task.measures[0].text)[:4])


COVERAGE_REF = re.compile(r"`(?P<file>[a-z0-9-]+\.txt):(?P<first>\d+)(?:-(?P<last>\d+))?`")


def _coverage_rows() -> list[str]:
    """The rows of the coverage tables in docs/layouts.md (feature → rule → corpus lines)."""
    text = (Path(__file__).parents[1] / "docs" / "layouts.md").read_text(encoding="utf-8")
    section = text.split("## Coverage of the catalogue", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| feature")]


def test_the_coverage_table_names_corpus_lines_that_exist():
    rows = _coverage_rows()
    assert len(rows) > 100
    named = set()
    for row in rows:
        refs = list(COVERAGE_REF.finditer(row.rsplit(" | ", 1)[1]))
        assert refs, row
        for ref in refs:
            lines = (CORPUS / ref["file"]).read_text(encoding="utf-8").split("\n")
            first, last = int(ref["first"]), int(ref["last"] or ref["first"])
            assert 1 <= first <= last <= len(lines) and lines[first - 1].strip(), ref.group(0)
            named.add(ref["file"])
    assert named == {p.name for p in CORPUS.glob("*.txt")}


def test_a_prose_copy_cut_short_keeps_its_items_and_warns_about_the_last(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_text(
        "2024年知识产权强国建设推进计划\n一、完善制度\n1.推进修订某法。（国家知识产权局负责）\n2.研究制定某某办法，开展\n",
        encoding="utf-8",
    )
    doc = parse_file(path)
    assert [(t.label, t.bodies) for t in doc.tasks] == [("1", ("国家知识产权局",)), ("2", ())]
    assert [(w.kind, w.line, w.text) for w in doc.warnings] == [("truncated", 4, "2.研究制定某某办法，开展")]
