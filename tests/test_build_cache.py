"""``ipgraph build`` from per-document parts and their cache: the bytes of one rdflib graph, a rebuild
after one changed document equal to a full build, changed code or a bad cache entry read again."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ipgraph import paths
from ipgraph.cli import main
from ipgraph.graph import cache
from ipgraph.graph.build import build_graph, source_files, to_turtle
from ipgraph.graph.compose import compose
from ipgraph.graph.vocab import Vocabulary
from ipgraph.ingest import parse
from ipgraph.sparql import persist
from tests.formats.format_documents import bundled_list, html_page
from tests.formats.format_documents import write as write_text

ROOT = Path(__file__).resolve().parents[1]
SERIES = ROOT / "tests" / "fixtures" / "series"
CORPUS = ROOT / "tests" / "corpus"


def from_parts(files: list[Path]) -> str:
    vocab = Vocabulary()
    return compose(list(cache.parts(files, vocab)), vocab).turtle


@pytest.mark.slow
@pytest.mark.parametrize("sources", [[paths.SOURCES_DIR], [SERIES], [CORPUS]], ids=["bundled", "series", "corpus"])
def test_parts_give_the_bytes_of_one_rdflib_graph(sources):
    files = source_files(sources)
    assert from_parts(files) == to_turtle(build_graph(parse.read_and_parse(p) for p in files))


def test_a_web_page_with_its_places_in_the_file(tmp_path):
    page = write_text(tmp_path / "list.html", html_page(bundled_list(), metadata={"发布日期": "2021-03-30"}))
    text = from_parts([page])
    assert "ipg:sourceLocation" in text and "dcterms:issued" in text
    assert text == to_turtle(build_graph([parse.read_and_parse(page)]))


@pytest.fixture
def folder(tmp_path) -> Path:
    """Four documents: the three editions of a series (cross-document links) and the 2021 list."""
    src = tmp_path / "src"
    shutil.copytree(SERIES, src)
    shutil.copy(next(paths.SOURCES_DIR.glob("*.txt")), src)
    return src


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The names of the sources the build reads (not taken from the cache)."""
    seen: list[str] = []
    real = cache.read_and_parse

    def reading(path, *args):
        seen.append(Path(path).name)
        return real(path, *args)

    monkeypatch.setattr(cache, "read_and_parse", reading)
    return seen


def build(folder: Path, out: Path, *extra: str) -> None:
    assert main(["build", str(folder), "-o", str(out), "-q", *extra]) == 0


def quads(graph: Path) -> list[str]:
    store = ox.Store.read_only(str(persist.state(graph).version / persist.DATA))
    return sorted(str(q) for q in store)


@pytest.mark.slow
def test_a_rebuild_after_one_change_reads_that_document_only_and_equals_a_full_build(folder, tmp_path, reads):
    out = tmp_path / "g.ttl"
    build(folder, out)
    assert len(reads) == 4
    changed = folder / "plan-2032.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("。", "；", 1), encoding="utf-8")
    reads.clear()
    build(folder, out)
    assert reads == ["plan-2032.txt"]
    meta = persist._meta(persist.state(out).version)
    assert persist.state(out).current and "replaced" in meta
    fresh = tmp_path / "fresh.ttl"
    build(folder, fresh)
    assert out.read_bytes() == fresh.read_bytes()
    assert quads(out) == quads(fresh)
    persist.create(fresh)  # the store made from the file, as `ipgraph load` makes it
    assert quads(out) == quads(fresh)
    assert persist._meta(persist.state(fresh).version)["graphs"] == meta["graphs"]


def test_changed_code_reads_every_document_again(folder, tmp_path, reads, monkeypatch):
    out = tmp_path / "g.ttl"
    build(folder, out)
    before = out.read_bytes()
    reads.clear()
    monkeypatch.setattr(cache, "code_digest", lambda: "another version of the code")
    build(folder, out)
    assert sorted(reads) == sorted(p.name for p in folder.glob("*.txt"))
    assert out.read_bytes() == before
    assert len(list((persist.location(out) / "documents").glob("*.part"))) == 4  # the old entries are gone


@pytest.mark.slow
def test_a_corrupt_or_foreign_entry_is_read_again_never_trusted(folder, tmp_path, reads):
    out = tmp_path / "g.ttl"
    build(folder, out)
    before = out.read_bytes()
    entries = sorted((persist.location(out) / "documents").glob("*.part"))
    data = entries[0].read_bytes()
    entries[0].write_bytes(data[: len(data) // 2] + b"\x00" + data[len(data) // 2 + 1 :])  # one byte changed
    entries[1].write_bytes(entries[2].read_bytes())  # another document's entry, under this name
    entries[3].write_bytes(b"not an entry")
    reads.clear()
    build(folder, out)
    assert len(reads) == 3
    assert out.read_bytes() == before


@pytest.mark.slow
def test_an_interrupted_rebuild_leaves_the_old_store_readable(folder, tmp_path, monkeypatch):
    out = tmp_path / "g.ttl"
    build(folder, out)
    old = persist.state(out).version
    changed = folder / "plan-2033.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("。", "；", 1), encoding="utf-8")

    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(persist, "_entail", interrupted)
    assert main(["build", str(folder), "-o", str(out), "-q"]) == 130  # as after Ctrl-C
    now = persist.state(out)
    assert now.version == old and not now.current  # the file is new, the store the old one, whole
    assert len(quads(out)) > 0
    monkeypatch.undo()
    build(folder, out)
    assert not any(p.name.startswith(".building-") for p in persist.location(out).iterdir())
    fresh = tmp_path / "fresh.ttl"
    build(folder, fresh, "--no-store")
    assert out.read_bytes() == fresh.read_bytes() and persist.state(out).current


@pytest.mark.slow
def test_worker_processes_give_the_same_parts_and_the_same_errors(folder):
    files = source_files([folder])
    vocab = Vocabulary()
    alone = [p.data() for p in cache.parts(files, vocab, workers=1)]
    assert [p.data() for p in cache.parts(files, vocab, workers=2)] == alone
    bad = folder / "empty.txt"
    bad.write_text("", encoding="utf-8")
    with pytest.raises(Exception) as alone_error:
        list(cache.parts([*files, bad], vocab, workers=1))
    with pytest.raises(type(alone_error.value), match=re.escape(str(alone_error.value))):
        list(cache.parts([*files, bad], vocab, workers=2))
