"""Parameters checked against the graph: an empty answer says which value names nothing, with the closest names."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import URIRef

from ipgraph.cli import main
from ipgraph.sparql.checks import known_names, normal
from ipgraph.sparql.library import library
from ipgraph.sparql.run import run_embedded

ORG = "http://www.w3.org/ns/org#"
QUERIES = library()
CHECKED = sorted(name for name, q in QUERIES.items() if q.names)


def run(store, name: str, **params: str):
    return run_embedded(store, QUERIES[name], params)


def examples(doc: str) -> list[str]:
    """The example values a parameter's description gives: 'e.g. A, B or C (…)'."""
    m = re.search(r"e\.g\. (.*?)(?: \(|;|$)", doc)
    assert m, doc
    return [v.strip() for v in re.split(r",| or ", m[1]) if v.strip()]


def test_the_queries_that_match_names_declare_them():
    assert CHECKED == [
        "concept-departments",
        "concept-sections",
        "department-tasks",
        "departments-sharing-tasks",
        "policy-citations",
        "region-province-measures",
        "scope-measures",
        "tasks-by-completion-time",
    ]


@pytest.mark.parametrize("name", CHECKED)
def test_every_documented_example_value_is_a_known_name_and_answers(store, name):
    """The names pattern lists what the query accepts: each documented example is among them, and answers."""
    query = QUERIES[name]
    for param, (_, pattern) in query.names.items():
        doc = next(p.doc for p in query.params if p.name == param)
        names = known_names(store, pattern)
        for value in examples(doc):
            assert normal(value) in names, (name, value)
            result = run(store, name, **{param: value})
            assert result.rows and result.warnings == [], (name, value)


def test_a_name_that_is_not_in_the_graph_is_reported_with_the_closest(store):
    result = run(store, "department-tasks", dept="知识产权局保护司")
    assert result.rows == []
    [warning] = result.warnings
    assert warning.startswith("dept='知识产权局保护司': no responsible department or body of that name")
    assert "did you mean 保护司," in warning


def test_a_policy_named_in_part_suggests_the_full_names(store):
    [warning] = run(store, "policy-citations", policy="专利法").warnings
    assert "did you mean 专利法实施细则" in warning


def test_a_misspelt_topic_and_province_suggest_the_right_ones(store):
    assert "did you mean 地理标志?" in run(store, "concept-departments", topic="地理标识").warnings[0]
    assert "广东" in run(store, "region-province-measures", province="广州").warnings[0]


def test_an_answer_with_rows_carries_no_warning(store):
    assert run(store, "department-tasks", dept="保护司").warnings == []


def test_a_unit_gives_the_tasks_of_its_sub_units(store, graph):
    """专利局 is responsible for no task itself; its units 专利局审查部 and 专利局自动化部 are."""
    result = run(store, "department-tasks", dept="专利局")
    units = {str(s) for s in graph.subjects(URIRef(ORG + "subOrganizationOf"), None)}
    assert len(units) == 2
    assert {row["department"]["value"] for row in result.rows} == units
    for unit in ("专利局审查部", "专利局自动化部"):
        alone = run(store, "department-tasks", dept=unit)
        assert set(alone.values("task")) <= set(result.values("task"))


def test_policy_names_with_and_without_title_brackets(store):
    plain = run(store, "policy-citations", policy="专利法实施细则")
    bracketed = run(store, "policy-citations", policy="《专利法实施细则》")
    assert plain.rows and plain.values("measure_number") == bracketed.values("measure_number")
    assert plain.values("reference") == bracketed.values("reference")


def test_cli_prints_the_warning_on_stderr_and_json_keeps_it_outside_the_results(capsys, graph, tmp_path):
    path = tmp_path / "graph.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    assert main(["query", "department-tasks", "-p", "dept=知识产权局保护司", "--graph", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "(0 rows)" in out
    assert err.startswith("ipgraph: warning: dept='知识产权局保护司': no responsible department")
    assert main(["query", "policy-citations", "-p", "policy=专利法", "--graph", str(path), "-f", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["results"] == {"bindings": []}
    assert "did you mean 专利法实施细则" in answer["warnings"][0]
