"""Test documents in every format, generated here so that nothing binary is committed.

The bundled 2021 list is re-published as a web page, a Word file and a PDF, the way
its flattened text implies: its lines before the first header row as paragraphs,
each block of rows under a header row as a table, a measures cell as paragraphs.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from ipgraph import paths

BUNDLED = paths.SOURCES_DIR / "cnipa-2021-ip-high-quality-development-task-list.txt"
PARAGRAPH_RE = re.compile(r"<p>(.*?)</p>", re.S)


@dataclass
class Published:
    """A document as its author laid it out: paragraphs, then tables of rows of cells of paragraphs."""

    paragraphs: list[str]
    tables: list[list[list[list[str]]]]


def bundled_list() -> Published:
    paragraphs: list[str] = []
    tables: list[list[list[list[str]]]] = []
    for line in BUNDLED.read_text(encoding="utf-8").split("\n"):
        if line.startswith("任务清单\t"):
            tables.append([])
        if not line.strip():
            continue
        if not tables:
            paragraphs.append(line.strip())
            continue
        cells = line.split("\t")
        tables[-1].append([PARAGRAPH_RE.findall(cell) or [cell.strip()] for cell in cells])
    return Published(paragraphs, tables)


CHROME_TOP = """<div class="top-nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/jg">机构</a></div>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zcfg">政策文件</a></div>"""
CHROME_BOTTOM = """<div class="share-bar">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div id="footer"><p>主办单位：某某网站 地址：某市某区某路1号 电话：010-00000000</p><p>版权所有</p></div>"""


def html_page(doc: Published, charset: str = "utf-8", metadata: dict[str, str] | None = None) -> str:
    """A saved web page with site chrome around the document (a metadata table when given)."""
    parts = [f'<html><head><meta charset="{charset}"><title>页面</title></head><body>', CHROME_TOP]
    if metadata:
        cells = "".join(f"<tr><td>{key}：</td><td>{html.escape(value)}</td></tr>" for key, value in metadata.items())
        parts.append(f'<table class="xxgk-info">{cells}</table>')
    parts.append('<div class="article-content">')
    parts += [f"<p>{html.escape(p)}</p>" for p in doc.paragraphs]
    for table in doc.tables:
        parts.append('<table border="1">')
        measures = table[0].index(["落实举措"])
        for row in table:
            parts.append("<tr>" + "".join(_html_cell(cell, c == measures) for c, cell in enumerate(row)) + "</tr>")
        parts.append("</table><p></p>")
    parts += ["</div>", CHROME_BOTTOM, "<script>var tracker = 1;</script></body></html>"]
    return "\n".join(parts)


def _html_cell(paragraphs: list[str], measures: bool) -> str:
    if paragraphs == [""]:
        return "<td></td>"
    if measures:  # paragraphs, with the line breaks of the saved page's source between characters
        return "<td>" + "".join(f"<p>{wrapped(html.escape(p))}</p>" for p in paragraphs) + "</td>"
    return "<td>" + html.escape(" ".join(paragraphs)) + "</td>"


def wrapped(text: str, width: int = 40) -> str:
    """A line break after every ``width`` characters where both neighbours are CJK characters."""
    out, run = [], 0
    for i, ch in enumerate(text):
        out.append(ch)
        run += 1
        after = text[i + 1] if i + 1 < len(text) else ""
        if run >= width and _cjk(ch) and _cjk(after):
            out.append("\n")
            run = 0
    return "".join(out)


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def docx_file(doc: Published, path: Path) -> Path:
    """The document as Word writes it: paragraphs, then one table with all the rows (header once)."""
    import docx

    word = docx.Document()
    for paragraph in doc.paragraphs:
        word.add_paragraph(paragraph)
    rows = [doc.tables[0][0]] + [row for table in doc.tables for row in table[1:]]
    table = word.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, paragraphs in enumerate(row):
            cell = table.cell(r, c)
            cell.paragraphs[0].text = paragraphs[0]
            for more in paragraphs[1:]:
                cell.add_paragraph(more)
    word.save(str(path))
    return path


def pdf_file(doc: Published, path: Path, header: str = "某某局文件") -> Path:
    """The document as a PDF: a header line and a page number (— N —) on every page, one ruled table."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    text = ParagraphStyle("zh", fontName="STSong-Light", fontSize=12, leading=18, wordWrap="CJK")
    cell = ParagraphStyle("cell", parent=text, fontSize=9, leading=13, firstLineIndent=18)  # two characters

    def decorate(canvas, template) -> None:
        canvas.saveState()
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(72, A4[1] - 40, header)
        canvas.drawCentredString(A4[0] / 2, 30, f"— {template.page} —")
        canvas.restoreState()

    rows = [doc.tables[0][0]] + [row for table in doc.tables for row in table[1:]]
    data = [[[Paragraph(html.escape(p), cell) for p in paragraphs if p] for paragraphs in row] for row in rows]
    table = Table(data, colWidths=[110, 230, 90, 55], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [Paragraph(html.escape(p), text) for p in doc.paragraphs] + [table]
    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=decorate, onLaterPages=decorate)
    return path


ANNUAL_PLAN = Path(__file__).parents[1] / "fixtures" / "annual-plan-sample.txt"
SECTION_RE = re.compile(r"^[一二三四五六七八九十]+、")
ITEM_RE = re.compile(r"^\d+\.")


def numbering(word, levels: list[tuple[str, str]]) -> list[str]:
    """Add one list per (number format, level text) to a python-docx document; their numIds."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    part = word.part.numbering_part.element
    ids = []
    for fmt, text in levels:
        n = 900 + len(ids)
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{n}"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>'
        )
        part.insert(0, abstract)  # abstract numbering definitions come before the lists that use them
        part.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{n}"><w:abstractNumId w:val="{n}"/></w:num>'))
        ids.append(str(n))
    return ids


def numbered(paragraph, num_id: str) -> None:
    """Put a paragraph in a Word list: the number is drawn by Word, not typed."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))


def annual_plan_docx(path: Path, year: int | None = None) -> Path:
    """The annual-plan fixture as Word: headings and items numbered by Word lists (一、 and 1.)."""
    import docx

    word = docx.Document()
    sections, items = numbering(word, [("chineseCounting", "%1、"), ("decimal", "%1.")])
    for line in ANNUAL_PLAN.read_text(encoding="utf-8").split("\n"):
        if year is not None:
            line = re.sub(r"^\d{4}年", f"{year}年", line)
        if SECTION_RE.match(line):
            numbered(word.add_paragraph(SECTION_RE.sub("", line)), sections)
        elif ITEM_RE.match(line):
            numbered(word.add_paragraph(ITEM_RE.sub("", line)), items)
        elif line.strip():
            word.add_paragraph(line)
    word.save(str(path))
    return path


def with_year(doc: Published, year: int) -> Published:
    """The same list under another year's title (so several copies can share one graph)."""
    return Published([re.sub(r"^\d{4}", str(year), p) for p in doc.paragraphs], doc.tables)
