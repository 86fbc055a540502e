"""Saved web pages (.html, .htm): the document's body as text, each line located by XPath.

The page is decoded in the encoding it declares (``<meta charset>`` or
``http-equiv``; GB2312 and GBK are read as their superset GB18030), else detected as
for text files. The body is found by a documented rule, with lxml only:

1. the gov.cn metadata block (索引号 / 发布机构 / 文号 / 成文日期 …, as a table or as
   ``label：value`` items) becomes ``SourceText.metadata`` and leaves the text;
2. the site's chrome goes: ``nav``/``aside``/``form``/``script``/``style`` and the
   like, ``header``/``footer`` outside an ``article`` or ``main``, and any element
   whose id or class names navigation, menus, breadcrumbs, share buttons, sidebars,
   footers or copyright lines (``CHROME_WORDS``), and hidden elements;
3. the body is the element holding the most paragraph text: each paragraph (``p``,
   headings, list items, a ``div`` or cell with text of its own) and each table that
   holds no other table counts its characters, less those of its links, for its
   parent; a page's single ``h1`` above that element is kept as its first line.

Paragraphs come out one per line, in document order; a table one row per line (see
``tables``); a cell is written in paragraphs when its markup has paragraph elements
or line breaks. A line's locator is the XPath of its paragraph or table row, with
the characters it covers in that element's text.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from ipgraph.errors import SourceError
from ipgraph.ingest.formats.model import Locator, SourceText
from ipgraph.ingest.formats.tables import clean, grid, rows_text, span
from ipgraph.ingest.govcn import METADATA_KEYS
from ipgraph.ingest.source import decode

MEDIA_TYPE = "text/html"
DECLARED_RE = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([-\w.:]+)", re.I)
XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
# GB2312 and GBK pages often hold characters only their superset has.
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030"}

DROPPED_TAGS = frozenset(
    {"script", "style", "noscript", "template", "nav", "aside", "form", "iframe", "button", "select", "input"}
    | {"textarea", "object", "embed", "svg", "canvas"}
)
CHROME_WORDS = frozenset(
    {"nav", "navbar", "navigation", "menu", "menubar", "topbar", "footer", "foot", "breadcrumb", "breadcrumbs"}
    | {"crumb", "crumbs", "position", "location", "share", "sharebar", "bdshare", "social", "sidebar", "side"}
    | {"toolbar", "banner", "copyright", "login", "search", "pagination", "pager", "print", "related"}
    | {"recommend", "qrcode"}
)
BLOCK_TAGS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "pre", "blockquote"}
    | {"article", "section", "main", "header", "footer", "center", "table", "tr", "td", "th", "caption"}
    | {"address", "figure", "figcaption", "hr"}
)
PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "dd", "dt", "caption"})
CELL_TAGS = ("td", "th")

LABEL_STRIP_RE = re.compile(r"[\s\u3000•·:：]+")
LABELLED_RE = re.compile(
    r"^[\s\u3000•·]*(?P<label>[\u4e00-\u9fff][\u4e00-\u9fff\s\u3000]{0,7}?)\s*[:：]\s*(?P<value>.*)$"
)


def read(path: Path, data: bytes, encoding: str | None = None) -> SourceText:
    text, used = _decode(data, str(path), encoding)
    root = _parse(text, str(path))
    tree = root.getroottree()
    xpaths = {el: tree.getpath(el) for el in root.iter() if isinstance(el.tag, str)}  # before anything is cut
    metadata = _take_metadata(root)
    _drop_chrome(root)
    body = _body(root, str(path))
    lines: list[str] = []
    locators: list[Locator] = []
    title = _title_above(root, body)
    if title is not None:
        _Writer(xpaths, lines, locators).block(title)
    _Writer(xpaths, lines, locators).block(body)
    if not lines:
        raise SourceError(str(path), "the page has no text in its body")
    return SourceText(
        str(path), "\n".join(lines), hashlib.sha256(data).hexdigest(), tuple(locators), metadata, MEDIA_TYPE, used
    )


def _decode(data: bytes, path: str, encoding: str | None) -> tuple[str, str]:
    if encoding is None and (m := DECLARED_RE.search(data[:4096])):
        declared = m.group(1).decode("ascii", "replace").lower()
        name = SUPERSETS.get(declared, declared)
        try:
            return decode(data, path, name)
        except SourceError as exc:
            raise SourceError(path, f"the page declares charset {declared!r} but: {exc.reason}", exc.line) from None
    return decode(data, path, encoding)


def _parse(text: str, path: str) -> etree._Element:
    try:
        root = lxml_html.document_fromstring(XML_DECLARATION_RE.sub("", text, count=1))
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(path, f"not an HTML page: {exc}") from None
    for comment in root.xpath("//comment() | //processing-instruction()"):
        _remove(comment)
    return root


def _remove(el: etree._Element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _label(text: str) -> str | None:
    return METADATA_KEYS.get(LABEL_STRIP_RE.sub("", text))


def _take_metadata(root: etree._Element) -> dict[str, str]:
    """The gov.cn block's fields, first occurrence of each; the elements holding them leave the page."""
    found: dict[str, str] = {}
    holders: list[etree._Element] = []
    for cell in root.iter(*CELL_TAGS):
        key = _label(cell.text_content())
        following = cell.getnext()
        if key and following is not None and following.tag in CELL_TAGS:
            found.setdefault(key, clean(following.text_content()))
            holders.append(cell)
    for item in root.iter("li", "p", "td", "th", "span", "div"):
        if len(item) and any(child.tag in BLOCK_TAGS for child in item):
            continue
        m = LABELLED_RE.match(item.text_content())
        if m and (key := _label(m["label"])) and (value := clean(m["value"])):
            found.setdefault(key, value)
            holders.append(item)
    for el in _blocks_holding(holders):
        _remove(el)
    return {key: value for key, value in found.items() if value}


