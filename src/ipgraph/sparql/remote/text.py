"""The text sent to a remote store: parameters as a ``VALUES`` row and in place, predeclared prefixes written out."""

from __future__ import annotations

import re

import pyoxigraph as ox

from ipgraph.prefixes import PREFIXES
from ipgraph.sparql.library import NamedQuery
from ipgraph.sparql.text import masked_text, matching_brace, term_text, where_group, written_in_place

_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.I)


def with_prefixes(text: str) -> str:
    """The query with a ``PREFIX`` for every predeclared prefix it does not declare.

    They go on the first line, so a store's error messages keep the query's line numbers.
    """
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(masked_text(text))}
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p not in declared]
    return " ".join([*missing, text]) if missing else text


def with_values(text: str, bound: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with ``bound`` as the embedded store binds it: each parameter written in place of
    its variable throughout the WHERE group, except inside sub-selects, and a ``VALUES`` row first
    in that group so the projection and the solution modifiers see it too.

    The VALUES row alone would not reach a nested group: SPARQL evaluates ``{ … FILTER(?p …) }``
    before joining it with the row, so a parameter test placed next to the pattern it narrows
    (which is what makes it fast) would see the variable unbound.
    Terms are written in N-Triples syntax (``str`` of a pyoxigraph term escapes them).
    A WHERE group that is a bare sub-select is wrapped in braces so the row can precede it.
    """
    if not bound:
        return text
    terms = {name: term_text(term) for name, term in bound.items()}
    text = written_in_place(text, terms)
    values = f" VALUES ({' '.join(f'?{name}' for name in terms)}) {{ ({' '.join(terms.values())}) }} "
    masked = masked_text(text)
    start = where_group(masked)
    end = matching_brace(masked, start)
    if re.match(r"\s*SELECT\b", masked[start + 1 : end], re.I):
        return f"{text[: start + 1]}{values}{{{text[start + 1 : end]}}} {text[end:]}"
    return f"{text[: start + 1]}{values}{text[start + 1 :]}"


def remote_text(query: NamedQuery, params: dict[str, str] | None = None) -> str:
    """The exact text sent to a remote store for this query and these parameter values."""
    return with_prefixes(with_values(query.text, query.bind(params)))
