"""PDFs with a text layer: headers, footers and page numbers gone, lines re-joined, tables as tables."""

from __future__ import annotations

import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from ipgraph.errors import SourceError
from ipgraph.ingest.formats import read_source
from ipgraph.ingest.parse import parse_file
from tests.formats.format_documents import bundled_list, pdf_file

pytestmark = pytest.mark.slow  # each test writes or reads PDFs of several pages

LONG = (
    "各地区要结合本地实际，制定落实本计划的具体措施，明确责任分工和完成时限，"
    "加强统筹协调和督促检查，确保各项任务按期完成，并及时报送工作进展情况和取得的成效。"
)


def text_pdf(path, paragraphs, header="某某局办公室文件"):
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=14, leading=22, wordWrap="CJK", spaceAfter=8)

    def decorate(c, template):
        c.saveState()
        c.setFont("STSong-Light", 9)
        c.drawString(72, A4[1] - 40, header)
        c.drawCentredString(A4[0] / 2, 30, f"— {template.page} —")
        c.restoreState()

    story = [Paragraph(p, style) for p in paragraphs]
    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=decorate, onLaterPages=decorate)
    return path


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory):
    paragraphs = ["一、总体要求"] + [f"{n}.{LONG}" for n in range(1, 31)]
    return paragraphs, text_pdf(tmp_path_factory.mktemp("pdf") / "long.pdf", paragraphs)


def test_lines_are_rejoined_into_the_paragraphs_and_page_chrome_is_gone(long_pdf):
    paragraphs, path = long_pdf
    source = read_source(path)
    assert source.lines == paragraphs
    assert source.media_type == "application/pdf"


def test_each_paragraph_is_located_by_page_line_and_box(long_pdf):
    _, path = long_pdf
    source = read_source(path)
    pages = [int(loc.path.split()[1]) for loc in source.locators]
    assert pages == sorted(pages) and pages[-1] >= 2  # the text runs over several pages
    first = source.locators[0]
    assert first.kind == "pdf" and first.path == "page 1 line 2"  # line 1 is the header
    x0, top, x1, bottom = first.detail["bbox"]
    assert 0 < x0 < x1 and 0 < top < bottom < A4[1]
    assert source.locators[1].detail["lines"] >= 2


def test_a_paragraph_continued_on_the_next_page_is_one_line(long_pdf):
    paragraphs, path = long_pdf
    with pdfplumber.open(path) as pdf:
        last_lines = [page.extract_text_lines()[-2]["text"] for page in pdf.pages[:-1]]  # above the page number
    assert any(not line.endswith("。") for line in last_lines)  # some page breaks inside a paragraph
    assert read_source(path).lines == paragraphs


def test_bundled_list_as_a_pdf_gives_the_same_records(tmp_path, document):
    doc = parse_file(pdf_file(bundled_list(), tmp_path / "list.pdf"))
    strip = lambda t: (t.number, t.title, t.section, t.bodies, t.completion, [(m.actor, m.text) for m in t.measures])  # noqa: E731
    assert [strip(t) for t in doc.tasks] == [strip(t) for t in document.tasks]
    assert doc.title == document.title


def test_a_scanned_pdf_without_text_is_refused_saying_so(tmp_path):
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        c.setFillGray(0.6)
        c.rect(72, 300, 400, 300, fill=1)  # a picture of a page, no text
        c.showPage()
    c.save()
    with pytest.raises(SourceError, match=r"scan\.pdf: the PDF has no text layer .*does not do OCR"):
        read_source(path)


def test_a_damaged_pdf_is_refused_naming_it(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not a PDF body\n")
    with pytest.raises(SourceError, match=r"broken\.pdf: "):
        read_source(path)
