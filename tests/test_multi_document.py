"""Two documents in two layouts in one graph: keys, folders, validity, cross-document queries.

Expected answers come from the two source texts: 《titles》 and curated names they
share, titles contained in one another, and the bodies in the plan's parentheses.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ipgraph import paths
from ipgraph.errors import SourceError
from ipgraph.graph.build import build_sources
from ipgraph.graph.namespaces import DCTERMS, ID, IPG, RDF
from ipgraph.shacl import validate
from ipgraph.sparql.library import resolve
from ipgraph.sparql.run import run_embedded
from ipgraph.sparql.store import EmbeddedStore

SAMPLE = Path(__file__).parent / "fixtures" / "annual-plan-sample.txt"
SOURCE = paths.SOURCES_DIR / "cnipa-2021-ip-high-quality-development-task-list.txt"
PLAN_ITEM = re.compile(r"^(\d+)\.(.*)[（(]([^（）()]*)[）)]$")
LIST_TASK = re.compile(r"^(\d+)\.\s*([^\t]*)\t([^\t]*)")


@pytest.fixture(scope="module")
def mixed():
    return build_sources([SOURCE, SAMPLE])


@pytest.fixture(scope="module")
def mixed_store(mixed):
    return EmbeddedStore.from_rdflib(mixed)


def plan_items() -> dict[int, tuple[str, str]]:
    """Item number → (text, bodies statement), from the sample's lines."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    return {int(m[1]): (m[2], m[3]) for line in lines if (m := PLAN_ITEM.match(line))}


def list_tasks() -> dict[int, tuple[str, str]]:
    """Task number → (title, measures), from the 2021 source's task rows."""
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    return {int(m[1]): (m[2].strip().rstrip("。"), m[3]) for line in lines if (m := LIST_TASK.match(line))}


def run(store, name, **params):
    return run_embedded(store, resolve(name), params).records()


@pytest.mark.slow
def test_both_documents_in_one_graph_each_in_its_own_iri_space(mixed):
    docs = set(mixed.subjects(RDF.type, IPG.TaskList))
    assert docs == {ID["cnipa-tasklist-2021"], ID["annual-plan-2022"]}
    for doc in docs:
        tasks = set(mixed.subjects(IPG.taskList, doc)) & set(mixed.subjects(RDF.type, IPG.Task))
        assert all(str(t).startswith(str(doc) + "/task/") for t in tasks)
    counts = {
        doc: sum(1 for t in mixed.subjects(IPG.taskList, doc) if (t, RDF.type, IPG.Task) in mixed) for doc in docs
    }
    assert counts == {ID["cnipa-tasklist-2021"]: len(list_tasks()), ID["annual-plan-2022"]: len(plan_items())}


def test_a_folder_builds_like_its_files(tmp_path, mixed):
    for path in (SOURCE, SAMPLE, SAMPLE.with_suffix(".toml")):
        shutil.copy(path, tmp_path / path.name)
    from_folder = build_sources([tmp_path])
    # Only the recorded file names differ: the copies live outside the project.
    assert {t for t in from_folder if t[1] != DCTERMS.identifier} == {t for t in mixed if t[1] != DCTERMS.identifier}


def test_a_folder_without_sources_is_refused(tmp_path):
    with pytest.raises(SourceError, match=r"holds no source documents \(.*\.pdf.*\.txt"):
        build_sources([tmp_path])


@pytest.mark.slow
def test_two_documents_with_one_key_are_refused(tmp_path):
    copy = tmp_path / "copy.txt"
    shutil.copy(SAMPLE, copy)
    shutil.copy(SAMPLE.with_suffix(".toml"), copy.with_suffix(".toml"))
    with pytest.raises(SourceError, match=r"annual-plan-2022.*already used"):
        build_sources([SAMPLE, copy])


def test_the_mixed_graph_conforms(mixed):
    report = validate(mixed)
    assert report.conforms, report.text()


