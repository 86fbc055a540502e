"""Query text from people: syntax errors give the position, slow queries stop at the limit, caps are reported."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing

import pyoxigraph as ox
import pytest

from ipgraph.cli import main
from ipgraph.errors import QueryError, QueryTimeout
from ipgraph.sparql import run
from ipgraph.sparql.library import library, parse_header, resolve
from ipgraph.sparql.run import evaluate, run_embedded

# Three-way cross product of every triple with itself: billions of rows to count, never finishes in a test.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
DEPARTMENTS = "SELECT DISTINCT ?dept WHERE { ?task a ipg:Task ; ipg:responsibleBody ?dept } ORDER BY ?dept"


def _no_query_process_left() -> None:
    assert [p for p in multiprocessing.active_children() if p.name == "ipgraph-query"] == []


@pytest.mark.slow
def test_a_slow_query_is_stopped_at_the_time_limit(store):
    with pytest.raises(QueryTimeout, match=r"time limit of 1 s, and no results were returned"):
        run_embedded(store, resolve(SLOW), timeout=1)
    _no_query_process_left()


def test_the_time_limit_is_a_query_error_so_callers_report_it_as_one(store):
    assert issubclass(QueryTimeout, QueryError)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(library()))
def test_queries_within_the_time_limit_answer_as_without_one(store, name, document):
    query = library()[name]
    params = {p.name: _example(p.name) for p in query.params if p.default is None and not p.optional}
    assert run_embedded(store, query, params, timeout=60) == run_embedded(store, query, params)
    _no_query_process_left()


def _example(param: str) -> str:
    """A value each required parameter of the library accepts."""
    return {"task": "9", "dept": "保护司", "province": "广东", "word": "地理标志"}.get(param, "地理标志")


def test_the_spawned_fallback_gives_the_same_answer(store, monkeypatch):
    monkeypatch.setattr(run, "_context", lambda: multiprocessing.get_context("spawn"))
    query = resolve(DEPARTMENTS)
    assert run_embedded(store, query, timeout=60) == run_embedded(store, query)


def test_errors_inside_the_time_limited_process_come_back_as_query_errors(store):
    with pytest.raises(QueryError, match=r"syntax error at 1:\d+"):
        run_embedded(store, resolve("SELECT ?x WHERE { ?x ?y }"), timeout=10)


@pytest.mark.parametrize("timeout", [0, -1, float("nan")])
def test_a_time_limit_must_be_positive(store, timeout):
    with pytest.raises(QueryError, match="more than 0 seconds"):
        run_embedded(store, resolve(DEPARTMENTS), timeout=timeout)


def test_an_infinite_time_limit_is_no_limit(store):
    query = resolve(DEPARTMENTS)
    assert run_embedded(store, query, timeout=float("inf")) == run_embedded(store, query)


@pytest.mark.slow
def test_the_command_line_stops_a_slow_query(capsys, tmp_path):
    assert main(["query", SLOW, "--timeout", "1"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("ipgraph: query stopped: it ran past the time limit of 1 s")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("text", "line", "excerpt"),
    [
        ("SELECT ?x WHERE {\n  ?x ipg:number 3 .\n  FILTER(?x = )\n}", 3, "FILTER(?x = )"),
        ("SELECT ?x WHERE { ?x a nope:Thing }", 1, "nope:Thing"),
        ('SELECT ?x WHERE { ?x rdfs:label "知识产权" ?y }', 1, '"知识产权"'),
    ],
)
def test_syntax_errors_give_the_position_the_parsers_message_and_the_line(store, text, line, excerpt):
    with pytest.raises(QueryError) as err:
        run_embedded(store, resolve(text))
    head, *shown, caret = str(err.value).split("\n")
    reported = int(head.removeprefix("SPARQL syntax error at ").split(":")[0])
    assert reported in (line, line + 1)  # where the parser gave up: at the mistake or just past it
    assert f"(line {reported}, column " in head
    assert "expected" in head or "undeclared prefix" in head
    assert any(excerpt in text for text in shown) and caret.strip() == "^"


def test_the_caret_points_at_the_reported_column(store):
    text = "SELECT ?x WHERE { ?x a nope:Thing }"
    with pytest.raises(QueryError) as err:
        run_embedded(store, resolve(text))
    head, shown, caret = str(err.value).split("\n")
    column = int(head.split(":")[1].split()[0])
    assert caret.index("^") - 4 == column - 1
    assert shown[4:] == text


def test_a_very_long_query_line_is_shown_in_part(store):
    text = "SELECT ?x WHERE { " + "?x ?p ?o . " * 10_000 + "?x ?y }"
    with pytest.raises(QueryError) as err:
        run_embedded(store, resolve(text))
    assert len(str(err.value)) < 1_000


def test_lazy_rows_are_the_engines_own_json_results(store):
    """Rows read one by one (so that a cap stops early) equal the engine's SPARQL JSON serialisation."""
    for query in library().values():
        params = {p.name: _example(p.name) for p in query.params if p.default is None and not p.optional}
        answer = store.query(query.text, query.bind(params))
        if not isinstance(answer, ox.QuerySolutions):
            continue
        engine = json.loads(answer.serialize(format=ox.QueryResultsFormat.JSON))
        ours = evaluate(store, query.text, query.bind(params))
        assert ours.variables == engine["head"]["vars"]
        assert ours.rows == engine["results"]["bindings"], query.name


