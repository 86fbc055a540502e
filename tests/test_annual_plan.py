"""The annual-plan layout, on the sample plan in tests/fixtures (expected values read from its text)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import URIRef

from ipgraph.errors import SourceError
from ipgraph.graph.build import build_graph
from ipgraph.graph.namespaces import ID, IPG, RDF, RDFS
from ipgraph.ingest.formats import read_source
from ipgraph.ingest.layouts import annual_plan, cnipa_tasklist
from ipgraph.ingest.parse import parse_file

SAMPLE = Path(__file__).parent / "fixtures" / "annual-plan-sample.txt"
IN_XSD_DATE = URIRef("http://www.w3.org/2006/time#inXSDDate")
ITEM_LINE = re.compile(r"^(\d+)\.(.*)[（(]([^（）()]*)[）)]$")


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="module")
def plan():
    return parse_file(SAMPLE)


@pytest.fixture(scope="module")
def plan_graph(plan):
    return build_graph([plan])


def test_detected_and_parsed_as_an_annual_plan(plan, lines):
    text = SAMPLE.read_text(encoding="utf-8")
    assert annual_plan.detect(text) and not cnipa_tasklist.detect(text)
    assert (plan.layout, plan.key, plan.year, plan.publisher) == (
        "annual-plan",
        "annual-plan-2022",
        2022,
        "国家知识产权局",
    )
    assert len(plan.sections) == sum(bool(re.match(r"^[一二三四五六七八九十]+、", line)) for line in lines)
    assert len(plan.tasks) == sum(bool(ITEM_LINE.match(line)) for line in lines) == 12


def test_the_2021_list_is_not_taken_for_a_plan(source_lines):
    assert not annual_plan.detect("\n".join(source_lines))


def test_items_map_to_tasks_with_one_measure(plan, lines):
    for task in plan.tasks:
        m = ITEM_LINE.match(lines[task.line - 1])
        assert int(m[1]) == task.number
        (measure,) = task.measures
        assert measure.text == m[2] and measure.actor == "responsible-bodies" and measure.line == task.line
        assert m[2].startswith(task.title) and "。" not in task.title
        assert task.responsibility == m[3]
        assert all(name in m[3] for name in task.bodies)


@pytest.mark.parametrize(
    ("statement", "bodies"),
    [
        ("市场监管总局、农业农村部、知识产权局负责", ("市场监管总局", "农业农村部", "知识产权局")),
        ("知识产权局牵头，最高人民法院、公安部参与", ("知识产权局", "最高人民法院", "公安部")),
        ("市场监管总局、国家版权局、公安部等按职责分工负责", ("市场监管总局", "国家版权局", "公安部")),
        ("知识产权局、司法部按职责分工负责", ("知识产权局", "司法部")),
    ],
)
def test_responsible_bodies_lose_their_role_words(statement, bodies):
    assert annual_plan.split_bodies(statement) == bodies


def test_only_the_last_parenthesis_names_bodies(plan):
    rcep = next(t for t in plan.tasks if "RCEP" in t.title)
    assert "（RCEP）" in rcep.measures[0].text and rcep.bodies == ("知识产权局", "商务部")


def test_bodies_are_curated_organisations_and_cnipa(plan_graph, plan):
    for task in plan.tasks:
        iri = ID[f"annual-plan-2022/task/{task.number}"]
        bodies = set(plan_graph.objects(iri, IPG.responsibleBody))
        assert len(bodies) == len(task.bodies)
        for body in bodies:
            assert {lit.language for lit in plan_graph.objects(body, RDFS.label)} >= {"zh", "en"}, body
        measure = ID[f"annual-plan-2022/task/{task.number}/measure/1"]
        assert set(plan_graph.objects(measure, IPG.addressedTo)) == bodies
    plan_1 = set(plan_graph.objects(ID["annual-plan-2022/task/1"], IPG.responsibleBody))
    assert ID["org/cnipa"] in plan_1 and ID["org/samr"] in plan_1


def test_plan_year_gives_the_deadline(plan_graph):
    assert (ID["annual-plan-2022"], RDF.type, IPG.AnnualPlan) in plan_graph
    for task in plan_graph.subjects(RDF.type, IPG.Task):
        assert plan_graph.value(task, IPG.completionTime) == ID["completion-time/within-plan-year"]
        assert str(plan_graph.value(plan_graph.value(task, IPG.deadline), IN_XSD_DATE)) == "2022-12-31"


def parse_text(tmp_path, text: str):
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    return annual_plan.parse(read_source(path))


HEAD = "2023年知识产权工作推进计划\n一、完善制度\n"


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("1.推进修订某法。\n", 3, "no responsible bodies"),
        ("2.推进修订某法。（知识产权局负责）\n", 3, "out of order"),
        ("1.推进修订某法。（负责）\n", 3, "no body named"),
        ("三、错序标题\n", 3, "out of order"),
        ("二、没有事项的标题\n", 2, "has no item"),
        ("随便一行\n", 3, "expected a heading"),
    ],
)
def test_bad_plans_are_refused_naming_the_line(tmp_path, body, line, words):
    with pytest.raises(SourceError) as err:
        parse_text(tmp_path, HEAD + body)
    assert err.value.line == line and words in err.value.reason


def test_a_plan_needs_its_title(tmp_path):
    with pytest.raises(SourceError, match="title line"):
        parse_text(tmp_path, "一、完善制度\n1.推进修订某法。（知识产权局负责）\n")
