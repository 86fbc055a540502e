"""The named query library: each query's answer checked against facts read from the source text.

The facts are computed here with plain regular expressions over the raw lines of the
source file (the ``source_lines`` fixture), independently of the parser and builder.
Only the source's own abbreviation is bridged: its 责任部门 cells write 专利局自动化部 as
``自动化部`` right after ``专利局审查部``, so department names are compared without the
leading ``专利局``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from ipgraph import paths
from ipgraph.sparql.library import NamedQuery, library, query_form
from ipgraph.sparql.remote import remote_text
from ipgraph.sparql.results import Result
from ipgraph.sparql.run import run_embedded
from ipgraph.sparql.store import EmbeddedStore

IPG = "https://w3id.org/ipgraph/ontology#"
SCOPES = ("各地区", "有条件的地区", "有关地区")
CNIPA = "国家知识产权局"

TASK_LINE = re.compile(
    r"^(?P<number>\d+)\.\s*(?P<title>[^\t]+)\t(?P<measures>[^\t]*)\t(?P<depts>[^\t]*)\t(?P<time>[^\t]*)$"
)
SECTION_LINE = re.compile(r"^(?P<numeral>[一二三四五六七八九十]+)、(?P<title>[^\t]+)")

OTHER_LIBRARIES = re.compile(r"^(network|concept|instrument|cross-document|region)-")  # documented and tested elsewhere

# Queries this library must have (the list, the README's quick start and tour).
REQUIRED = {
    "tasks-per-department",
    "departments-sharing-tasks",
    "department-tasks",
    "scope-measures",
    "tasks-by-completion-time",
    "policy-citations",
    "most-cited-policies",
    "task-department-counts",
    "section-tasks",
    "search-measures",
}


# --- facts from the source text -------------------------------------------------------


@dataclass(frozen=True)
class SourceMeasure:
    task: int
    number: int
    text: str
    line: int

    @property
    def addressee(self) -> str:
        return next((s for s in SCOPES if self.text.startswith(s)), CNIPA if self.text.startswith(CNIPA) else "")


@dataclass(frozen=True)
class SourceTask:
    number: int
    title: str
    line: int
    section: int
    measures: tuple[SourceMeasure, ...]
    cell: str  # the 责任部门 cell
    completion: str

    @property
    def depts(self) -> set[str]:
        return {short(name) for name in re.split(r"\s*[、，,]\s*", self.cell.strip()) if name}


@dataclass(frozen=True)
class SourceSection:
    number: int
    numeral: str
    title: str
    line: int


def short(name: str) -> str:
    """A department name as the source's 责任部门 cells spell it (see the module docstring)."""
    return name.removeprefix("专利局")


@pytest.fixture(scope="module")
def source(source_lines) -> tuple[list[SourceSection], dict[int, SourceTask]]:
    sections: list[SourceSection] = []
    tasks: dict[int, SourceTask] = {}
    for line_number, line in enumerate(source_lines, start=1):
        if m := SECTION_LINE.match(line):
            sections.append(SourceSection(len(sections) + 1, m["numeral"], m["title"].strip(), line_number))
        elif m := TASK_LINE.match(line):
            n = int(m["number"])
            paragraphs = re.findall(r"<p>(.*?)</p>", m["measures"])
            measures = tuple(SourceMeasure(n, i, text, line_number) for i, text in enumerate(paragraphs, start=1))
            title = m["title"].strip().removesuffix("。")
            tasks[n] = SourceTask(n, title, line_number, len(sections), measures, m["depts"], m["time"].strip())
    return sections, tasks


@pytest.fixture(scope="module")
def tasks(source) -> dict[int, SourceTask]:
    return source[1]


@pytest.fixture(scope="module")
def sections(source) -> list[SourceSection]:
    return source[0]


@pytest.fixture(scope="module")
def measures(tasks) -> list[SourceMeasure]:
    return [m for task in tasks.values() for m in task.measures]


def tasks_of(tasks: dict[int, SourceTask], dept: str) -> set[int]:
    return {n for n, task in tasks.items() if dept in task.depts}


# --- running queries ------------------------------------------------------------------


