"""Decoding text: bytes on disk → decoded, normalised lines (plain text files and HTML pages).

Encodings: UTF-8 (with or without BOM), UTF-16 with a BOM, and GB18030 (a superset
of GBK and GB2312, the encodings Chinese government documents most often come in
besides UTF-8) are detected; any other can be named with ``encoding``. A file that
mixes encodings, is damaged, or is not text at all is refused with the line at fault.
"""

from __future__ import annotations

import codecs
import re

from ipgraph.errors import SourceError

# Tried in order when the file has no byte-order mark.
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"\x84\x31\x95\x33", "gb18030"),
)
# Control characters never found in text (tab, line breaks and form feeds are allowed).
CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# A line counts as UTF-8 evidence only with this many non-ASCII characters: one or
# two GB18030 characters can form valid UTF-8 by chance, longer runs practically never.
UTF8_EVIDENCE = 3
LINE_BREAK_RE = re.compile(rb"\r\n|\r|\n")


def decode(data: bytes, path: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes, detecting the encoding unless told; return (text with LF line ends, encoding used)."""
    bom = next((name for mark, name in BOMS if data.startswith(mark)), None)
    if encoding is None and bom is None and b"\x00" in data:
        line = _line_at(data, data.index(b"\x00"))
        raise SourceError(path, "not a text file (it contains NUL bytes)", line)
    name = encoding or bom
    if name:
        text = _decode_as(data, name, path, from_bom=encoding is None)
    else:
        text, name = _detect(data, path)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    _check_characters(text, path)
    return text, name


def _decode_as(data: bytes, name: str, path: str, *, from_bom: bool = False) -> str:
    try:
        return data.decode(name)
    except LookupError:
        raise SourceError(path, f"unknown encoding {name!r}") from None
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start].decode(name, errors="replace")
        line = prefix.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
        what = f"byte 0x{data[exc.start]:02x} ({exc.reason})"
        if from_bom:
            message = f"not a text file: it opens with a {name} byte-order mark but {what} is not {name}"
        else:
            message = f"not valid {name}: cannot decode {what}"
        raise SourceError(path, message, line) from None


def _detect(data: bytes, path: str) -> tuple[str, str]:
    """UTF-8 if the whole file is UTF-8; GB18030 if no line of it is; else a mixed-encoding error."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    utf8, other = _classify_lines(data)
    if utf8 and other:
        if len(utf8) >= len(other):
            raise SourceError(
                path,
                f"this line is not valid UTF-8, but the file is UTF-8 (e.g. line {utf8[0]}): "
                "mixed encodings, or a damaged or truncated file; save the whole file in one encoding",
                other[0],
            )
        raise SourceError(
            path,
            f"this line is UTF-8, but the rest of the file is not (e.g. line {other[0]}): "
            "mixed encodings; save the whole file in one encoding",
            utf8[0],
        )
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        line = _line_at(data, exc.start)
        raise SourceError(
            path,
            f"cannot decode byte 0x{data[exc.start]:02x} as UTF-8 or GB18030: not a text file in a known "
            "encoding (if it is text, name its encoding with --encoding)",
            line,
        ) from None


def _line_at(data: bytes, offset: int) -> int:
    """The 1-based line of a byte offset, counting line breaks as the parser does (LF, CRLF, CR)."""
    return len(LINE_BREAK_RE.findall(data, 0, offset)) + 1


def _classify_lines(data: bytes) -> tuple[list[int], list[int]]:
    """Line numbers of the lines that are clearly UTF-8, and of those that are not UTF-8."""
    utf8: list[int] = []
    other: list[int] = []
    for number, raw in enumerate(LINE_BREAK_RE.split(data), start=1):
        if raw.isascii():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            other.append(number)
            continue
        if sum(not ch.isascii() for ch in text) >= UTF8_EVIDENCE:
            utf8.append(number)
    return utf8, other


def _check_characters(text: str, path: str) -> None:
    m = CONTROL_RE.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        column = m.start() - text.rfind("\n", 0, m.start())
        raise SourceError(path, f"not a text file: control character U+{ord(m.group()):04X} at column {column}", line)
