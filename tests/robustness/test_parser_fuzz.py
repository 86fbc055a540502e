"""Property-based fuzzing of the parser: mutated copies of the real source never produce a traceback.

Each example applies one to three random mutations (deleted, duplicated or swapped
lines, shuffled columns, broken ``<p>`` tags, full-/half-width swaps, inserted text,
huge lines, other encodings, BOM, CRLF, truncation, stray bytes) and checks that the
result is either a consistent graph or a SourceError naming the line.
"""

from __future__ import annotations

import codecs
import re

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ipgraph import paths
from ipgraph.errors import SourceError
from ipgraph.graph.build import build_graph, to_turtle
from ipgraph.ingest.formats import read_source
from ipgraph.ingest.parse import parse_file
from ipgraph.ingest.records import Document

SOURCE_TEXT = (paths.SOURCES_DIR / "cnipa-2021-ip-high-quality-development-task-list.txt").read_text(encoding="utf-8")
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
WIDTH_SWAPS = {".": "．", "．": ".", ":": "：", "：": ":", " ": "\u3000", "\u3000": " ", "、": ",", "1": "１"}
BROKEN_TAGS = ("<p", "p>", "</p", "<P>", "</P>", "", "<p><p>", "</p></p>", "< p>")


@st.composite
def text_mutation(draw, text: str) -> str:
    lines = text.split("\n")
    kind = draw(st.sampled_from(("delete", "duplicate", "swap", "columns", "tag", "width", "insert", "huge")))
    i = draw(st.integers(0, len(lines) - 1))
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "swap":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "columns":
        lines[i] = "\t".join(draw(st.permutations(lines[i].split("\t"))))
    elif kind == "tag":
        tags = [m.start() for m in re.finditer(r"</?p>", text)]
        at = draw(st.sampled_from(tags))
        tag = re.match(r"</?p>", text[at:]).group()
        return text[:at] + draw(st.sampled_from(BROKEN_TAGS)) + text[at + len(tag) :]
    elif kind == "width":
        spots = [k for k, ch in enumerate(text) if ch in WIDTH_SWAPS]
        at = draw(st.sampled_from(spots))
        return text[:at] + WIDTH_SWAPS[text[at]] + text[at + 1 :]
    elif kind == "insert":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.text(max_size=40)) + text[at:]
    else:
        filler = draw(st.sampled_from(("知", "a", "<p>", "\t", " ", "国家知识产权局：")))
        lines[i] = lines[i] + filler * draw(st.integers(10_000, 120_000))
    return "\n".join(lines)


@st.composite
def mutated_source(draw, text: str) -> bytes:
    for _ in range(draw(st.integers(1, 3))):
        text = draw(text_mutation(text))
    encoding = draw(st.sampled_from(("utf-8", "utf-8", "gb18030", "utf-16")))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    data = text.encode(encoding)
    if encoding == "utf-8" and draw(st.booleans()):
        data = codecs.BOM_UTF8 + data
    byte_change = draw(st.sampled_from(("none", "none", "truncate", "stray")))
    if byte_change == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif byte_change == "stray":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data


def assert_consistent(doc: Document, lines: list[str]) -> None:
    """What a valid parse must satisfy, checked against the decoded text itself."""
    assert [s.number for s in doc.sections] == list(range(1, len(doc.sections) + 1))
    assert [t.number for t in doc.tasks] == list(range(1, len(doc.tasks) + 1))
    assert {t.section for t in doc.tasks} == {s.number for s in doc.sections}
    for section in doc.sections:
        assert section.title in lines[section.line - 1]
    for task in doc.tasks:
        line = lines[task.line - 1]
        assert task.title in line and task.completion in line and task.measures
        for measure in task.measures:
            assert measure.line == task.line
            assert measure.text[len("国家知识产权局：") :] in line


def check(path, data: bytes, vocabulary) -> None:
    path.write_bytes(data)
    try:
        doc = parse_file(path)
        graph = build_graph([doc], vocabulary)
    except SourceError as exc:
        event(f"rejected: {re.sub(r'0x..|[0-9０-９]+', 'N', exc.reason)[:60]}")
        assert str(exc).startswith(str(path))
        assert exc.reason
        if exc.reason != "the file is empty":
            assert exc.line is not None and 1 <= exc.line <= data.count(b"\n") + data.count(b"\r") + 1
        return
    event(f"accepted: {len(doc.tasks)} tasks")
    assert_consistent(doc, read_source(path).lines)
    store = ox.Store()
    store.load(to_turtle(graph).encode("utf-8"), format=ox.RdfFormat.TURTLE)
    assert len(store) == len(graph)


@pytest.fixture(scope="module")
def fuzz_path(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz") / "doc.txt"


@pytest.mark.slow
@SETTINGS
@given(mutated_source(SOURCE_TEXT))
def test_mutated_sources_give_a_graph_or_a_located_error(fuzz_path, vocabulary, data):
    check(fuzz_path, data, vocabulary)


@pytest.mark.slow
@settings(SETTINGS, max_examples=100)
@given(st.binary(max_size=2_000))
def test_arbitrary_bytes_give_a_located_error(fuzz_path, vocabulary, data):
    check(fuzz_path, data, vocabulary)


@settings(SETTINGS, max_examples=100)
@given(st.text(max_size=400))
def test_arbitrary_text_after_the_header_gives_a_located_error(fuzz_path, vocabulary, data):
    head = "2021 年推动知识产权高质量发展任务清单\n任务清单\t落实举措\t责任部门\t完成时间\n"
    check(fuzz_path, (head + data).encode("utf-8"), vocabulary)


def test_a_shortened_but_well_formed_source_builds_a_conforming_graph(source_text, tmp_path, vocabulary):
    """Cutting the list after a section leaves a smaller document that still passes the shapes."""
    from ipgraph.shacl import validate

    lines = source_text.split("\n")
    sixth = next(n for n, line in enumerate(lines) if line.startswith("六、"))
    path = tmp_path / "doc.txt"
    path.write_text("\n".join(lines[:sixth]) + "\n", encoding="utf-8")
    doc = parse_file(path)
    assert [s.numeral for s in doc.sections] == list("一二三四五")
    assert len(doc.tasks) == sum(1 for line in lines[:sixth] if re.match(r"\d+\. ", line))
    report = validate(build_graph([doc], vocabulary))
    assert report.conforms, report.text()
