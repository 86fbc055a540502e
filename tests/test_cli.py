"""The command line: help texts, `ipgraph queries`, and `ipgraph query` in every format and on bad input.

Queries run on a graph file written from the ``graph`` fixture (built from the source
now), so the answers do not depend on the committed ``data/ipgraph.ttl``. Expected
answers are read from the raw source lines.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from ipgraph.cli import main
from ipgraph.cli.commands import COMMANDS
from ipgraph.sparql.library import library

ROOT = Path(__file__).resolve().parent.parent
IPG = "https://w3id.org/ipgraph/ontology#"


@pytest.fixture(scope="module")
def graph_file(graph, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("cli") / "graph.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def responsibility_cells(source_lines) -> dict[int, str]:
    """Task number → its 责任部门 cell (the third tab-separated column of a task line)."""
    cells = {}
    for line in source_lines:
        if m := re.match(r"^(\d+)\.\s*[^\t]+\t[^\t]*\t([^\t]*)\t", line):
            cells[int(m[1])] = m[2]
    return cells


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``ipgraph ARGV…`` in-process: (exit status, stdout, stderr)."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse: --help, usage errors
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def query(capsys, graph_file: str, *argv: str) -> tuple[int, str, str]:
    return cli(capsys, "query", *argv, "--graph", graph_file)


def failed(code: int, err: str, *words: str) -> bool:
    """Exit status 2, a one-line-per-problem message naming ``words``, and no traceback."""
    return code == 2 and err.startswith("ipgraph: ") and "Traceback" not in err and all(w in err for w in words)


# --- help -------------------------------------------------------------------------------


def test_main_help_names_every_command(capsys):
    code, out, _ = cli(capsys, "--help")
    assert code == 0
    assert out.startswith("usage: ipgraph")
    assert "SPARQL" in out
    for name in COMMANDS:
        assert re.search(rf"^\s+{name}\s+\S", out, re.M), f"`ipgraph --help` does not explain {name}"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_subcommand_explains_itself(capsys, name):
    code, out, _ = cli(capsys, name, "--help")
    assert code == 0
    assert out.startswith(f"usage: ipgraph {name}")
    description = out.split("\n\n")[1]
    assert len(description.split()) >= 5, f"`ipgraph {name} --help` has no description"


def shown(capsys, *argv: str) -> str:
    """A command's help, its lines joined (argparse wraps them anywhere)."""
    code, out, _ = cli(capsys, *argv, "--help")
    assert code == 0
    return " ".join(out.split())


def defaults(function, **changed) -> tuple:
    """A function's positional defaults with some of them changed."""
    import inspect

    given = [p for p in inspect.signature(function).parameters.values() if p.default is not p.empty]
    return tuple(changed.get(p.name, p.default) for p in given if p.kind is not p.KEYWORD_ONLY)