def shared_citations() -> set[tuple[int, int]]:
    """(plan item, 2021 task) pairs whose texts name the same 《title》 or curated name."""
    names = [
        "商标法",
        "专利法实施细则",
        "关于强化知识产权保护的意见",
        "海牙协定",
        "区域全面经济伙伴关系协定",
        "一带一路",
        "地理标志运用促进工程",
        "全国知识产权宣传周",
    ]
    tasks = list_tasks()
    pairs = set()
    for item, (text, _) in plan_items().items():
        for number, (title, measures) in tasks.items():
            if any(n in text and n in title + measures for n in names):
                pairs.add((item, number))
    return pairs


def test_recurring_tasks(mixed_store):
    rows = run(mixed_store, "cross-document-recurring-tasks")
    got = {(int(r["number_a"]), int(r["number_b"])) for r in rows}
    assert {r["document_a"] for r in rows} == {str(ID["annual-plan-2022"])}
    assert shared_citations() <= got
    tasks = list_tasks()
    contained = {(i, n) for i, (text, _) in plan_items().items() for n, (title, _) in tasks.items() if title in text}
    assert contained == {(4, 9), (10, 19), (11, 21)}
    assert contained <= {(int(r["number_a"]), int(r["number_b"])) for r in rows if r["similar_title"] == "true"}
    assert all(r.get("shared_citations") or r["similar_title"] == "true" for r in rows)


def test_policies_cited_by_both_documents(mixed_store):
    rows = run(mixed_store, "cross-document-shared-citations")
    plan_text = SAMPLE.read_text(encoding="utf-8")
    list_text = SOURCE.read_text(encoding="utf-8")
    assert rows and all(r["documents"] == "2" for r in rows)
    for r in rows:
        assert "annual-plan-2022" in r["citing_tasks"] and "cnipa-tasklist-2021" in r["citing_tasks"]
    names = {r["cited_zh"].strip("“”") for r in rows}
    assert {"商标法", "关于强化知识产权保护的意见", "海牙协定", "一带一路"} <= names
    assert all(n in plan_text and n in list_text for n in names)


def test_workload_per_document(mixed_store):
    rows = run(mixed_store, "cross-document-workload")
    plan = {r["body_zh"]: int(r["tasks"]) for r in rows if r["document"] == str(ID["annual-plan-2022"])}
    statements = [bodies for _, bodies in plan_items().values()]
    assert plan["国家知识产权局"] == sum("知识产权局" in s for s in statements) == 10
    for name in ("市场监管总局", "农业农村部", "公安部", "商务部"):
        assert plan[name] == sum(name in s for s in statements), name
    listed = {r["body_zh"] for r in rows if r["document"] == str(ID["cnipa-tasklist-2021"]) and int(r["tasks"])}
    assert "运用促进司" in listed and "市场监管总局" not in listed


def test_topics_answer_across_documents(mixed_store):
    rows = run(mixed_store, "concept-departments", topic="地理标志")
    plan = {r["body_zh"] for r in rows if r["document"] == str(ID["annual-plan-2022"])}
    expected = set()
    for text, bodies in plan_items().values():
        if "地理标志" in text:
            expected |= {
                "国家知识产权局" if b == "知识产权局" else b
                for b in re.split(r"[、，]", re.sub(r"(等按职责分工负责|负责)$", "", bodies))
            }
    assert plan == expected


def test_html_view_gives_each_task_only_its_own_measures(mixed, mixed_store):
    """Task numbers repeat across documents: the view must not give task 1 of the plan the
    measures of task 1 of the 2021 list."""
    from ipgraph.export import view_data
    from ipgraph.network import store_runner

    tasks = view_data(store_runner(mixed_store))["tasks"]
    own = {
        str(t): sorted(str(mixed.value(m, IPG.text)) for m in mixed.subjects(IPG.task, t))
        for t in mixed.subjects(RDF.type, IPG.Task)
    }
    by_id = {t["id"]: sorted(m["text"] for m in t["measures"]) for t in tasks}
    assert by_id.keys() <= own.keys()
    assert len({own_iri.split("/task/")[0] for own_iri in by_id}) == 2  # both documents are in the view
    assert all(by_id[t] == own[t] for t in by_id)
