"""Parameters typed by people are data: hostile values cannot change a query, bad ones are refused clearly."""

from __future__ import annotations

import pytest

from ipgraph.errors import QueryError
from ipgraph.sparql.library import MAX_PARAM_LENGTH, library, parse_header
from ipgraph.sparql.run import run_embedded

HOSTILE = (
    '保护司" } ; DROP ALL ; #',
    "保护司' } ; DELETE WHERE { ?s ?p ?o } #",
    '"@en . } UNION { ?s ?p ?o } #',
    "> <http://example.org/evil> . #",
    "\n}\nSELECT * WHERE { ?s ?p ?o }\n#",
    "\\u0022 } ; CLEAR DEFAULT",
    "?task",
    "$dept",
    "<script>alert(1)</script>",
    "x" * 5_000,
)
INNOCENT = "甲乙丙不存在的名称"
ECHO = parse_header("echo", "# param v: literal -- any text\nSELECT ?v ?n WHERE { BIND(STRLEN(?v) AS ?n) }\n")
NODE = parse_header("node", "# param node: iri -- any IRI\nSELECT ?node ?p ?o WHERE { ?node ?p ?o }\n")
NUMBER = parse_header("number", "# param n: integer -- a number\nSELECT ?t ?n WHERE { ?t a ipg:Task ; ipg:number ?n }")


def _literal_params() -> list[tuple[str, str]]:
    return [
        (name, param.name)
        for name, query in library().items()
        for param in query.params
        if param.type.startswith("literal")
    ]


@pytest.mark.parametrize(("name", "param"), _literal_params())
def test_hostile_literal_values_are_data(store, name, param):
    """A hostile value answers exactly what an innocent unknown value answers, and the query text is untouched."""
    query = library()[name]
    on_disk = query.path.read_text(encoding="utf-8")
    size = len(store)
    innocent = run_embedded(store, query, {param: INNOCENT}).records()
    for value in HOSTILE:
        result = run_embedded(store, query, {param: value})
        assert _without(result.records(), param) == _without(innocent, param), value[:40]
    assert query.text == on_disk == query.path.read_text(encoding="utf-8")
    assert len(store) == size


def _without(records: list[dict[str, str]], param: str) -> list[dict[str, str]]:
    """Rows without the column that echoes the parameter back."""
    return [{k: v for k, v in row.items() if k != param} for row in records]


def test_a_literal_comes_back_exactly_as_typed(store):
    for value in (*HOSTILE, "保护司", "", "line one\r\nline two\ttab"):
        rows = run_embedded(store, ECHO, {"v": value}).rows
        assert rows == [
            {
                "v": {"type": "literal", "value": value},
                "n": {
                    "type": "literal",
                    "value": str(len(value)),
                    "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                },
            }
        ]


def test_a_real_department_matches_but_the_same_name_with_an_injection_does_not(store):
    query = library()["department-tasks"]
    assert run_embedded(store, query, {"dept": "保护司"}).rows
    assert not run_embedded(store, query, {"dept": '保护司" } ; DROP ALL ; #'}).rows


@pytest.mark.parametrize(
    "value",
    [
        "https://w3id.org/ipgraph/id/org/cnipa> ?p ?o } #",
        "https://w3id.org/ipgraph/id/org/cnipa ",
        "https://example.org/a b",
        "https://example.org/a\nb",
        'https://example.org/"quoted"',
        "https://example.org/{x}",
        "org/cnipa",
        "",
    ],
)
def test_bad_iri_values_are_refused(store, value):
    with pytest.raises(QueryError, match=r"node: .* is not an absolute IRI"):
        run_embedded(store, NODE, {"node": value})


def test_a_good_iri_value_is_a_node(store):
    rows = run_embedded(store, NODE, {"node": "https://w3id.org/ipgraph/id/org/cnipa"}).records()
    labels = [row["o"] for row in rows if row["p"] == "http://www.w3.org/2004/02/skos/core#prefLabel"]
    assert "国家知识产权局" in labels


@pytest.mark.parametrize("value", ["9; DROP ALL", "9.5", "nine", "9 9", "", "0x9", "９", "٩"])
def test_bad_integer_values_are_refused(store, value):
    with pytest.raises(QueryError, match=r"n: .* is not an integer"):
        run_embedded(store, NUMBER, {"n": value})


def test_an_integer_value_is_a_number(store, document):
    rows = run_embedded(store, NUMBER, {"n": " 9 "}).values("t")
    assert rows == ["https://w3id.org/ipgraph/id/cnipa-tasklist-2021/task/9"]
    assert document.tasks[8].number == 9


def test_values_above_the_length_limit_are_refused_below_it_accepted(store):
    at_limit = run_embedded(store, ECHO, {"v": "长" * MAX_PARAM_LENGTH}).values("n")
    assert at_limit == [str(MAX_PARAM_LENGTH)]
    for size in (MAX_PARAM_LENGTH + 1, 100_000):
        with pytest.raises(QueryError, match=f"longer than {MAX_PARAM_LENGTH} characters"):
            run_embedded(store, ECHO, {"v": "长" * size})


def test_unknown_and_missing_parameters_are_refused(store):
    with pytest.raises(QueryError, match="unknown parameter"):
        run_embedded(store, ECHO, {"v": "a", "w": "} DROP ALL"})
    with pytest.raises(QueryError, match="missing parameter v"):
        run_embedded(store, ECHO, {})


def test_a_parameter_the_select_clause_does_not_project_is_a_clear_error(store):
    text = "# param n: integer -- a number\nSELECT (COUNT(*) AS ?c) WHERE { ?t ipg:number ?n }"
    query = parse_header("hidden", text)
    with pytest.raises(QueryError, match=r"cannot bind the parameters: .*\?n.*list each parameter in the SELECT"):
        run_embedded(store, query, {"n": "9"})


def test_a_parameter_where_no_term_may_be_written_is_still_bound_by_the_engine(store):
    """Parameters are written into the query for the planner; where a term cannot stand (a
    literal as a predicate), the query runs as written and the engine binds the variable."""
    text = "# param p: literal -- a predicate, wrongly typed\nSELECT ?p ?s WHERE { OPTIONAL { ?s ?p ?o } }"
    result = run_embedded(store, parse_header("predicate", text), {"p": "保护司"})
    assert result.records() == [{"p": "保护司"}]


def test_a_syntax_error_in_a_query_with_parameters_points_into_the_query_as_written(store):
    text = "# param n: integer -- a number\nSELECT ?t ?n WHERE {\n  ?t ipg:number ?n .\n  FILTER(?n >) }"
    with pytest.raises(QueryError, match=r"line 4, column 17") as caught:
        run_embedded(store, parse_header("broken", text), {"n": "9"})
    assert "FILTER(?n >)" in str(caught.value)
