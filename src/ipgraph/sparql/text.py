"""SPARQL query text, read without parsing it: where its groups open and close.

Comments, IRIs and string literals may hold braces and keywords, so they are blanked out
first (:func:`masked_text`); offsets in the masked text are offsets in the query. Used to
write parameters into a query (:func:`written_in_place`), to refuse SERVICE at the endpoint and
to merge compiled SHACL checks; it imports nothing heavier than ``re``.
"""

from __future__ import annotations

import re

from ipgraph.errors import QueryError
from ipgraph.prefixes import XSD_STRING

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


BRACKETS = re.compile(r"[{}()\[\]]")


def nesting_depth(text: str) -> int:
    """How deeply the query's groups, expressions and blank-node lists nest (braces, parentheses,
    brackets outside comments, IRIs and strings)."""
    depth = deepest = 0
    for m in BRACKETS.finditer(masked_text(text)):
        if m.group() in "{([":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


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


def where_group(masked: str) -> int:
    """Offset of the ``{`` opening the query's outermost WHERE group."""
    form = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", masked, re.I)
    if not form:
        raise QueryError("cannot find the query form (SELECT, ASK, CONSTRUCT or DESCRIBE)")
    pos = form.end()
    if form.group(1).upper() == "CONSTRUCT":
        after = masked[pos:].lstrip()
        if after.startswith("{"):
            pos = matching_brace(masked, len(masked) - len(after)) + 1
        else:
            raise QueryError("parameters cannot be written into a CONSTRUCT WHERE short form")
    depth = 0  # parentheses: skip EXISTS { } inside projected expressions
    for i in range(pos, len(masked)):
        ch = masked[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "{" and depth == 0:
            return i
    raise QueryError("the query has no WHERE group to bind parameters in")


def written_in_place(text: str, terms: dict[str, str]) -> str:
    """``text`` with each variable of ``terms`` replaced by its term, as :func:`term_text` writes
    it, in the WHERE group, outside sub-selects (which the embedded store's substitutions do not
    reach either).

    A query planner sees such a term as a constant: it starts from the pattern the term narrows
    and tests a filter on it as soon as the filter's other variables are bound. A variable bound
    only when the query runs (a substitution) is planned as if unbound: ``search-measures`` would
    join every measure's patterns before testing the word (figures in docs/performance.md).
    """
    masked = masked_text(text)
    start = where_group(masked)
    end = matching_brace(masked, start)
    subselects = [
        (m.start(), matching_brace(masked, m.start()))
        for m in re.finditer(r"\{\s*SELECT\b", masked[: end + 1], re.I)
        if m.start() >= start
    ]
    variable = re.compile(r"[?$](" + "|".join(map(re.escape, terms)) + r")(?![\w\u00b7\u0300-\u036f\u203f-\u2040])")
    places = [
        m
        for m in variable.finditer(masked, start, end)
        if not any(first <= m.start() <= last for first, last in subselects)
    ]
    for m in reversed(places):
        text = f"{text[: m.start()]}{terms[m.group(1)]}{text[m.end() :]}"
    return text


def term_text(term) -> str:
    """A pyoxigraph term in N-Triples syntax; a simple literal with its ``^^xsd:string`` datatype
    written out.

    Both spellings are the same RDF 1.1 term, but Virtuoso 7.2 turns the non-Latin-1 characters
    of a simple literal into ``?`` under ``STR()`` unless the datatype is written.
    """
    text = str(term)
    datatype = getattr(term, "datatype", None)  # literals only
    if datatype is not None and not term.language and datatype.value == XSD_STRING:
        return f"{text}^^<{XSD_STRING}>"
    return text
