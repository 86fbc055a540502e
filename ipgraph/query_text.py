"""SPARQL query text, read without parsing it: where its groups open and close.

Comments, IRIs and string literals may hold braces and keywords, so they are blanked out
first (:func:`masked_text`); offsets in the masked text are offsets in the query. Used to
bind parameters on remote stores, to refuse SERVICE at the endpoint and to merge compiled
SHACL checks; it imports nothing heavier than ``re``.
"""

from __future__ import annotations

import re

from .errors import QueryError

# Comments, IRIs and string literals: masked before looking for braces and keywords.
OPAQUE = re.compile(
    r"#[^\n]*"
    r"|<[^<>\"{}|^`\\\s]*>"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
)


def masked_text(text: str) -> str:
    """The query text with comments, IRIs and strings blanked out (same length, same offsets)."""
    return OPAQUE.sub(lambda m: " " * len(m.group(0)), text)


def matching_brace(masked: str, start: int) -> int:
    """Offset of the ``}`` closing the ``{`` at ``start``."""
    depth = 0
    for i in range(start, len(masked)):
        if masked[i] == "{":
            depth += 1
        elif masked[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise QueryError("unbalanced braces in the query")