@pytest.fixture(scope="module")
def queries() -> dict[str, NamedQuery]:
    return library()


@pytest.fixture(scope="module")
def own_queries(queries) -> dict[str, NamedQuery]:
    return {name: query for name, query in queries.items() if not OTHER_LIBRARIES.match(name)}


@pytest.fixture(scope="module")
def ask(store, queries):
    def run(name: str, **params: str) -> Result:
        return run_embedded(store, queries[name], params)

    return run


def numbers(text: str) -> set[int]:
    return {int(n) for n in text.split(", ")} if text else set()


def measure_rows(result: Result) -> list[tuple[int, int, str, int]]:
    """(task number, measure number, text, source line) of each row."""
    return [
        (int(r["task_number"]), int(r["measure_number"]), r["text"], int(r["source_line"])) for r in result.records()
    ]


def column(result: Result, var: str) -> list[str]:
    return [v or "" for v in result.values(var)]


# --- the header contract --------------------------------------------------------------


def test_library_has_the_required_queries_and_enough_of_them(queries):
    assert set(queries) >= REQUIRED
    assert len([name for name in queries if not OTHER_LIBRARIES.match(name)]) >= 16


def test_readme_lists_every_query(own_queries):
    readme = (paths.QUERIES_DIR / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", readme, re.M))
    assert set(own_queries) <= listed
    assert {name for name in listed if "-" in name} <= set(own_queries), "README lists a query that does not exist"


@pytest.mark.parametrize("path", sorted(paths.QUERIES_DIR.glob("*.rq")), ids=lambda p: p.stem)
def test_every_query_file_documents_itself(path: Path, queries):
    query = queries[path.stem]
    assert query.title and query.zh and query.en, f"{path.name}: title, zh and en headers are required"
    assert re.search(r"[\u4e00-\u9fff]", query.zh), f"{path.name}: the zh question is not Chinese"
    text = re.sub(r"#[^\n]*", "", query.text)
    for param in query.params:
        assert param.doc, f"{path.name}: param {param.name} has no description"
        assert re.search(rf"\?{param.name}\b", text), f"{path.name}: param {param.name} is not used in the query"
    form = query_form(query.text)
    if form == "SELECT":
        # the projection, from the engine's own parse (an empty store answers with no rows)
        variables = run_embedded(EmbeddedStore(), query, sample_params(query, optional=False)).variables
        assert set(variables) == set(query.columns), f"{path.name}: columns documented ≠ columns projected"
        # Oxigraph binds a parameter only if the query projects it.
        assert {p.name for p in query.params} <= set(variables)
    else:
        assert not query.params, f"{path.name}: the embedded engine binds parameters of SELECT queries only"


SAMPLES = {
    "dept": "保护司",
    "scope": "各地区",
    "completion": "年底前完成",
    "policy": "RCEP",
    "word": "地理标志",
    "task": "9",
}


def sample_params(query: NamedQuery, optional: bool) -> dict[str, str]:
    """A value for each required parameter (and each optional one when ``optional``)."""
    return {p.name: SAMPLES.get(p.name, p.default or "") for p in query.params if optional or not p.optional}


def test_every_select_result_column_is_documented(store, own_queries):
    for name, query in own_queries.items():
        for optional in (False, True):
            result = run_embedded(store, query, sample_params(query, optional))
            if result.kind == "bindings":
                assert result.rows, f"{name}: no rows for {sample_params(query, optional)}"
                assert set(result.variables) <= set(query.columns), name
                assert all(query.columns[v] for v in result.variables), name


# --- portability: the same answers on rdflib and as sent to a remote store ---------------


def canonical(result_rows: list[dict[str, str]]) -> Counter:
    """Rows as comparable values; lists made by GROUP_CONCAT are compared as sets."""

    def value(text: str) -> str:
        for sep in (", ", " | ", "、"):
            if sep in text and len(text) < 200:
                return sep.join(sorted(text.split(sep)))
        return text

    return Counter(tuple(sorted((k, value(v)) for k, v in row.items())) for row in result_rows)


def rdflib_term(term: ox.NamedNode | ox.Literal):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


@pytest.mark.slow
@pytest.mark.parametrize("optional", [False, True], ids=["required-params", "all-params"])
def test_every_query_gives_the_same_answer_on_rdflib_and_as_sent_to_remote_stores(store, graph, own_queries, optional):
    for name, query in own_queries.items():
        params = sample_params(query, optional)
        terms = query.bind(params)
        ours = run_embedded(store, query, params)
        theirs = graph.query(query.text, initBindings={k: rdflib_term(v) for k, v in terms.items()})
        # the text a remote store receives: parameters in a VALUES row, prefixes declared
        inlined = run_embedded(store, NamedQuery(name, None, remote_text(query, params)))
        if ours.kind == "boolean":
            assert ours.boolean == theirs.askAnswer == inlined.boolean, name
        elif ours.kind == "graph":
            mine = Graph().parse(data=ours.triples, format="nt")
            assert isomorphic(mine, theirs.graph), name
            assert isomorphic(mine, Graph().parse(data=inlined.triples, format="nt")), name
        else:
            rows = [{str(k): str(v) for k, v in row.asdict().items()} for row in theirs]
            assert canonical(rows) == canonical(ours.records()), name
            assert canonical(inlined.records()) == canonical(ours.records()), name


# --- departments ------------------------------------------------------------------------


def test_tasks_per_department(ask, tasks):
    result = ask("tasks-per-department")
    depts = {d for task in tasks.values() for d in task.depts}
    got = {short(r["dept_zh"]): (int(r["tasks"]), numbers(r["task_numbers"])) for r in result.records()}
    assert got == {d: (len(tasks_of(tasks, d)), tasks_of(tasks, d)) for d in depts}
    assert got["运用促进司"] == (11, {1, 2, 6, 7, 8, 11, 12, 13, 14, 15, 17})
    counts = [int(n) for n in column(result, "tasks")]
    assert counts == sorted(counts, reverse=True)
    assert all(n.split(", ") == sorted(n.split(", "), key=int) for n in column(result, "task_numbers"))


def source_pairs(tasks: dict[int, SourceTask]) -> dict[frozenset[str], set[int]]:
    pairs: dict[frozenset[str], set[int]] = {}
    for n, task in tasks.items():
        for a, b in combinations(sorted(task.depts), 2):
            pairs.setdefault(frozenset((a, b)), set()).add(n)
    return pairs


def pairs_of(result: Result) -> dict[frozenset[str], set[int]]:
    got = {}
    for r in result.records():
        pair = frozenset((short(r["dept_a_zh"]), short(r["dept_b_zh"])))
        assert pair not in got, f"pair {set(pair)} listed twice"
        assert int(r["shared"]) == len(numbers(r["task_numbers"]))
        got[pair] = numbers(r["task_numbers"])
    return got


def test_departments_sharing_tasks(ask, tasks):
    result = ask("departments-sharing-tasks")
    expected = source_pairs(tasks)
    assert pairs_of(result) == expected
    with_task_1 = [pair for pair, shared in expected.items() if 1 in shared]
    assert len(with_task_1) == len(tasks[1].depts) * (len(tasks[1].depts) - 1) // 2 == 66
    assert 1 in pairs_of(result)[frozenset(("保护司", "人事司"))]
    assert all(a < b for a, b in zip(column(result, "dept_a"), column(result, "dept_b"), strict=True))
    shared = [int(n) for n in column(result, "shared")]
    assert shared == sorted(shared, reverse=True)


PROTECTION_NAMES = ["保护司", "Department of IP Protection", "department of ip protection", "知识产权保护司"]


@pytest.mark.parametrize("name", PROTECTION_NAMES)
def test_departments_sharing_tasks_with_one_department(ask, tasks, name):
    result = ask("departments-sharing-tasks", dept=name)
    expected = {pair: shared for pair, shared in source_pairs(tasks).items() if "保护司" in pair}
    assert pairs_of(result) == expected
    assert set(column(result, "dept")) == {name}


@pytest.mark.parametrize("name", PROTECTION_NAMES)
def test_department_tasks(ask, tasks, name):
    result = ask("department-tasks", dept=name)
    expected = {(m.task, m.number, m.text, m.line) for n in tasks_of(tasks, "保护司") for m in tasks[n].measures}
    got = set(measure_rows(result))
    assert got == expected
    assert len(result.rows) == len(expected)
    for r in result.records():
        task = tasks[int(r["task_number"])]
        assert r["task_zh"] == task.title
        assert r["completion_zh"] == task.completion
        assert int(r["co_responsible"]) == len(task.depts)
        assert r["addressee_zh"] == next(m.addressee for m in task.measures if m.number == int(r["measure_number"]))
    keys = [(int(r["task_number"]), int(r["measure_number"])) for r in result.records()]
    assert keys == sorted(keys)


def test_department_tasks_of_an_unknown_department_is_empty(ask):
    assert ask("department-tasks", dept="不存在司").rows == []


def test_departments(ask, tasks):
    result = ask("departments")
    rows = {short(r["dept_zh"]): r for r in result.records()}
    for dept in {d for task in tasks.values() for d in task.depts}:
        assert int(rows[dept]["tasks"]) == len(tasks_of(tasks, dept))
    # the source's 专利局审查部、自动化部: both are units of the Patent Office
    assert rows["审查部"]["parent_zh"] == rows["自动化部"]["parent_zh"] == "专利局"
    assert rows["保护司"]["parent_zh"] == CNIPA
    assert "知识产权保护司" in rows["保护司"]["aliases"].split(" | ")


def test_task_department_counts(ask, tasks):
    result = ask("task-department-counts")
    got = {int(r["task_number"]): r for r in result.records()}
    assert set(got) == set(tasks)
    for n, task in tasks.items():
        row = got[n]
        assert int(row["departments"]) == len(task.depts)
        assert row["lead"] == ("single" if len(task.depts) == 1 else "several")
        assert row["lead_zh"] == ("单一部门" if len(task.depts) == 1 else "多个部门")
        assert {short(d) for d in row["dept_names"].split("、")} == task.depts
        assert row["responsibility"].replace(" ", "") == task.cell.strip().replace(" ", "")
    singles = {n for n, task in tasks.items() if len(task.depts) == 1}
    assert {n for n, r in got.items() if r["lead"] == "single"} == singles
    assert len(singles) == 14


# --- regions and addressees -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "scope"),
    [("各地区", "各地区"), ("all regions", "各地区"), ("有条件的地区", "有条件的地区"), ("有关地区", "有关地区")],
)
def test_scope_measures(ask, measures, name, scope):
    result = ask("scope-measures", scope=name)
    expected = {(m.task, m.number, m.text, m.line) for m in measures if m.addressee == scope}
    got = set(measure_rows(result))
    assert got == expected
    assert set(column(result, "scope_zh")) == {scope}


