"""What a document is: its title, kind, period, region and key, read from the title, the notice and the file."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ipgraph.errors import SourceError
from ipgraph.ingest.reader.bodies import Region
from ipgraph.ingest.reader.noise import why_noise
from ipgraph.ingest.reader.normalise import Span
from ipgraph.ingest.reader.notice import doc_number, metadata_pairs, parse_date
from ipgraph.ingest.reader.structure import MARKERS, TERMINATORS
from ipgraph.ingest.records import Notice

TITLE = re.compile(r"^\S.{3,80}?(计划|方案|要点|规划|指引|清单|分解表|任务表|意见)(（[^（）]*）)?$")
EXCERPT = "（节选）"
# A title with the text run on after it on the same line (a flattened copy).
RUN_ON_TITLE = re.compile(r"^\s*(?P<title>\S.{3,80}?(?:计划|方案|要点|规划|指引))(?=\s*(?:为|根据|按照|现将))")
# (pattern in the title, kind): the first that matches.
KINDS = (
    (re.compile(r"要点"), "work-points"),
    (re.compile(r"指引"), "work-guide"),
    (re.compile(r"分工|清单|分解表|任务表"), "task-division"),
)
# Named periods: 十四五 is 2021–2025.
NAMED_PERIODS = {"十四五": (2021, 2025), "十三五": (2016, 2020), "十五五": (2026, 2030)}
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
PROVINCE = re.compile(r"^([\u4e00-\u9fff]{2,3}?省|[\u4e00-\u9fff]{2,6}?自治区)")
LONE_NUMBER = "lone page number"  # noise.NOISE's reason for a line that is only a number
CITY = re.compile(r"^([\u4e00-\u9fff]{2,4}?市)")


def _is_candidate(text: str) -> bool:
    if not text or why_noise(text) or metadata_pairs(text) or doc_number(text) or text.startswith("附件"):
        return False
    return not (text.endswith(("通知", "：")) or any(p.match(text) for _k, p, _l, _h in MARKERS))


def _wrapped_after_blank(first: str, second: str) -> bool:
    """Two lines with a blank between that are one title: neither is a title or a sentence on its own."""
    return not any(TITLE.match(t) or t.endswith(tuple(TERMINATORS)) or parse_date(t) for t in (first, second))


def find_title(lines: list[tuple[int, Span]]) -> tuple[int, int, Span, Span | None] | None:
    """(index of its first line, index of its last line, title, rest of the last line) of the document's title."""
    for index, (_, span) in enumerate(lines):
        text = span.text.strip()
        if not _is_candidate(text):
            continue
        following = next(((j, s) for j, (_, s) in enumerate(lines[index + 1 :], index + 1) if s.text.strip()), None)
        # the second line follows at once, or after one blank line (a page printing each line as a paragraph)
        gap = following[0] - index if following else 0
        if following and (gap == 1 or (gap == 2 and _wrapped_after_blank(text, following[1].text.strip()))):
            joined = (span.strip() + following[1].strip()).text
            nxt = following[1].text.strip()
            if TITLE.match(joined.removesuffix(EXCERPT)) and len(nxt) < 30 and not nxt.endswith("。"):
                return index, following[0], span.strip() + following[1].strip(), None
        if TITLE.match(text.removesuffix(EXCERPT)):
            return index, index, span.strip(), None
        if m := RUN_ON_TITLE.match(span.text):
            return index, index, span[: m.end("title")].strip(), span[m.end("title") :]
    return None


def kind_of(title: str, period: tuple[int, int] | None, has_body: bool) -> str:
    if not has_body:
        return "notice-only"
    for pattern, kind in KINDS:
        if pattern.search(title):
            return kind
    if period and period[0] == period[1]:
        return "annual-plan"
    return "plan"


def period_of(title: str, notice: Notice) -> tuple[int, int] | None:
    if m := re.search(r"(\d{4})\s*[—–\-至]\s*(\d{4})年", title):
        return int(m[1]), int(m[2])
    if m := re.search(r"（(\d{4})）|(\d{4})\s*年", title):
        year = int(m[1] or m[2])
        return year, year
    for name, years in NAMED_PERIODS.items():
        if name in title and "年度" not in title:
            return years
    if "年度" in title and notice.doc_number and (m := re.search(r"〔(\d{4})〕", notice.doc_number)):
        return int(m[1]), int(m[1])
    return None


def region_of(title: str, notice: Notice) -> Region:
    province = city = None
    for name in (*notice.issuers, title):
        if province is None and (m := PROVINCE.match(name)):
            province = m[1]
        if city is None and (m := CITY.match(name)):
            city = m[1]
    if city in MUNICIPALITIES:
        province = province or city
    return Region(province, city)


def signature(lines: list[tuple[int, Span]], after: int) -> set[int]:
    """Indexes of a signature (issuer, 代章, date) after the document's last item."""
    for i in range(len(lines) - 1, after - 1, -1):
        text = lines[i][1].text.strip()
        if not text or why_noise(text):
            continue
        if parse_date(text) is None:
            return set()
        found = {i}
        for j in range(i - 1, max(after, i - 4) - 1, -1):
            prior = lines[j][1].text.strip()
            if not prior:
                continue
            if (prior.endswith(tuple(TERMINATORS + "）")) and not prior.endswith("代章）")) or len(prior) > 60:
                break
            found.add(j)
            if not prior.endswith("代章）"):
                break
        return found
    return set()


def ignored_lines(
    lines: list[tuple[int, Span]], title: int, used: set[int], cells: bool
) -> tuple[tuple[int, str], ...]:
    """(line, why) of the lines that yield nothing: noise anywhere, other text before the title."""
    out = []
    for index, (number, span) in enumerate(lines):
        text = span.text.strip()
        why = why_noise(text)
        if why == LONE_NUMBER and cells and index > title:
            continue  # a number cell of a one-cell-per-line table
        if why is None and index < title and text and number not in used:
            why = "before the title"
        if why:
            out.append((number, why))
    return tuple(out)


def key_of(path: str) -> str:
    """The document's key: ``key`` in the .toml beside the source if it names one, else the file name."""
    sidecar = Path(path).with_suffix(".toml")
    if sidecar.is_file():
        try:
            key = tomllib.loads(sidecar.read_text(encoding="utf-8")).get("key")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SourceError(str(sidecar), f"invalid TOML: {exc}") from None
        if key is not None:
            if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", key):
                raise SourceError(str(sidecar), f"key {key!r} must be lower-case letters, digits and -", None, "key")
            return key
    stem = Path(path).stem.lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-") or "document"
