"""Named queries run twice, on two engines or two ways, and their answers compared as SPARQL allows.

Shared by the tests of remote stores (Oxigraph server, Virtuoso) against the embedded store.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from ipgraph.sparql.library import NamedQuery, library
from ipgraph.sparql.remote import fingerprint
from ipgraph.sparql.results import Result

# Values for required parameters without a default, where the header's "e.g." example does not serve.
TEST_VALUES: dict[str, dict[str, str]] = {}
EXAMPLE_RE = re.compile(r"\be\.g\.\s*([^\s,，、;()]+)")


def params_for(query: NamedQuery) -> dict[str, str]:
    """Each required parameter without a default gets a documented value: TEST_VALUES, else its "e.g." example."""
    values = {}
    for param in query.params:
        if param.default is None and not param.optional:
            example = EXAMPLE_RE.search(param.doc)
            value = TEST_VALUES.get(query.name, {}).get(param.name) or (example and example.group(1))
            if not value:
                where = f"queries/{query.name}.rq: param {param.name}"
                pytest.fail(f"{where} needs an 'e.g.' example or a TEST_VALUES entry")
            values[param.name] = value
    return values


def canonical_term(term: dict) -> tuple:
    """A term as RDF 1.1 sees it: ``xsd:string`` literals are plain literals (stores differ only in that)."""
    datatype = term.get("datatype")
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = None
    kind = "literal" if term["type"] in ("literal", "typed-literal") else term["type"]
    return kind, term["value"], term.get("xml:lang", "").lower(), datatype or ""


def aggregated_columns(query: NamedQuery, aggregate: str) -> dict[str, str]:
    """Columns projected as ``(AGGREGATE(…) AS ?col)``, with the text inside the aggregate's parentheses."""
    text, columns = query.text, {}
    for m in re.finditer(rf"\b{aggregate}\s*\(", text, re.I):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        alias = re.match(r"\s*AS\s+\?(\w+)", text[i:], re.I)
        if alias:
            columns[alias.group(1)] = text[m.end() : i - 1]
    return columns


def concatenated_columns(query: NamedQuery) -> dict[str, str]:
    """GROUP_CONCAT columns and their separators: SPARQL leaves the order of the items open."""
    columns = {}
    for var, inner in aggregated_columns(query, "GROUP_CONCAT").items():
        sep = re.search(r';\s*separator\s*=\s*"([^"]*)"\s*$', inner, re.I)
        columns[var] = sep.group(1) if sep else " "
    return columns


def answer(result: Result, query: NamedQuery | None = None):
    """A result as a comparable value: rows as a multiset, triples as a set, or the boolean.

    SPARQL leaves two aggregates open, so two engines (or two runs) may differ in them: the items
    of GROUP_CONCAT columns are sorted, and SAMPLE columns are compared as bound or not.
    """
    if result.kind == "graph":
        return fingerprint(result.triples or "")
    if result.kind == "boolean":
        return result.boolean
    concatenated = concatenated_columns(query) if query else {}
    sampled = aggregated_columns(query, "SAMPLE") if query else {}

    def cell(var: str, term: dict) -> tuple:
        if var in sampled:
            return ("sampled",)
        if var in concatenated and term["type"] in ("literal", "typed-literal"):
            sep = concatenated[var]
            term = {**term, "value": sep.join(sorted(term["value"].split(sep)))}
        return canonical_term(term)

    rows = Counter(tuple(sorted((var, cell(var, term)) for var, term in row.items())) for row in result.rows)
    return result.variables, rows


QUERIES = sorted(library())