def test_scope_measures_without_a_scope_lists_every_regional_measure(ask, measures):
    result = ask("scope-measures")
    regional = [m for m in measures if m.addressee in SCOPES]
    assert len(result.rows) == len(regional)
    assert Counter(column(result, "scope_zh")) == Counter(m.addressee for m in regional)
    assert Counter(column(result, "scope_zh"))["各地区"] == sum(m.text.startswith("各地区") for m in measures) == 18


def test_measures_per_addressee(ask, measures):
    result = ask("measures-per-addressee")
    got = {r["addressee_zh"]: (int(r["measures"]), int(r["tasks"])) for r in result.records()}
    expected = {}
    for who in (CNIPA, *SCOPES):
        mine = [m for m in measures if m.addressee == who]
        expected[who] = (len(mine), len({m.task for m in mine}))
    assert got == expected
    assert sum(n for n, _ in got.values()) == len(measures) == 45


def test_tasks_without_regional_measures(ask, tasks):
    result = ask("tasks-without-regional-measures")
    expected = {n for n, task in tasks.items() if all(m.addressee == CNIPA for m in task.measures)}
    assert {int(n) for n in column(result, "task_number")} == expected == {3, 5, 18}
    for r in result.records():
        assert int(r["measures"]) == len(tasks[int(r["task_number"])].measures)


