"""The notice around a document: 文号, title, addressees, issuers, date, markers, gov.cn metadata.

Works on the normalised lines before the document's title and after its last item
(where a signature stands). Each field is a pattern of the table below.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ipgraph.ingest.govcn import METADATA_KEYS
from ipgraph.ingest.reader.clauses import due
from ipgraph.ingest.reader.normalise import Span
from ipgraph.ingest.records import Deadline, Notice, Selector

DOC_NUMBER = re.compile(r"^（?(?P<org>[\u4e00-\u9fff]{1,10}?)[〔\[［（](?P<year>\d{4})[〕\]］）](?P<n>\d+)号）?$")
NOTICE_TITLE = re.compile(r".+关于.+的?通知$")
CN_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "О": 0}
DATE = re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")
CN_DATE = re.compile(
    r"^(?P<y>[〇○零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日$"
)
SEAL = re.compile(r"^（(?P<name>.+)代章）$")
MARKERS = re.compile(r"^（(?P<text>此件公开发布|此件主动公开|此件不公开|此件依申请公开)）$")
ATTACHMENT = re.compile(r"^附件(?:\d*)(?:[：]\s*(?P<title>.*))?$")
NOTICE_TEXT = re.compile(r"^(经.{2,40}同意|《[^》]+》已经|现将|现印发|特此通知|请各|请结合|请认真)")
REPLY_BY = re.compile(r"请于(?P<date>\d{4}年\d{1,2}月\d{1,2}日)前")
PUBLISHED = re.compile(r"^发布时间：(?P<date>\d{8}|\d{4}年\d{1,2}月\d{1,2}日)")
# A title the notice quotes as the one it issues, and the years that open it (《2021—2022年…》).
ISSUED_TITLE = re.compile(r"(?:现将|印发)《(?P<title>[^《》]+)》")
YEARS = re.compile(r"^(?P<start>\d{4})\s*年?\s*(?:[—–\-－~～至到]+\s*(?P<end>\d{4})\s*)?年")
# A known label and its colon; a line of metadata may hold several (索引号: … 分类: …), spaces inside a label.
METADATA_PAIR = re.compile(
    "(?P<key>" + "|".join(r"\s*".join(label) for label in sorted(METADATA_KEYS, key=len, reverse=True)) + r")\s*：\s*"
)
ISO_DATE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")


def chinese_number(text: str) -> int:
    """十 → 10, 十五 → 15, 二十 → 20, 三十一 → 31."""
    if "十" not in text:
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    tens, _, units = text.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)


def parse_date(text: str) -> str | None:
    """An ISO date from 2022年3月10日, 二〇二二年三月十五日, 20150315 or 2022-03-10."""
    text = text.replace(" ", "")
    if (m := DATE.match(text)) or (m := ISO_DATE.match(text)):
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    elif m := CN_DATE.match(text):
        y = int("".join(str(CN_DIGITS[ch]) for ch in m["y"]))
        mo, d = chinese_number(m["m"]), chinese_number(m["d"])
    elif re.fullmatch(r"\d{8}", text):
        y, mo, d = int(text[:4]), int(text[4:6]), int(text[6:])
    else:
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def doc_number(text: str) -> str | None:
    """The canonical 文号 (国知战联办〔2022〕9号) of a line that is one, else None."""
    m = DOC_NUMBER.match(text.replace(" ", ""))
    return f"{m['org']}〔{m['year']}〕{m['n']}号" if m else None


def split_addressees(text: str) -> tuple[str, ...]:
    """Addressees: ， separates; 、 separates too, except inside a part that says 各 (各旗、县、区人民政府)."""
    out: list[str] = []
    for part in filter(None, (p.strip() for p in text.rstrip("：").split("，"))):
        out.extend([part] if "各" in part or "（" in part else [p for p in part.split("、") if p])
    return tuple(out)


def metadata_pairs(text: str) -> list[tuple[str, str]]:
    """(canonical key, value) pairs of a metadata line: key: value (several a line), • key : value, | key | value |."""
    pairs: list[tuple[str, str]]
    if text.startswith("|"):
        cells = [c.strip() for c in text.strip("|").split("|")]
        pairs = list(zip(cells[::2], cells[1::2], strict=False))
    else:
        text = text.removeprefix("•").lstrip()
        found = list(METADATA_PAIR.finditer(text))
        if not found or found[0].start() != 0:
            return []
        ends = [m.start() for m in found[1:]] + [len(text)]
        pairs = [(m["key"], text[m.end() : end]) for m, end in zip(found, ends, strict=True)]
    return [(METADATA_KEYS[k.replace(" ", "")], v.strip()) for k, v in pairs if k.replace(" ", "") in METADATA_KEYS]


def read_notice(lines: list[tuple[int, Span]], selector) -> tuple[Notice, set[int]]:
    """The notice fields of these lines, and the numbers of the lines they came from."""
    notice = Notice()
    used: set[int] = set()
    quoted: list[str] = []
    metadata: dict[str, str] = {}
    texts = [(n, s.text.strip()) for n, s in lines]
    for i, (number, text) in enumerate(texts):
        if not text:
            continue
        pairs = metadata_pairs(text)
        if pairs:
            for key, value in pairs:
                metadata.setdefault(key, value)
            used.add(number)
            notice = replace(notice, metadata_lines=(*notice.metadata_lines, number))
        elif (dn := doc_number(text)) and notice.doc_number is None:
            notice = replace(notice, doc_number=dn, doc_number_line=number)
        elif NOTICE_TITLE.match(text) and notice.title is None:
            notice = replace(notice, title=text.replace(" ", ""), title_line=number)
        elif notice.title is None and (wrapped := _wrapped_title(texts, i)):
            notice = replace(notice, title=wrapped[0], title_line=number)
            used.add(wrapped[1])
        elif text.endswith("：") and notice.title and not notice.addressees and not text.startswith("附件"):
            notice = replace(notice, addressees=split_addressees(text), addressees_line=number)
        elif m := SEAL.match(text):
            notice = replace(notice, sealed_by=m["name"])
        elif m := MARKERS.match(text):
            notice = replace(notice, markers=(*notice.markers, (m["text"], number)))
        elif m := ATTACHMENT.match(text):
            notice = replace(notice, markers=(*notice.markers, ("附件", number)))
            if m["title"]:
                notice = replace(notice, attachments=(*notice.attachments, (m["title"].strip(), number)))
        elif m := PUBLISHED.match(text):
            notice = replace(notice, published=parse_date(m["date"]), published_line=number)
        elif NOTICE_TEXT.match(text):
            quoted.append(text)  # the notice's own sentences: part of the notice, no field but the period they give
        elif (iso := parse_date(text)) and notice.issued is None:
            notice = replace(notice, issued=iso, issued_line=number)
            notice = _issuers(notice, texts[:i])
        else:
            continue
        used.add(number)
        if m := REPLY_BY.search(text):
            notice = _reply(notice, m, number, lines, selector)
    for number, text in texts:
        if m := REPLY_BY.search(text):
            notice = _reply(notice, m, number, lines, selector)
    if notice.issuers_line:
        used.add(notice.issuers_line)
    notice = with_metadata(notice, metadata)
    return replace(notice, period=notice_period(notice, quoted)), used


def notice_period(notice: Notice, sentences: list[str]) -> tuple[int, int] | None:
    """The years of the title the notice issues (its own title, then its sentences), else of its date."""
    for text in (notice.title or "", *sentences):
        for m in ISSUED_TITLE.finditer(text.replace(" ", "")):
            if years := YEARS.match(m["title"]):
                start = int(years["start"])
                return start, int(years["end"] or start)
    date = notice.issued or parse_date(dict(notice.metadata).get("成文日期", ""))
    return (int(date[:4]), int(date[:4])) if date else None


def _wrapped_title(texts: list[tuple[int, str]], index: int) -> tuple[str, int] | None:
    """(title, line of its second part) of a notice title wrapped onto the next line, a blank line between or not."""
    text = texts[index][1]
    if "关于" not in text or text.endswith(("通知", "。", "：")):
        return None
    following = [(n, t) for n, t in texts[index + 1 : index + 3] if t][:1]
    if following and NOTICE_TITLE.match(joined := (text + following[0][1]).replace(" ", "")):
        return joined, following[0][0]
    return None


def with_metadata(notice: Notice, metadata) -> Notice:
    """The notice with a metadata block's fields (索引号, 文号, 发布日期 …) where it lacks them."""
    found = dict(notice.metadata)
    for key, value in metadata.items():
        canonical = METADATA_KEYS.get(key.replace(" ", ""))
        if canonical == "文号":
            value = doc_number(value) or value
        if canonical:
            found.setdefault(canonical, value.strip())
    if not found:
        return notice
    notice = replace(notice, metadata=tuple(sorted(found.items())))
    if notice.doc_number is None and "文号" in found:
        notice = replace(notice, doc_number=doc_number(found["文号"]))
    if notice.published is None and "发布日期" in found:
        notice = replace(notice, published=parse_date(found["发布日期"]))
    return notice


def _issuers(notice: Notice, before: list[tuple[int, str]]) -> Notice:
    """The signature: the line before the date (and before a 代章 line), joint issuers split on spaces."""
    for number, text in reversed(before):
        if not text or SEAL.match(text):
            continue
        if text.endswith(("。", "：", "）")) or len(text) > 60:
            return notice
        return replace(notice, issuers=tuple(text.split()), issuers_line=number)
    return notice


def _reply(notice: Notice, m: re.Match[str], number: int, lines, selector) -> Notice:
    if notice.reply_by is not None:
        return notice
    span = next(s for n, s in lines if n == number)
    text = m.group(0)
    where = selector(span[m.start() : m.end()])
    return replace(notice, reply_by=Deadline(text, due(m["date"], None)[0], where=where))


__all__ = ["Selector", "chinese_number", "doc_number", "parse_date", "read_notice", "split_addressees"]