def test_options_show_and_take_the_defaults_of_the_code_they_configure(capsys, monkeypatch):
    """Each default lives once, in the module that uses it: changed there, the help and the parsed
    option follow."""
    from ipgraph import paths, shacl
    from ipgraph.cli import parser
    from ipgraph.sparql import limits, remote
    from ipgraph.web import limits as web_limits
    from ipgraph.web.limits import Limits

    monkeypatch.setattr(limits, "DEFAULT_TIMEOUT", 12.5)
    monkeypatch.setattr(web_limits, "HOST", "127.0.0.2")
    monkeypatch.setattr(web_limits, "PORT", 8123)
    monkeypatch.setattr(limits, "DEFAULT_MEMORY", 3 * limits.MiB)
    monkeypatch.setattr(paths, "GRAPH_NAME", paths.GRAPH_NAME.with_name("elsewhere.ttl"))
    monkeypatch.setattr(remote, "DEFAULT_TIMEOUT", 42.0)
    monkeypatch.setattr(remote, "DEFAULT_GRAPH", "urn:x:target")
    monkeypatch.setattr(shacl, "DEFAULT_ENGINE", "fast")
    for name, value in (("timeout", 7.5), ("max_rows", 77), ("answers", 5), ("memory", 9 * limits.MiB)):
        monkeypatch.setattr(Limits, name, value)
    query = shown(capsys, "query")
    assert "(default: 12.5;" in query and "(default 3)" in query and "(default: data/elsewhere.ttl)" in query
    parsed = parser("query").parse_args(["query", "departments"])
    assert (parsed.timeout, parsed.max_memory) == (12.5, 3)
    serve = shown(capsys, "serve")
    for text in ("(default 7.5)", "(default 77)", "(default 5;", "(default 9)", "(default: data/elsewhere.ttl)"):
        assert text in serve
    assert "(default: 127.0.0.2," in serve and "(default: 8123)" in serve
    assert (parser("serve").parse_args(["serve"]).host, parser("serve").parse_args(["serve"]).port) == (
        "127.0.0.2",
        8123,
    )
    push = shown(capsys, "push")
    assert "(default 42)" in push and "(default: urn:x:target)" in push
    assert parser("push").parse_args(["push", "--endpoint", "http://h/q"]).timeout == 42.0
    assert "(default fast)" in shown(capsys, "validate") and "(default fast)" in shown(capsys, "check")
    for name in ("load", "diff", "network report", "export"):
        assert "data/elsewhere.ttl" in shown(capsys, *name.split()), name


def test_network_options_show_the_defaults_of_the_network_functions(capsys, monkeypatch):
    from ipgraph import export
    from ipgraph.network import department_paths, format_report, report
    from ipgraph.network.weights import Weighting

    monkeypatch.setattr(report, "__defaults__", defaults(report, top=7, method="louvain"))
    monkeypatch.setattr(department_paths, "__defaults__", defaults(department_paths, limit=3))
    monkeypatch.setattr(format_report, "__defaults__", defaults(format_report, lang="en"))
    monkeypatch.setattr(export.export, "__defaults__", defaults(export.export, lang="en"))
    monkeypatch.setattr(Weighting, "method", "newman")
    network = shown(capsys, "network", "report")
    assert "(default 7)" in network and "(default louvain)" in network and "(default newman)" in network
    assert "(default en)" in network and "(default 3)" in shown(capsys, "network", "path")
    assert "labels (default en)" in shown(capsys, "export")


def test_no_command_is_a_usage_error(capsys):
    code, _, err = cli(capsys)
    assert code == 2 and "usage: ipgraph" in err


# --- ipgraph queries --------------------------------------------------------------------


def test_queries_lists_every_query_with_its_questions(capsys):
    code, out, _ = cli(capsys, "queries")
    assert code == 0
    for name, q in library().items():
        assert re.search(rf"^{re.escape(name)}(  \(.+\))?$", out, re.M), name
        assert q.zh in out and q.en in out
    assert re.search(r"^every-task-complete  \(ASK: true or false\)$", out, re.M)
    assert re.search(r"^department-task-graph  \(CONSTRUCT: RDF\)$", out, re.M)
    assert "--param dept=<literal>" in out


def test_queries_in_one_language(capsys):
    _, out, _ = cli(capsys, "queries", "--lang", "en")
    q = library()["department-tasks"]
    assert q.en in out and q.zh not in out


# --- ipgraph query: formats ---------------------------------------------------------------