# --- time ----------------------------------------------------------------------------


def test_tasks_by_completion_time(ask, tasks, source_lines):
    result = ask("tasks-by-completion-time")
    assert {int(r["task_number"]): r["completion_zh"] for r in result.records()} == {
        n: t.completion for n, t in tasks.items()
    }
    year = re.search(r"(\d{4})\s*年", "\n".join(source_lines[:10]))[1]
    # 年底前完成 states the year's end; 年内有阶段性成果 states no date, and none is invented
    deadlines = {int(r["task_number"]): r.get("deadline", "") for r in result.records()}
    assert deadlines == {n: f"{year}-12-31" if t.completion == "年底前完成" else "" for n, t in tasks.items()}


@pytest.mark.parametrize("name", ["年底前完成", "to be completed by the end of the year", "by-year-end"])
def test_tasks_due_by_year_end(ask, tasks, name):
    result = ask("tasks-by-completion-time", completion=name)
    expected = {n for n, t in tasks.items() if t.completion == "年底前完成"}
    assert [int(n) for n in column(result, "task_number")] == sorted(expected) == [1, 2, 19]


# --- structure and provenance ----------------------------------------------------------------


def test_section_tasks(ask, sections, tasks):
    result = ask("section-tasks")
    rows = result.records()
    assert [int(r["section_number"]) for r in rows] == [s.number for s in sections] == list(range(1, 9))
    for row, section in zip(rows, sections, strict=True):
        mine = {n for n, t in tasks.items() if t.section == section.number}
        assert (row["numeral"], row["section_zh"], int(row["source_line"])) == (
            section.numeral,
            section.title,
            section.line,
        )
        assert numbers(row["task_numbers"]) == mine and int(row["tasks"]) == len(mine)
        assert int(row["measures"]) == sum(len(tasks[n].measures) for n in mine)