def _blocks_holding(holders: list[etree._Element]) -> list[etree._Element]:
    """What to cut: the table holding two or more fields, else each field's own element."""
    counts: dict[etree._Element, int] = defaultdict(int)
    for el in holders:
        table = next(el.iterancestors("table"), None)
        if table is not None:
            counts[table] += 1
    cut = [t for t, n in counts.items() if n >= 2 and not t.xpath(".//table")]
    rest = [el for el in holders if not any(t in el.iterancestors() for t in cut)]
    return _outermost(cut + rest)


def _outermost(elements: list[etree._Element]) -> list[etree._Element]:
    chosen = set(elements)
    return [el for el in dict.fromkeys(elements) if not any(a in chosen for a in el.iterancestors())]


def _is_chrome(el: etree._Element) -> bool:
    if el.tag in DROPPED_TAGS:
        return True
    if el.tag in ("header", "footer") and next(el.iterancestors("article", "main"), None) is None:
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style or el.get("hidden") is not None:
        return True
    names = f"{el.get('id') or ''} {el.get('class') or ''}".lower()
    return any(word in CHROME_WORDS for word in re.split(r"[\s_\-]+", names) if word)


def _drop_chrome(root: etree._Element) -> None:
    body = root.find("body")
    scope = body if body is not None else root
    chrome = [el for el in scope.iter() if isinstance(el.tag, str) and el is not scope and _is_chrome(el)]
    for el in _outermost(chrome):
        _remove(el)


def _own_text(el: etree._Element) -> int:
    """Characters of text directly in an element (its text and its children's tails)."""
    return len(clean("".join([el.text or "", *(child.tail or "" for child in el)])))


def _text_less_links(el: etree._Element) -> int:
    links = sum(len(clean(a.text_content())) for a in el.iter("a"))
    return max(len(clean(el.text_content())) - links, 0)


def _body(root: etree._Element, path: str) -> etree._Element:
    """The element that holds the most paragraph text (the rule in the module's docstring)."""
    body = root.find("body")
    scope = body if body is not None else root
    score: dict[etree._Element, int] = defaultdict(int)
    for el in scope.iter():
        if not isinstance(el.tag, str) or el is scope:
            continue
        parent = el.getparent()
        if next(el.iterancestors("table"), None) is not None and _in_data_table(el):
            continue
        if el.tag == "table" and not el.xpath(".//table"):
            score[parent] += _text_less_links(el)
        elif el.tag in PARAGRAPH_TAGS and next(el.iterancestors(*PARAGRAPH_TAGS), None) is None:
            score[_container(el)] += _text_less_links(el)
        elif el.tag in ("div", "td", "th", "section", "article", "main", "span", "font") and _own_text(el):
            score[_container(el) if el.tag in ("span", "font") else el] += _own_text(el)
    if _own_text(scope):
        score[scope] += _own_text(scope)
    if not score:
        raise SourceError(path, "the page has no text in its body")
    return max(score, key=lambda el: score[el])


