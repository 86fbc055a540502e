"""Word files: numbering Word draws, merged cells, old .doc through LibreOffice."""

from __future__ import annotations

import shutil
import subprocess

import docx
import pytest

from ipgraph.errors import SourceError
from ipgraph.ingest.formats import legacy_word, read_source
from ipgraph.ingest.formats.word import chinese_number
from ipgraph.ingest.parse import parse_file
from tests.formats.format_documents import ANNUAL_PLAN, annual_plan_docx, bundled_list, docx_file


def test_list_numbers_word_draws_come_out_as_text(tmp_path):
    source = read_source(annual_plan_docx(tmp_path / "plan.docx"))
    typed = [line for line in ANNUAL_PLAN.read_text(encoding="utf-8").split("\n") if line.strip()]
    assert source.lines == typed
    assert source.locators[4].kind == "docx" and source.locators[4].path == "paragraph 5"


def test_annual_plan_in_word_gives_the_items_of_its_text(tmp_path):
    from_word = parse_file(annual_plan_docx(tmp_path / "plan.docx"))
    from_text = parse_file(ANNUAL_PLAN)
    assert [(t.number, t.title, t.bodies) for t in from_word.tasks] == [
        (t.number, t.title, t.bodies) for t in from_text.tasks
    ]
    assert len(from_word.tasks) == 12


def test_merged_cells_repeat_in_every_row_and_column_they_cover(tmp_path):
    word = docx.Document()
    table = word.add_table(rows=4, cols=3)
    for c, text in enumerate(["重点任务", "具体措施", "责任单位"]):
        table.cell(0, c).text = text
    heading = table.cell(1, 0).merge(table.cell(1, 2))
    heading.text = "一、加强保护"
    table.cell(2, 0).text = "完善制度"
    table.cell(2, 1).text = "甲措施。"
    table.cell(2, 1).add_paragraph("乙措施。")
    table.cell(3, 0).text = "强化执法"
    table.cell(3, 1).text = "丙措施。"
    body = table.cell(2, 2).merge(table.cell(3, 2))
    body.text = "保护司"
    path = tmp_path / "merged.docx"
    word.save(str(path))
    assert read_source(path).lines == [
        "重点任务\t具体措施\t责任单位",
        "一、加强保护\t一、加强保护\t一、加强保护",
        "完善制度\t<p>甲措施。</p> <p>乙措施。</p>\t保护司",
        "强化执法\t<p>丙措施。</p>\t保护司",
    ]
    assert [loc.path for loc in read_source(path).locators] == [f"table 1 row {n}" for n in range(1, 5)]


def test_bundled_list_as_a_word_table_gives_the_same_records(tmp_path, document):
    doc = parse_file(docx_file(bundled_list(), tmp_path / "list.docx"))
    strip = lambda t: (t.number, t.title, t.section, t.bodies, t.completion, [(m.actor, m.text) for m in t.measures])  # noqa: E731
    assert [strip(t) for t in doc.tasks] == [strip(t) for t in document.tasks]


@pytest.mark.parametrize(
    ("n", "text"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (35, "三十五"), (105, "一百零五")]
)
def test_chinese_counting(n, text):
    assert chinese_number(n) == text


def test_not_a_word_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_bytes(b"PK\x03\x04 this is no zip archive")
    with pytest.raises(SourceError, match=r"fake\.docx: not a Word \.docx file"):
        read_source(path)


def test_doc_without_libreoffice_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy_word, "soffice", lambda: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(SourceError, match=r"old\.doc: a \.doc file needs LibreOffice .* apt-get install libreoffice"):
        read_source(path)


@pytest.mark.slow
@pytest.mark.skipif(legacy_word.soffice() is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_doc_is_converted_by_libreoffice_and_read_as_word(tmp_path):
    docx_path = annual_plan_docx(tmp_path / "plan.docx")
    out = tmp_path / "out"
    subprocess.run(
        [legacy_word.soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "doc", "--outdir", str(out), str(docx_path)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    doc_path = shutil.move(out / "plan.doc", tmp_path / "plan.doc")
    source = read_source(doc_path)
    assert source.media_type == "application/msword"
    assert source.lines == read_source(docx_path).lines
