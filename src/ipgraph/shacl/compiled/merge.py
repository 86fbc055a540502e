"""Compiled SHACL checks that differ only in their focus nodes, run as one query.

Shapes share property shapes and SPARQL constraints: the label checks apply to twelve
node shapes, the same-source constraint to three. Each compiled check joins its shape's
focus nodes (a ``{ SELECT DISTINCT ?this WHERE { … } }`` group in its top-level WHERE
clause) with the rest of the query, and Oxigraph evaluates that rest whole before the join,
so twelve shapes read every label twelve times. Merged, the rest is read once: the focus
groups become one UNION whose branches each bind a tag column, and each check keeps the
rows of its own branch. A node in two focus groups comes once per branch, so each check
sees exactly the rows its own query would give.
"""

from __future__ import annotations

import re

from ipgraph.sparql.text import masked_text, matching_brace

FOCUS_START = "{ SELECT DISTINCT ?this WHERE {"
SLOT = "{FOCUS}"
TAG = "_focus"
AGGREGATE = re.compile(r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.I)
ORDERED = re.compile(r"\b(LIMIT|OFFSET|ORDER\s+BY)\b", re.I)

# For each query given: (index of the query run for it, its tag column, or None when unmerged).
Plan = list[tuple[int, str | None]]


def plan(queries: list[str]) -> tuple[list[str], Plan]:
    """The queries to run for ``queries`` (distinct texts), with those that differ only in
    their focus group merged, and where each given query's rows are among them."""
    splits = [_split(query) for query in queries]
    groups: dict[str, list[int]] = {}
    for i, split in enumerate(splits):
        if split is not None:
            groups.setdefault(split[0], []).append(i)
    to_run: list[str] = []
    where: dict[int, tuple[int, str | None]] = {}
    for i, query in enumerate(queries):
        if i in where:
            continue
        split = splits[i]
        if split is None or len(groups[split[0]]) == 1:
            where[i] = (len(to_run), None)
            to_run.append(query)
            continue
        group = groups[split[0]]
        for k, j in enumerate(group):
            where[j] = (len(to_run), f"{TAG}{k}")
        focus_groups = [s[1] for s in (splits[j] for j in group) if s is not None]  # all split: same key
        to_run.append(_merged(split[0], focus_groups))
    return to_run, [where[i] for i in range(len(queries))]


def rows_for(rows: list[dict], tag: str | None) -> list[dict]:
    """The rows of one given query among those of the query run for it, without tag columns."""
    if tag is None:
        return rows
    return [{k: v for k, v in row.items() if not k.startswith(TAG)} for row in rows if row.get(tag) is not None]


def _split(query: str) -> tuple[str, str] | None:
    """(the query with its focus group replaced by a slot, the focus group), or None when the
    query cannot carry tag columns: no focus group directly in its top-level WHERE clause,
    aggregates without GROUP BY, ordered or sliced solutions, or a variable named like a tag."""
    masked = masked_text(query)
    start = masked.find(FOCUS_START)
    if start < 0 or f"?{TAG}" in query:
        return None
    open_where = masked.index("{")
    if masked.count("{", 0, start) - masked.count("}", 0, start) != 1:
        return None
    modifiers = masked[matching_brace(masked, open_where) :]
    if ORDERED.search(modifiers) or ("GROUP BY" not in modifiers and AGGREGATE.search(masked[:open_where])):
        return None
    end = matching_brace(masked, start) + 1
    return query[:start] + SLOT + query[end:], query[start:end]


def _merged(template: str, foci: list[str]) -> str:
    """One query for every focus group: a UNION of the groups, each binding its tag column,
    projected and (when the query groups its solutions) grouped by."""
    tags = [f"?{TAG}{k}" for k in range(len(foci))]
    union = " UNION ".join(f"{{ {focus} BIND (true AS {tag}) }}" for focus, tag in zip(foci, tags, strict=True))
    query = template.replace(SLOT, f"{{ {union} }}")
    masked = masked_text(query)
    open_where = masked.index("{")
    end = matching_brace(masked, open_where) + 1
    head, body, modifiers = query[:open_where], query[open_where:end], query[end:]
    if not re.search(r"\bSELECT\s+(DISTINCT\s+)?\*", head):
        head = re.sub(r"\s*WHERE\s*$", f" {' '.join(tags)} WHERE ", head)
    return head + body + modifiers.replace("GROUP BY", f"GROUP BY {' '.join(tags)}", 1)
