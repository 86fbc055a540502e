"""The published forms in the graph: the same records as the text, plus where each line was in its file."""

from __future__ import annotations

import re
import shutil

import pytest
from rdflib import Graph, Literal

from ipgraph import paths
from ipgraph.cli import main
from ipgraph.graph.build import build_graph, build_sources
from ipgraph.graph.namespaces import DCTERMS, ID, IPG, OA, RDF, RDFS
from ipgraph.ingest.parse import read_and_parse
from ipgraph.sparql.library import resolve
from ipgraph.sparql.run import run_embedded
from ipgraph.sparql.store import EmbeddedStore
from tests.formats.format_documents import (
    ANNUAL_PLAN,
    annual_plan_docx,
    bundled_list,
    docx_file,
    html_page,
    pdf_file,
    with_year,
)
from tests.formats.format_documents import write as write_text

pytestmark = pytest.mark.slow  # the published forms, a PDF of several pages among them, are written for these tests

METADATA = {
    "索 引 号": "000000000/2021-00001",
    "发布机构": "某某局",
    "文　　号": "某发〔2021〕1号",
    "成文日期": "2021年3月1日",
}
SOURCE = ID["cnipa-tasklist-2021/source"]


def without_provenance(graph: Graph) -> set:
    """The graph less what says where things came from (which differs between formats, as it should).

    The raw 责任部门 cell is compared without spaces: a PDF line break after 、 keeps no space.
    """
    locations = set(graph.subjects(RDF.type, IPG.SourceLocation))
    dropped = {IPG.sourceLine, IPG.sourceLocation, IPG.indexNumber, IPG.documentNumber, IPG.issuingBodyName}
    dropped |= {IPG.sourceEndLine, OA.start, OA.end, OA.exact}  # selectors: places in each form's text
    return {
        (s, p, Literal(o.replace(" ", ""), lang=o.language) if p == IPG.responsibilityStatement else o)
        for s, p, o in graph
        if s not in locations and s != SOURCE and p not in dropped and p != DCTERMS.created
    }


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    folder = tmp_path_factory.mktemp("published")
    doc = bundled_list()
    return {
        "html": write_text(folder / "list.html", html_page(doc, metadata=METADATA)),
        "docx": docx_file(doc, folder / "list.docx"),
        "pdf": pdf_file(doc, folder / "list.pdf"),
    }


@pytest.mark.parametrize("kind", ["html", "docx", "pdf"])
def test_published_forms_give_the_graph_of_the_text(published, graph, kind):
    built = build_graph([read_and_parse(published[kind])])
    assert without_provenance(built) == without_provenance(graph)
    assert built.value(SOURCE, DCTERMS["format"]) != Literal("text/plain")


@pytest.mark.parametrize(
    ("kind", "task_location", "media_type"),
    [
        ("html", r"/html/body/div\[3\]/table\[1\]/tr\[3\] chars 0–\d+", "text/html"),
        ("docx", "table 1 row 3", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("pdf", "page 1 table 1 row 3", "application/pdf"),
    ],
)
def test_task_provenance_gives_the_place_in_the_file(published, kind, task_location, media_type):
    store = EmbeddedStore.from_rdflib(build_graph([read_and_parse(published[kind])]))
    rows = run_embedded(store, resolve("task-provenance"), {"task": "1"}).records()
    assert len(rows) == 3  # task 1 has three measures, all in its table row
    for row in rows:
        assert re.fullmatch(task_location, row["task_location"])
        assert row["measure_location"] == row["task_location"]
        assert row["source_format"] == media_type


def test_text_sources_have_no_locations_and_the_bundled_graph_is_unchanged(graph):
    assert not set(graph.subjects(RDF.type, IPG.SourceLocation))
    assert graph.value(SOURCE, DCTERMS["format"]) == Literal("text/plain")


def test_page_metadata_becomes_the_documents_metadata(published):
    built = build_graph([read_and_parse(published["html"])])
    doc = ID["cnipa-tasklist-2021"]
    assert built.value(doc, IPG.indexNumber) == Literal("000000000/2021-00001")
    assert built.value(doc, IPG.documentNumber) == Literal("某发〔2021〕1号")
    assert built.value(doc, IPG.issuingBodyName) == Literal("某某局", lang="zh")
    assert str(built.value(doc, DCTERMS.created)) == "2021-03-01"


def test_location_labels_in_chinese_and_english(published):
    built = build_graph([read_and_parse(published["pdf"])])
    task = ID["cnipa-tasklist-2021/task/1"]
    location = built.value(task, IPG.sourceLocation)
    assert set(built.objects(location, RDFS.label)) == {
        Literal("page 1 table 1 row 3", lang="en"),
        Literal("第1页表1第3行", lang="zh"),
    }
    assert int(built.value(location, IPG.page)) == 1
    assert len(str(built.value(location, IPG.boundingBox)).split()) == 4


def test_one_build_of_a_web_page_a_word_file_a_pdf_and_a_text_validates(tmp_path, published):
    """`ipgraph build page.html plan.docx list.pdf notes.txt -o all.ttl`, then `ipgraph validate all.ttl`."""
    shutil.copy(published["html"], tmp_path / "page.html")
    annual_plan_docx(tmp_path / "plan.docx", year=2024)
    pdf_file(with_year(bundled_list(), 2023), tmp_path / "list.pdf")
    shutil.copy(ANNUAL_PLAN, tmp_path / "notes.txt")
    english = paths.TRANSLATIONS_DIR / "cnipa-tasklist-2021.toml"
    shutil.copy(english, tmp_path / "list.toml")  # English titles beside the source, as for any new document
    shutil.copy(ANNUAL_PLAN.with_suffix(".toml"), tmp_path / "notes.toml")  # its key: annual-plan-2022
    english_plan = ANNUAL_PLAN.with_suffix(".toml").read_text(encoding="utf-8")
    (tmp_path / "plan.toml").write_text(re.sub(r"(?m)^key = .*\n", "", english_plan), encoding="utf-8")
    sources = [str(tmp_path / n) for n in ("page.html", "plan.docx", "list.pdf", "notes.txt")]
    out = tmp_path / "all.ttl"
    assert main(["build", "-q", *sources, "-o", str(out)]) == 0
    assert main(["validate", str(out)]) == 0
    graph = build_sources(sources)
    lists = {str(k) for k in graph.subjects(IPG.layout, None)}
    assert lists == {str(ID[k]) for k in ("cnipa-tasklist-2021", "cnipa-tasklist-2023", "plan", "annual-plan-2022")}
    kinds = {str(k) for k in graph.objects(None, IPG.locationKind)}
    assert kinds == {"html", "docx", "pdf"}


def test_html_view_shows_the_place_in_the_file(published):
    from ipgraph.export import view_data
    from ipgraph.network import store_runner

    store = EmbeddedStore.from_rdflib(build_graph([read_and_parse(published["docx"])]))
    tasks = {t["number"]: t for t in view_data(store_runner(store))["tasks"]}
    assert tasks[1]["place"] == {"zh": "表1第3行", "en": "table 1 row 3"}
    assert {m["place"]["en"] for m in tasks[1]["measures"]} == {"table 1 row 3"}


def test_html_view_of_a_text_source_has_no_places(store):
    from ipgraph.export import view_data
    from ipgraph.network import store_runner

    data = view_data(store_runner(store))
    assert all(t["place"] is None and all(m["place"] is None for m in t["measures"]) for t in data["tasks"])