def test_a_long_answer_shares_the_values_of_recurring_terms_and_reads_the_rest_afresh(store):
    """Past the rows a column is probed on, both kinds of column still give the engine's JSON;
    a recurring term (a predicate) gives every row the same value."""
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    rows = evaluate(store, text, {}).rows
    engine = json.loads(store.query(text).serialize(format=ox.QueryResultsFormat.JSON))["results"]["bindings"]
    assert len(rows) > 4 * run.PROBE_ROWS and rows == engine
    labels = [row["p"] for row in rows if row["p"]["value"].endswith("#label")]
    assert len(labels) > 100 and all(value is labels[0] for value in labels)


@pytest.mark.parametrize("timeout", [None, 60])
def test_row_caps_are_applied_and_flagged(store, timeout):
    query = resolve(DEPARTMENTS)
    everything = run_embedded(store, query, timeout=timeout)
    total = len(everything.rows)
    assert total > 5 and not everything.truncated
    capped = run_embedded(store, query, max_rows=5, timeout=timeout)
    assert capped.rows == everything.rows[:5] and capped.truncated
    exact = run_embedded(store, query, max_rows=total, timeout=timeout)
    assert exact.rows == everything.rows and not exact.truncated
    nothing = run_embedded(store, query, max_rows=0, timeout=timeout)
    assert nothing.rows == [] and nothing.truncated


def test_a_negative_row_cap_is_refused(store):
    with pytest.raises(QueryError, match="row limit"):
        run_embedded(store, resolve(DEPARTMENTS), max_rows=-1)


def _rows(fmt: str, out: str) -> int:
    if fmt == "json":
        data = json.loads(out)
        assert set(data) == {"head", "results"}  # SPARQL 1.1 JSON has no place for the cap: it goes to stderr
        return len(data["results"]["bindings"])
    if fmt in ("csv", "tsv"):
        return len(list(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))) - 1
    return len(out.splitlines()) - 3  # table: header, rule, rows, "(N rows, truncated …)"


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_the_cap_is_reported_in_every_output_format(capsys, fmt):
    assert main(["query", DEPARTMENTS, "--max-rows", "4", "--format", fmt]) == 0
    out, err = capsys.readouterr()
    assert _rows(fmt, out) == 4
    assert "result truncated at 4 rows (--max-rows)" in err


def test_no_cap_note_when_everything_fits(capsys):
    assert main(["query", DEPARTMENTS, "--max-rows", "1000", "--format", "csv"]) == 0
    assert "truncated" not in capsys.readouterr().err


def test_a_parameterless_ask_and_construct_run_within_the_limit(store, document):
    ask = run_embedded(store, parse_header("ask", "ASK { ?t a ipg:Task }"), timeout=30)
    assert ask.boolean is True
    construct = run_embedded(store, resolve("CONSTRUCT { ?t a ipg:Task } WHERE { ?t a ipg:Task }"), timeout=30)
    assert construct.triples.count("\n") == len(document.tasks) == 22
