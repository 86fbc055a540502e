"""Checks that differ only in their focus nodes run as one query, and each keeps its own rows."""

import pyoxigraph as ox
import pytest

from ipgraph.shacl.compiled import merge as shacl_merge

EX = "http://example.org/"
DATA = f"""
<{EX}a> a <{EX}Task> ; <{EX}label> "x"@zh, "y"@zh .
<{EX}b> a <{EX}Task>, <{EX}Section> ; <{EX}label> "u"@en, "v"@en .
<{EX}c> a <{EX}Section> ; <{EX}label> "w"@en .
"""


def focus(cls: str) -> str:
    return f"{{ SELECT DISTINCT ?this WHERE {{ {{ ?this a <{EX}{cls}> }} }} }}"


def unique_lang(cls: str) -> str:
    return (
        f"SELECT ?this WHERE {{ {focus(cls)} ?this <{EX}label> ?v . BIND (lang(?v) AS ?lang) }} "
        "GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?v) > 1)"
    )


def values(cls: str) -> str:
    return f"SELECT ?this ?value WHERE {{ {focus(cls)} ?this <{EX}label> ?value }}"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TURTLE)
    return store


def rows(store: ox.Store, query: str) -> list[dict]:
    solutions = store.query(query)
    names = [v.value for v in solutions.variables]
    return [{name: solution[name] for name in names} for solution in solutions]


def answers(store: ox.Store, queries: list[str]) -> list[list[dict]]:
    to_run, where = shacl_merge.plan(queries)
    ran = [rows(store, query) for query in to_run]
    return [shacl_merge.rows_for(ran[run], tag) for run, tag in where]


def key(found: list[dict]) -> list:
    return sorted(tuple(sorted((k, str(v)) for k, v in row.items())) for row in found)


@pytest.mark.parametrize("make", [unique_lang, values], ids=["grouped", "plain"])
def test_merged_queries_give_each_check_its_own_rows(store, make):
    queries = [make("Task"), make("Section")]
    to_run, where = shacl_merge.plan(queries)
    assert len(to_run) == 1 and [run for run, _ in where] == [0, 0]
    merged = answers(store, queries)
    assert [key(found) for found in merged] == [key(rows(store, q)) for q in queries]


def test_a_node_in_two_focus_groups_is_checked_for_both(store):
    task, section = answers(store, [unique_lang("Task"), unique_lang("Section")])
    assert {str(row["this"]) for row in task} == {f"<{EX}a>", f"<{EX}b>"}
    assert {str(row["this"]) for row in section} == {f"<{EX}b>"}


def test_tag_columns_do_not_reach_the_rows(store):
    for found in answers(store, [values("Task"), values("Section")]):
        assert found and all(set(row) == {"this", "value"} for row in found)


@pytest.mark.parametrize(
    "make",
    [
        lambda cls: values(cls) + " ORDER BY ?value",
        lambda cls: values(cls) + " LIMIT 1",
        lambda cls: f"SELECT (COUNT(*) AS ?n) WHERE {{ {focus(cls)} ?this <{EX}label> ?v }}",
        lambda cls: f"SELECT ?this WHERE {{ {{ {focus(cls)} }} ?this <{EX}label> ?v }}",
    ],
    ids=["ordered", "sliced", "aggregate without GROUP BY", "focus not at the top level"],
)
def test_queries_that_cannot_carry_a_tag_run_as_they_are(make):
    queries = [make("Task"), make("Section")]
    assert shacl_merge.plan(queries) == (queries, [(0, None), (1, None)])


def test_queries_with_other_bodies_are_not_merged():
    queries = [values("Task"), unique_lang("Task")]
    assert shacl_merge.plan(queries) == (queries, [(0, None), (1, None)])
