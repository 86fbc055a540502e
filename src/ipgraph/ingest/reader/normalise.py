"""Normalisation with a map back to the original characters.

Every piece of text the reader looks at is a :class:`Span`: normalised characters, each
with the offset of the original character it came from. Normalising never loses the
way back, so every record can point at the characters of the original text
(``Span.start`` / ``Span.end``), whatever was converted, dropped or joined on the way.

What is normalised, per character (one in, one out): half-width punctuation to the
full-width forms of the published texts, full-width letters and digits to ASCII,
traditional to simplified characters (OpenCC ``t2s``), words a mirror's converter
got wrong (着作权 → 著作权), financial numerals at a heading
(壹、) to plain ones. What is dropped: spaces between CJK characters and inside brackets
and quotes (PDF extraction), pinyin glosses after characters. Joining wrapped lines is
concatenation of spans (:meth:`Span.__add__`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import opencc

HALF_TO_FULL = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
# Words that mirrors' converters get wrong, as the simplified word they stand for (same length: one for one).
MISCONVERSIONS = {"着作": "著作"}
FINANCIAL_NUMERALS = str.maketrans("壹贰叁肆伍陆柒捌玖拾", "一二三四五六七八九十")
CJK = r"\u3400-\u9fff\uf900-\ufaff"
# A character next to which a space is a PDF artefact: CJK, full-width punctuation, digits before 年/月.
TIGHT = re.compile(rf"[{CJK}\u3000-\u303f\uff01-\uff0f\uff1a-\uff20“”‘’《》〔〕—]")
OPENERS = "（《“〔【"
CLOSERS = "）》”〕】"
PINYIN_GLOSS = re.compile(r"（[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü ]+）")
LEADING_NUMERAL = re.compile(r"^\s*(?:[一二三四五六七八九十]+|\d{1,3})(?= )")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@dataclass(frozen=True)
class Span:
    """Normalised text and, for each of its characters, the offset of its original character."""

    text: str
    origin: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, index: slice) -> Span:
        return Span(self.text[index], self.origin[index])

    def __add__(self, other: Span) -> Span:
        return Span(self.text + other.text, self.origin + other.origin)

    @property
    def start(self) -> int:
        return self.origin[0] if self.origin else 0

    @property
    def end(self) -> int:
        return self.origin[-1] + 1 if self.origin else 0

    def strip(self, chars: str | None = None) -> Span:
        return self.lstrip(chars).rstrip(chars)

    def lstrip(self, chars: str | None = None) -> Span:
        return self[len(self.text) - len(self.text.lstrip(chars)) :]

    def rstrip(self, chars: str | None = None) -> Span:
        return self[: len(self.text.rstrip(chars))]


EMPTY = Span("", ())


def _convert(text: str) -> str:
    """Traditional → simplified, one character for one (a phrase that changes length is converted per character)."""
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c := _converter().convert(ch)) == 1 else ch for ch in text)


def _misconversions(text: str) -> str:
    for wrong, right in MISCONVERSIONS.items():
        text = text.replace(wrong, right)
    return text


def _char(ch: str) -> str:
    if ch in HALF_TO_FULL:
        return HALF_TO_FULL[ch]
    code = ord(ch)
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A or ch == "．":
        return chr(code - 0xFEE0)
    if ch == "\u3000":
        return " "
    return ch


def _quotes(text: str) -> str:
    """Straight double quotes as “ ” (opening, closing, alternately on the line)."""
    out, opening = [], True
    for ch in text:
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


def normalise_line(line: str, offset: int, *, keep_spaces: bool = False) -> Span:
    """One original line (starting at ``offset`` in the original text) as a normalised span."""
    chars = _quotes("".join(_char(ch) for ch in _misconversions(_convert(line))))
    head = re.match(r"^\s*[壹贰叁肆伍陆柒捌玖拾]+(?=、)", chars)
    if head:
        chars = chars[: head.end()].translate(FINANCIAL_NUMERALS) + chars[head.end() :]
    span = Span(chars, tuple(range(offset, offset + len(line))))
    span = _drop(span, [m.span() for m in PINYIN_GLOSS.finditer(span.text)])
    if not keep_spaces:
        span = _drop(span, list(_artefact_spaces(span.text)))
    return span


def _artefact_spaces(text: str):
    """Runs of spaces that PDF extraction put between characters, brackets and quotes."""
    keep = LEADING_NUMERAL.match(text)
    for m in re.finditer(r" +", text):
        if keep and m.start() == keep.end():
            continue
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if not before or not after:
            continue
        cjk_before, cjk_after = bool(TIGHT.match(before)), bool(TIGHT.match(after))
        digits = (before.isdigit() and cjk_after and after in "年月日号") or (
            cjk_before and after.isdigit() and before in "年月"
        )
        if (cjk_before and cjk_after) or digits or before in OPENERS or after in CLOSERS:
            yield m.span()


def _drop(span: Span, ranges: list[tuple[int, int]]) -> Span:
    if not ranges:
        return span
    keep = [True] * len(span.text)
    for start, end in ranges:
        keep[start:end] = [False] * (end - start)
    text = "".join(ch for ch, k in zip(span.text, keep, strict=True) if k)
    origin = tuple(o for o, k in zip(span.origin, keep, strict=True) if k)
    return Span(text, origin)


def lines_with_offsets(text: str) -> list[tuple[int, str, int]]:
    """(1-based line number, line, offset of its first character in ``text``) for every line."""
    out, offset = [], 0
    for number, line in enumerate(text.split("\n"), start=1):
        out.append((number, line, offset))
        offset += len(line) + 1
    return out