def test_query_csv(capsys, graph_file, responsibility_cells):
    code, out, err = query(capsys, graph_file, "department-tasks", "--param", "dept=保护司", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    expected = {n for n, cell in responsibility_cells.items() if "保护司" in cell}
    assert {int(r["task_number"]) for r in rows} == expected
    assert {r["dept_zh"] for r in rows} == {"保护司"}
    assert all(r["department"].startswith("https://w3id.org/ipgraph/id/") for r in rows)


def test_query_json_is_sparql_results_json(capsys, graph_file, responsibility_cells):
    code, out, _ = query(capsys, graph_file, "tasks-per-department", "--format", "json")
    assert code == 0
    data = json.loads(out)
    variables = data["head"]["vars"]
    assert {"department", "dept_zh", "tasks", "task_numbers"} <= set(variables)
    for binding in data["results"]["bindings"]:
        assert set(binding) <= set(variables)
        for term in binding.values():
            assert term["type"] in ("uri", "literal", "bnode") and isinstance(term["value"], str)
    by_name = {b["dept_zh"]["value"]: b for b in data["results"]["bindings"]}
    application = by_name["运用促进司"]["tasks"]
    assert application["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert int(application["value"]) == sum("运用促进司" in cell for cell in responsibility_cells.values()) == 11
    assert by_name["运用促进司"]["dept_zh"]["xml:lang"] == "zh"


def test_query_tsv_has_variable_header_and_rdf_terms(capsys, graph_file):
    code, out, _ = query(capsys, graph_file, "tasks-per-department", "--format", "tsv")
    assert code == 0
    header, *rows = out.rstrip("\n").split("\n")
    assert header.split("\t")[:3] == ["?task_list", "?department", "?dept_zh"]
    assert all(row.split("\t")[1].startswith("<https://w3id.org/ipgraph/id/org/") for row in rows)
    assert all(row.split("\t")[2].endswith('"@zh') for row in rows)


def test_query_table_counts_its_rows(capsys, graph_file, responsibility_cells):
    code, out, _ = query(capsys, graph_file, "departments-sharing-tasks", "--param", "dept=国际合作司")
    assert code == 0
    assert out.splitlines()[0].split()[:2] == ["task_list", "dept_a"]
    partners = set()
    for cell in responsibility_cells.values():
        names = set(re.split(r"\s*[、，]\s*", cell.strip()))
        if "国际合作司" in names:
            partners |= names - {"国际合作司"}
    assert out.rstrip().endswith(f"({len(partners)} rows)")


def test_query_max_rows_is_reported(capsys, graph_file):
    code, out, err = query(capsys, graph_file, "departments", "--max-rows", "3", "--format", "csv")
    assert code == 0
    assert len(list(csv.DictReader(io.StringIO(out)))) == 3
    assert "truncated at 3 rows" in err


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [(None, "turtle"), ("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_construct_gives_rdf(capsys, graph_file, responsibility_cells, fmt, rdflib_format):
    code, out, _ = query(capsys, graph_file, "department-task-graph", *(["--format", fmt] if fmt else []))
    assert code == 0
    graph = Graph().parse(data=out, format=rdflib_format)
    links = list(graph.triples((None, None, None)))
    responsible = [t for t in links if str(t[1]) == IPG + "responsibleBody"]
    cells = responsibility_cells.values()
    assert len(responsible) == sum(len(re.split(r"\s*[、，]\s*", c.strip())) for c in cells)


def test_describe_gives_turtle(capsys, graph_file):
    code, out, _ = query(capsys, graph_file, "describe-task-lists")
    assert code == 0
    graph = Graph().parse(data=out, format="turtle")
    assert any(str(p) == IPG + "sha256" for p in graph.predicates())


def test_ask(capsys, graph_file):
    assert query(capsys, graph_file, "every-task-complete")[1].strip() == "true"
    code, out, _ = query(capsys, graph_file, "every-task-complete", "--format", "json")
    assert code == 0 and json.loads(out) == {"head": {}, "boolean": True}


def test_query_from_a_file(capsys, graph_file, tmp_path, responsibility_cells):
    rq = tmp_path / "single.rq"
    rq.write_text(
        "# title: Tasks with N departments\n"
        "# zh: 哪些任务由 N 个部门负责？\n"
        "# en: Which tasks have N responsible departments?\n"
        "# param n: integer = 1 -- number of departments\n"
        "# column task_number: the task's number\n"
        "# column n: the parameter\n"
        "SELECT ?task_number ?n WHERE {\n"
        "  { SELECT ?task_number (COUNT(?d) AS ?count) WHERE { ?t ipg:number ?task_number ; ipg:responsibleBody ?d }\n"
        "    GROUP BY ?task_number }\n"
        "  FILTER(?count = ?n)\n"
        "} ORDER BY ?task_number\n",
        encoding="utf-8",
    )
    sizes = {n: len(re.split(r"\s*[、，]\s*", cell.strip())) for n, cell in responsibility_cells.items()}
    for given, size in ((None, 1), ("12", 12), ("3", 3)):
        params = ["--param", f"n={given}"] if given else []
        code, out, _ = query(capsys, graph_file, str(rq), *params, "--format", "csv")
        assert code == 0
        got = [int(r["task_number"]) for r in csv.DictReader(io.StringIO(out))]
        assert got == sorted(n for n, s in sizes.items() if s == size)


def test_query_text_with_predeclared_prefixes(capsys, graph_file, responsibility_cells):
    text = "SELECT (COUNT(?t) AS ?n) WHERE { ?t a ipg:Task ; dcterms:title ?title }"
    code, out, _ = query(capsys, graph_file, text, "--format", "csv")
    assert code == 0
    assert out.split() == ["n", str(len(responsibility_cells))]


def test_parameters_are_data_not_query_text(capsys, graph_file):
    code, out, _ = query(capsys, graph_file, "search-measures", "-p", 'word=" ) } SELECT * { ?s ?p ?o', "-f", "csv")
    assert code == 0
    assert out.split("\r\n")[1:] == [""]


# --- ipgraph query: errors --------------------------------------------------------------


def test_unknown_query_name(capsys, graph_file):
    code, out, err = query(capsys, graph_file, "no-such-query")
    assert failed(code, err, "no-such-query", "ipgraph queries") and out == ""


def test_a_misspelt_query_name_gets_a_suggestion(capsys, graph_file):
    code, _, err = query(capsys, graph_file, "departments-sharing-task")
    assert failed(code, err, "did you mean departments-sharing-tasks")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["department-tasks"], ["missing parameter dept"]),
        (["department-tasks", "--param", "department=保护司"], ["unknown parameter", "department", "dept"]),
        (["department-tasks", "--param", "保护司"], ["expected NAME=VALUE"]),
        (["task-provenance", "--param", "task=first"], ["task", "not an integer"]),
        (["department-task-graph", "--format", "csv"], ["csv", "turtle"]),
        (["departments", "--format", "nt"], ["nt", "csv"]),
        (["missing.rq"], ["missing.rq", "cannot read"]),
    ],
)
def test_bad_query_input(capsys, graph_file, argv, words):
    code, out, err = query(capsys, graph_file, *argv)
    assert failed(code, err, *words)
    assert out == ""


def test_syntax_error_gives_the_position(capsys, graph_file):
    code, out, err = query(capsys, graph_file, "SELECT ?t WHERE {\n  ?t a ipg:Task .\n  FILTER(?t = )\n}")
    assert failed(code, err, "syntax error")
    position = re.search(r"\b(\d+):(\d+)\b", err)
    assert position, err
    assert 3 <= int(position[1]) <= 4  # the parser reports where it gave up: at or after the mistake
    assert out == ""


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_max_rows_must_be_a_positive_number(capsys, graph_file, value):
    code, out, err = query(capsys, graph_file, "departments", "--max-rows", value)
    assert code == 2 and "--max-rows" in err and "Traceback" not in err and out == ""


def test_missing_graph_file(capsys, tmp_path):
    code, _, err = cli(capsys, "query", "departments", "--graph", str(tmp_path / "none.ttl"))
    assert failed(code, err, "none.ttl")


def test_bad_header_in_a_query_file(capsys, graph_file, tmp_path):
    rq = tmp_path / "bad.rq"
    rq.write_text("# param n: number\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    code, _, err = query(capsys, graph_file, str(rq))
    assert failed(code, err, "bad.rq:1", "param")


# --- a real process ---------------------------------------------------------------------


def run_process(*argv: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "ipgraph.cli", *argv], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


def test_real_process(graph_file):
    done = run_process("query", "section-tasks", "--graph", graph_file, "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["numeral"] for r in rows] == list("一二三四五六七八")

    done = run_process("query", "department-tasks", "--graph", graph_file)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("ipgraph: ") and "missing parameter dept" in done.stderr
    assert "Traceback" not in done.stderr
