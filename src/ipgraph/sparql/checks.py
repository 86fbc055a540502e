"""Parameters checked against the graph: an empty answer says which value names nothing, and what is close.

A named query that matches its parameters against names (a department, a topic, a cited policy)
answers nothing when a value names nothing, which looks like a true "no". When an answer is empty,
each parameter with a ``# names`` line (:mod:`ipgraph.sparql.library`) is looked up among the names
the graph holds, compared as the queries compare them (case-insensitively, with or without 《》),
and the warning names the closest ones: ``did you mean …``. A full answer costs nothing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from ipgraph.sparql.library import NamedQuery, parse_header
from ipgraph.sparql.store import EmbeddedStore

MAX_SUGGESTIONS = 5
BRACKETS = re.compile(r"[《》〈〉]")


def normal(text: str) -> str:
    """A name as the queries compare it: case-insensitive, without title brackets and outer spaces."""
    return BRACKETS.sub("", text).strip().casefold()


def parameter_warnings(store: EmbeddedStore, query: NamedQuery, params: dict[str, str] | None) -> list[str]:
    """Why an empty answer of the embedded store is empty, for each given value that names nothing in the graph."""
    return warnings_from(lambda pattern: known_names(store, pattern), query, params)


def remote_parameter_warnings(
    endpoint: str, query: NamedQuery, params: dict[str, str] | None, default_graph: str | None = None
) -> list[str]:
    """The same, with the names asked of a remote SPARQL endpoint."""
    from ipgraph.sparql.remote import run_remote  # here: the HTTP client loads only when a remote store is asked

    def names(pattern: str) -> dict[str, str]:
        listing = parse_header("names", names_query(pattern))
        return named(run_remote(endpoint, listing, default_graph=default_graph).records())

    return warnings_from(names, query, params)


def warnings_from(
    names_of: Callable[[str], dict[str, str]], query: NamedQuery, params: dict[str, str] | None
) -> list[str]:
    warnings = []
    for param, (noun, pattern) in query.names.items():
        value = (params or {}).get(param)
        if not value:
            continue
        names = names_of(pattern)
        if normal(value) in names or value.strip() in names.values():
            warnings.append(f"{param}={value!r} is a known {noun}, but no row of the answer matches it")
            continue
        close = suggestions(value, names)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        warnings.append(f"{param}={value!r}: no {noun} of that name in the graph{hint}")
    return warnings


def names_query(pattern: str) -> str:
    return f"SELECT DISTINCT ?x ?name WHERE {{ {pattern} }}"


def known_names(store: EmbeddedStore, pattern: str) -> dict[str, str]:
    """The names the pattern lists (and the IRIs of what they name), normalised → as written."""
    rows = store.query(names_query(pattern))
    return named([{v: row[v].value for v in ("x", "name") if row[v] is not None} for row in rows])


def named(rows: list[dict[str, str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for row in rows:
        if "name" in row:
            found.setdefault(normal(row["name"]), row["name"])
        if "x" in row:
            found.setdefault(row["x"], row["x"])
    return found


def suggestions(value: str, names: dict[str, str]) -> list[str]:
    """The names closest to ``value``: those that contain it or that it contains, then the most alike."""
    wanted = normal(value)
    spelled = [n for n in names if not n.startswith(("http://", "https://"))]
    overlapping = [n for n in spelled if wanted in n or n in wanted]
    overlapping.sort(key=lambda n: (abs(len(n) - len(wanted)), n))
    alike = difflib.get_close_matches(wanted, spelled, n=MAX_SUGGESTIONS, cutoff=0.5)
    chosen = list(dict.fromkeys(overlapping + alike))[:MAX_SUGGESTIONS]
    return [names[n] for n in chosen]