@pytest.mark.parametrize("number", [1, 9, 17, 22])
def test_task_provenance(ask, tasks, source_path, number):
    result = ask("task-provenance", task=str(number))
    task = tasks[number]
    rows = result.records()
    assert [(int(r["measure_number"]), r["text"], int(r["measure_line"])) for r in rows] == [
        (m.number, m.text, m.line) for m in task.measures
    ]
    digest = hashlib.sha256(source_path.read_bytes()).hexdigest()
    for r in rows:
        assert r["task_zh"] == task.title
        assert int(r["task_line"]) == task.line
        assert r["completion_zh"] == task.completion
        assert r["responsibility"].replace(" ", "") == task.cell.strip().replace(" ", "")
        assert r["sha256"] == digest
        assert r["source_file"].endswith(source_path.name)


def test_task_provenance_of_a_missing_task_is_empty(ask):
    assert ask("task-provenance", task="99").rows == []


def test_document_overview(ask, sections, tasks, measures, source_lines, source_path):
    (row,) = ask("document-overview").records()
    assert row["title"] == next(line.strip() for line in source_lines if "任务清单" in line and "\t" not in line)
    assert (int(row["sections"]), int(row["tasks"]), int(row["measures"])) == (len(sections), len(tasks), len(measures))
    assert (len(sections), len(tasks), len(measures)) == (8, 22, 45)
    assert row["sha256"] == hashlib.sha256(source_path.read_bytes()).hexdigest()
    assert row["publisher_zh"] == CNIPA


def test_describe_task_lists(store, queries, source_path):
    result = run_embedded(store, queries["describe-task-lists"])
    graph = Graph().parse(data=result.serialize("turtle"), format="turtle")
    digest = hashlib.sha256(source_path.read_bytes()).hexdigest()
    assert (None, URIRef(IPG + "sha256"), Literal(digest)) in graph
    assert set(graph.subjects(URIRef(IPG + "sha256"), None))
    assert not list(graph.subjects(URIRef(IPG + "text"), None)), "measures are not part of the description"


# --- policies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "needle"),
    [
        ("RCEP", "RCEP"),
        ("区域全面经济伙伴关系协定", "RCEP"),
        ("关于强化知识产权保护的意见", "关于强化知识产权保护的意见"),
        ("地理标志运用促进工程", "地理标志运用促进工程"),
        ("https://w3id.org/ipgraph/id/ref/rcep", "RCEP"),
    ],
)
def test_policy_citations(ask, measures, policy, needle):
    result = ask("policy-citations", policy=policy)
    expected = {(m.task, m.number, m.line) for m in measures if needle in m.text}
    got = {(int(r["task_number"]), int(r["measure_number"]), int(r["source_line"])) for r in result.records()}
    assert got == expected and expected
    assert all(needle in text for text in column(result, "text"))


