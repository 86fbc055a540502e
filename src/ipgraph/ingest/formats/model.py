"""The model every format reader returns: a text with a locator per line.

Kept apart from the package's ``read_source`` so that the readers can import it
while the package imports the readers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Locator:
    """Where one line of the text came from in its file."""

    kind: str  # "text" | "html" | "docx" | "pdf"
    path: str  # "line 12" | an XPath | "paragraph 7" / "table 1 row 3 cell 2" | "page 2 line 14"
    detail: Mapping[str, Any] = field(default_factory=dict)  # {"start": 10, "end": 42}, {"bbox": [...]}


@dataclass(frozen=True)
class SourceText:
    """A document as text: what a plain-text copy gives, lines joined by LF."""

    path: str
    text: str
    sha256: str  # of the bytes on disk, so it can be checked with sha256sum
    locators: tuple[Locator, ...]  # one per line: line i ↔ locators[i - 1]
    metadata: Mapping[str, str] = field(default_factory=dict)  # gov.cn block: 索引号, 发布机构, 文号, 成文日期
    media_type: str = "text/plain"
    encoding: str = "utf-8"  # of the bytes on disk, for text and HTML

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @classmethod
    def plain(cls, path: str, text: str, sha256: str = "", encoding: str = "utf-8") -> SourceText:
        """A text held in memory (or a decoded text file): each line located by its number."""
        locators = tuple(Locator("text", f"line {n}") for n in range(1, text.count("\n") + 2))
        return cls(path, text, sha256, locators, encoding=encoding)
