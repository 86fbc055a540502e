"""Running the compiled checks' queries: merged where they differ only in their focus nodes, and in
forked processes on large graphs."""

from __future__ import annotations

import multiprocessing
import os

import pyoxigraph as ox

from ipgraph.shacl.compiled.checks import Check, component
from ipgraph.shacl.compiled.merge import plan, rows_for

# Below this many triples the checks run in this process: forking would cost more than it saves.
PARALLEL_FROM = 200_000


def select_rows(store: ox.Store, query: str) -> list[dict]:
    """The solutions of a SELECT query, as dicts from variable name to term."""
    solutions = store.query(query)
    if not isinstance(solutions, ox.QuerySolutions):
        raise ValueError(f"a compiled check is a SELECT query, not: {query[:200]}")
    names = [variable.value for variable in solutions.variables]
    return [dict(zip(names, solution, strict=True)) for solution in solutions]


# What forked workers read: set just before the pool forks, so children inherit the store
# instead of receiving a copy.
_SHARED: tuple[ox.Store, list[str]] | None = None


def _rows_of(index: int) -> tuple[int, list[dict]]:
    if _SHARED is None:
        raise RuntimeError("_rows_of runs in the workers that all_rows forks")
    store, queries = _SHARED
    return index, select_rows(store, queries[index])


def workers_for(store: ox.Store) -> int:
    """How many processes to run the checks in: one per core (at most 4) for graphs of
    :data:`PARALLEL_FROM` triples or more where processes can be forked, else one."""
    if "fork" not in multiprocessing.get_all_start_methods() or len(store) < PARALLEL_FROM:
        return 1
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def all_rows(store: ox.Store, checks: list[Check], workers: int) -> list[list[dict]]:
    """Each check's rows, in the order of ``checks``; in ``workers`` forked processes when above 1.

    Checks that share a query run it once, and queries that differ only in their focus nodes
    run as one (:mod:`ipgraph.shacl.compiled.merge`). The store is read-only here, so forked children
    share its memory with the parent. SPARQL constraints, the slowest checks, are handed out
    first so the processes finish together.
    """
    queries = list(dict.fromkeys(check.query for check in checks))
    to_run, where = plan(queries)
    if workers <= 1:
        answers = [select_rows(store, query) for query in to_run]
    else:
        global _SHARED
        slow = {check.query for check in checks if check.component == component("SPARQL")}
        sparql = {run for query, (run, _) in zip(queries, where, strict=True) if query in slow}
        order = sorted(range(len(to_run)), key=lambda i: i not in sparql)
        _SHARED = (store, to_run)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                done = dict(pool.imap_unordered(_rows_of, order, chunksize=1))
        finally:
            _SHARED = None
        answers = [done[i] for i in range(len(to_run))]
    by_query = {query: rows_for(answers[run], tag) for query, (run, tag) in zip(queries, where, strict=True)}
    return [_flagged(by_query[check.query], check.flag) for check in checks]


def _flagged(rows: list[dict], flag: str | None) -> list[dict]:
    """The rows of a shared query that are violations of the check with this flag."""
    if flag is None:
        return rows
    return [row for row in rows if row.get(flag) is not None and row[flag].value == "true"]
