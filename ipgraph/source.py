"""Reading source documents: bytes on disk → decoded, normalised lines."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError

# Tried in order. GB18030 is a superset of GBK and GB2312, the encodings that
# Chinese government documents most often come in besides UTF-8.
ENCODINGS = ("utf-8", "gb18030")


@dataclass(frozen=True)
class SourceText:
    path: str
    text: str
    sha256: str
    encoding: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def decode(data: bytes, path: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes, detecting UTF-8 (with or without BOM) or GB18030 unless told."""
    if b"\x00" in data:
        raise SourceError(path, "not a text file (it contains NUL bytes)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    candidates = (encoding,) if encoding else ENCODINGS
    for name in candidates:
        try:
            return data.decode(name), name
        except UnicodeDecodeError as exc:
            last = exc
        except LookupError:
            raise SourceError(path, f"unknown encoding {name!r}") from None
    line = data[: last.start].count(b"\n") + 1
    tried = " or ".join(candidates)
    raise SourceError(path, f"cannot decode byte {last.start} as {tried}; pass --encoding", line=line)


def read_source(path: str | Path, encoding: str | None = None) -> SourceText:
    """Read a source file; line endings are normalised to LF and the BOM dropped."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise SourceError(str(p), f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise SourceError(str(p), "the file is empty")
    text, used = decode(data, str(p), encoding)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return SourceText(str(p), text, hashlib.sha256(data).hexdigest(), used)
