"""The whole test corpus built into one graph: it validates, and the query library answers across it."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from ipgraph.cli import main
from ipgraph.graph.build import build_sources
from ipgraph.graph.namespaces import IPG, RDF
from ipgraph.ingest.parse import parse_file
from ipgraph.shacl import validate
from ipgraph.sparql.library import resolve
from ipgraph.sparql.run import run_embedded
from ipgraph.sparql.store import EmbeddedStore

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(scope="module")
def documents():
    return [parse_file(path) for path in sorted(CORPUS.glob("*.txt"))]


@pytest.fixture(scope="module")
def graph():
    return build_sources([CORPUS])


@pytest.fixture(scope="module")
def store(graph):
    return EmbeddedStore.from_rdflib(graph)


def run(store, name: str) -> list[dict]:
    return run_embedded(store, resolve(name), {}).records()


@pytest.mark.slow
def test_the_corpus_graph_conforms(graph, documents):
    report = validate(graph)
    assert report.conforms, report.text()
    assert len(documents) == len(list(CORPUS.glob("*.expected.toml"))) == 21
    tasks = sum(len(d.tasks) for d in documents)
    assert len(set(graph.subjects(RDF.type, IPG.Task))) == tasks == 209


def test_who_leads_most(store, documents):
    leads = Counter()
    for doc in documents:
        for task in doc.tasks:
            for name in {a.name for a in task.assignments if a.role == "lead"}:
                leads[name] += 1
    rows = {r["body_zh"]: int(r["lead"]) for r in run(store, "leads-per-body") if int(r["lead"])}
    assert rows == dict(leads)
    assert rows["金华市市场监督管理局"] == 5


def test_bodies_named_in_several_documents(store, documents):
    named = defaultdict(set)
    for doc in documents:
        for task in doc.tasks:
            for assignment in task.assignments:
                named[assignment.name].add(doc.key)
    rows = {r["body_zh"]: (int(r["documents"]),) for r in run(store, "bodies-across-documents")}
    several = {name: len(keys) for name, keys in named.items() if len(keys) > 1}
    assert {n: c for n, (c,) in rows.items() if c > 1} == several
    assert rows["国家知识产权局"][0] == len(
        [d for d in documents if "国家知识产权局" in {b for t in d.tasks for b in t.bodies}]
    )


def test_deadlines_by_month(store, documents):
    months = Counter()
    for doc in documents:
        for task in doc.tasks:
            if task.deadline and task.deadline.due:
                due = task.deadline.due
                months[due[:7] if len(due) > 4 else f"{due}-12"] += 1
    rows = {r["month"]: int(r["tasks"]) for r in run(store, "deadlines-by-month")}
    assert rows == dict(months)
    assert rows["2024-06"] == 1 and "2021-12" in rows


def test_build_warns_naming_file_and_line_and_still_writes(tmp_path, capsys):
    out = tmp_path / "mirror.ttl"
    assert main(["build", "-q", str(CORPUS / "noise-mirror.txt"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "noise-mirror.txt:17: warning: unknown-body: 省知识产\ufffd局" in err
    assert "省知识产%EF%BF%BD局" in out.read_text(encoding="utf-8")


def test_a_document_without_title_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("一、完善制度\n1.推进修订某法。（知识产权局负责）\n", encoding="utf-8")
    out = tmp_path / "out.ttl"
    assert main(["build", "-q", str(CORPUS / "deadlines.txt"), str(bad), "-o", str(out)]) != 0
    assert "bad.txt:1" in capsys.readouterr().err and not out.exists()