def _container(el: etree._Element) -> etree._Element:
    """The block a paragraph belongs to: the nearest ancestor that is not a list or inline element."""
    for ancestor in el.iterancestors():
        if ancestor.tag not in ("ul", "ol", "dl", "span", "font", "b", "strong", "a", "em", "i"):
            return ancestor
    return el


def _in_data_table(el: etree._Element) -> bool:
    table = next(el.iterancestors("table"))
    return not table.xpath(".//table")


def _title_above(root: etree._Element, body: etree._Element) -> etree._Element | None:
    """The page's only h1, when it stands before the body rather than inside it."""
    headings = root.xpath("//h1")
    if len(headings) != 1:
        return None
    h1 = headings[0]
    if h1 in set(body.iter()) or body in set(h1.iter()):
        return None
    order = {el: i for i, el in enumerate(root.iter())}
    return h1 if order[h1] < order[body] else None


class _Writer:
    """Walks an element in document order, writing its paragraphs and table rows as lines."""

    def __init__(self, xpaths: dict[etree._Element, str], lines: list[str], locators: list[Locator]):
        self.xpaths = xpaths
        self.lines = lines
        self.locators = locators
        self.parts: list[str] = []
        self.blocks: list[etree._Element] = []
        self.written: dict[etree._Element, int] = defaultdict(int)

    def block(self, el: etree._Element) -> None:
        self.blocks.append(el)
        self._walk(el)
        self._flush()
        self.blocks.pop()

    def _walk(self, el: etree._Element) -> None:
        if el.tag == "table":
            self._flush()
            self._table(el)
            return
        if el.tag == "br":
            self._flush()
            return
        block = el.tag in BLOCK_TAGS
        if block:
            self._flush()
            self.blocks.append(el)
        self.parts.append(el.text or "")
        for child in el:
            if isinstance(child.tag, str):
                self._walk(child)
            self.parts.append(child.tail or "")
        if block:
            self._flush()
            self.blocks.pop()

    def _flush(self) -> None:
        line = clean("".join(self.parts))
        self.parts = []
        if not line or not self.blocks:
            return
        owner = self.blocks[-1]
        start = self.written[owner]
        self.written[owner] = start + len(line)
        self._emit(line, owner, start)

    def _emit(self, line: str, owner: etree._Element, start: int) -> None:
        self.lines.append(line)
        detail = {"start": start, "end": start + len(line)}
        self.locators.append(Locator("html", self.xpaths[owner], detail))

    def _table(self, table: etree._Element) -> None:
        rows = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
        spans = [[(cell, span(cell.get("rowspan")), span(cell.get("colspan"))) for cell in _cells(row)] for row in rows]
        paragraphs: dict[etree._Element, list[str]] = {}
        placed = grid(spans)
        text = [[paragraphs.setdefault(c, list(_paragraphs(c))) if c is not None else None for c in r] for r in placed]
        for row, line in zip(rows, rows_text(text), strict=True):
            if line:
                self._emit(line, row, 0)


def _cells(row: etree._Element) -> list[etree._Element]:
    return [cell for cell in row if cell.tag in CELL_TAGS]


def _paragraphs(el: etree._Element) -> Iterator[str]:
    """The text of an element split where a block element or a line break starts or ends (a cell's paragraphs)."""
    parts: list[str] = []

    def walk(node: etree._Element) -> Iterator[str]:
        split = node.tag in BLOCK_TAGS or node.tag == "br"
        if split and parts:
            yield "".join(parts)
            parts.clear()
        parts.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str):
                yield from walk(child)
            parts.append(child.tail or "")
        if split and node is not el and parts:
            yield "".join(parts)
            parts.clear()

    yield from walk(el)
    if parts:
        yield "".join(parts)
