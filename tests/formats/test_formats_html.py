"""Saved web pages: the body among the chrome, tables with spans, the declared encoding, gov.cn metadata."""

from __future__ import annotations

import pytest

from ipgraph.errors import SourceError
from ipgraph.ingest.formats import read_source
from ipgraph.ingest.parse import parse_file
from tests.formats.format_documents import CHROME_BOTTOM, CHROME_TOP, bundled_list, html_page, write

GOV_METADATA = {
    "索 引 号": "000000000/2021-00001",
    "发布机构": "某某局",
    "文　　号": "某发〔2021〕1号",
    "成文日期": "2021-03-01",
}


def page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return f"<html><head>{head}</head><body>{CHROME_TOP}{body}{CHROME_BOTTOM}</body></html>"


def test_body_paragraphs_in_order_without_chrome(tmp_path):
    body = (
        "<h1>某某工作方案</h1><div class='content'><p>一、总体要求</p><p>第一段，\n有两行。</p>"
        "<p>第二段<br>换行之后</p><p>   </p></div>"
    )
    source = read_source(write(tmp_path / "p.html", page(body)))
    assert source.lines == ["某某工作方案", "一、总体要求", "第一段，有两行。", "第二段", "换行之后"]
    assert source.media_type == "text/html"
    assert source.locators[3].path == "/html/body/div[3]/p[3]"
    assert dict(source.locators[4].detail) == {"start": 3, "end": 7}


def test_gbk_page_is_read_in_its_declared_encoding(tmp_path):
    body = "<div><p>加强知识产权保护，完善制度。</p><p>第二段落的文字较长一些。</p></div>"
    path = write(
        tmp_path / "gbk.htm", page(body, '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'), "gbk"
    )
    source = read_source(path)
    assert source.encoding == "gb18030"
    assert source.lines == ["加强知识产权保护，完善制度。", "第二段落的文字较长一些。"]


def test_a_page_that_lies_about_its_charset_is_refused_naming_it(tmp_path):
    path = write(tmp_path / "bad.html", page("<p>加强知识产权保护</p>"), "gbk")
    with pytest.raises(SourceError, match=r"bad\.html:1: the page declares charset 'utf-8'"):
        read_source(path)


def test_rowspan_and_colspan_cells_repeat_in_every_row_and_column_they_cover(tmp_path):
    body = """<div><table>
    <tr><th>序号</th><th>重点任务</th><th>具体措施</th><th>责任单位</th></tr>
    <tr><td colspan="4">一、加强保护</td></tr>
    <tr><td>1</td><td rowspan="2">完善制度</td><td><p>甲措施。</p><p>乙措施。</p></td><td rowspan="3">保护司</td></tr>
    <tr><td>2</td><td><p>丙措施。</p></td></tr>
    <tr><td>3</td><td>强化执法</td><td>丁措施。</td></tr>
    </table></div>"""
    source = read_source(write(tmp_path / "spans.html", page(body)))
    assert source.lines == [
        "序号\t重点任务\t具体措施\t责任单位",
        "一、加强保护\t一、加强保护\t一、加强保护\t一、加强保护",
        "1\t完善制度\t<p>甲措施。</p> <p>乙措施。</p>\t保护司",
        "2\t完善制度\t<p>丙措施。</p>\t保护司",
        "3\t强化执法\t<p>丁措施。</p>\t保护司",
    ]
    assert [loc.path.rsplit("/", 1)[-1] for loc in source.locators] == ["tr[1]", "tr[2]", "tr[3]", "tr[4]", "tr[5]"]


def test_gov_cn_metadata_table_becomes_metadata_not_text(tmp_path):
    doc = bundled_list()
    source = read_source(write(tmp_path / "list.html", html_page(doc, metadata=GOV_METADATA)))
    assert dict(source.metadata) == {
        "索引号": "000000000/2021-00001",
        "发布机构": "某某局",
        "文号": "某发〔2021〕1号",
        "成文日期": "2021-03-01",
    }
    assert not any("索" in line and "引" in line and "号" in line for line in source.lines[:3])


def test_labelled_metadata_items_are_read(tmp_path):
    body = (
        "<ul class='info'><li>• 索 引 号 : 123/2024-1</li><li>发文字号：某发〔2024〕2号</li></ul>"
        "<div><p>正文第一段较长的文字内容。</p></div>"
    )
    source = read_source(write(tmp_path / "m.html", page(body)))
    assert dict(source.metadata) == {"索引号": "123/2024-1", "文号": "某发〔2024〕2号"}
    assert source.lines == ["正文第一段较长的文字内容。"]


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_bundled_list_as_a_web_page_gives_the_same_records(tmp_path, encoding, document):
    path = write(tmp_path / "list.html", html_page(bundled_list(), "gbk" if encoding == "gbk" else "utf-8"), encoding)
    doc = parse_file(path)
    assert doc.title == document.title
    assert [(s.number, s.title) for s in doc.sections] == [(s.number, s.title) for s in document.sections]
    strip = lambda t: (t.number, t.title, t.section, t.bodies, t.completion, [(m.actor, m.text) for m in t.measures])  # noqa: E731
    assert [strip(t) for t in doc.tasks] == [strip(t) for t in document.tasks]