def test_most_cited_policies(ask, measures):
    result = ask("most-cited-policies")
    rows = {r["ref_zh"]: r for r in result.records()}
    for name in ("“一带一路”", "地理标志运用促进工程", "专利导航指南"):
        citing = [m for m in measures if name.strip("“”") in m.text]
        assert int(rows[name]["measures"]) == len(citing) == 2
        assert numbers(rows[name]["task_numbers"]) == {m.task for m in citing}
    counts = [int(n) for n in column(result, "measures")]
    assert counts == sorted(counts, reverse=True)


def test_policies_by_type(ask):
    result = ask("policies-by-type")
    cited = {r["reference"]: int(r["measures"]) for r in ask("most-cited-policies").records()}
    listed = {r["reference"]: int(r["measures"]) for r in result.records()}
    assert {ref: n for ref, n in listed.items() if n} == cited
    # the kind of a policy shows in its Chinese name
    by_suffix = {"协定": "treaty", "意见": "opinion", "规划": "plan", "办法": "regulation", "细则": "regulation"}
    for r in result.records():
        for suffix, kind in by_suffix.items():
            if r["ref_zh"].endswith(suffix):
                assert r["type_en"] == kind, r["ref_zh"]
    types = {r["ref_zh"]: r["type_en"] for r in result.records()}
    assert types["区域全面经济伙伴关系协定"] == "treaty"
    assert types["商标法"] == "law"


@pytest.mark.parametrize(("word", "needle"), [("地理标志", "地理标志"), ("tisc", "TISC"), ("一站式", "一站式")])
def test_search_measures(ask, measures, word, needle):
    result = ask("search-measures", word=word)
    expected = [(m.task, m.number, m.text, m.line) for m in sorted(measures, key=lambda m: (m.task, m.number))]
    expected = [e for e in expected if needle in e[2]]
    got = measure_rows(result)
    assert got == expected and expected


# --- ASK and CONSTRUCT ----------------------------------------------------------------------


def test_every_task_complete(store, graph, queries):
    assert run_embedded(store, queries["every-task-complete"]).boolean is True
    broken = Graph()
    for triple in graph:
        broken.add(triple)
    task = URIRef("https://w3id.org/ipgraph/id/cnipa-tasklist-2021/task/3")
    broken.remove((task, URIRef(IPG + "responsibleBody"), None))
    assert run_embedded(EmbeddedStore.from_rdflib(broken), queries["every-task-complete"]).boolean is False


def test_department_task_graph(store, queries, tasks):
    result = run_embedded(store, queries["department-task-graph"])
    graph = Graph().parse(data=result.serialize("turtle"), format="turtle")
    responsible = URIRef(IPG + "responsibleBody")
    number = URIRef(IPG + "number")
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    for task_node in set(graph.subjects(responsible, None)):
        n = int(graph.value(task_node, number))
        names = {short(str(o)) for d in graph.objects(task_node, responsible) for o in graph.objects(d, label)}
        assert tasks[n].depts <= names
        assert len(set(graph.objects(task_node, responsible))) == len(tasks[n].depts)
    assert len(set(graph.subjects(responsible, None))) == len(tasks)
    assert not list(graph.subjects(URIRef(IPG + "text"), None))


@pytest.mark.parametrize("collecting", [True, False])
def test_reading_an_answer_leaves_garbage_collection_as_it_was(store, collecting):
    """Rows are read with the cyclic collector paused (a large answer is millions of dicts);
    afterwards it is on or off as before, also when the row cap stops the reading."""
    import gc

    query = library()["network-all-triples"]
    (gc.enable if collecting else gc.disable)()
    try:
        full = run_embedded(store, query)
        capped = run_embedded(store, query, max_rows=5)
        assert gc.isenabled() is collecting
    finally:
        gc.enable()
    assert len(full.rows) == len(store) and not full.truncated
    assert capped.rows == full.rows[:5] and capped.truncated
