"""The reader on the sample annual plan in tests/fixtures (expected values read from its text)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import URIRef

from ipgraph.errors import SourceError
from ipgraph.graph.build import build_graph
from ipgraph.graph.namespaces import ID, IPG, RDF, RDFS
from ipgraph.ingest.layouts import cnipa_tasklist
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
    assert not cnipa_tasklist.detect(text)
    assert (plan.layout, plan.key, plan.year, plan.publisher) == (
        "annual-plan",
        "annual-plan-2022",
        2022,
        "国家知识产权局",
    )
    assert len(plan.sections) == sum(bool(re.match(r"^[一二三四五六七八九十]+、", line)) for line in lines)
    assert len(plan.tasks) == sum(bool(ITEM_LINE.match(line)) for line in lines) == 12


def test_the_2021_list_is_read_by_its_own_profile(document):
    assert document.layout == "cnipa-tasklist"


def test_items_map_to_tasks_with_one_measure(plan, lines):
    for task in plan.tasks:
        m = ITEM_LINE.match(lines[task.line - 1])
        assert int(m[1]) == task.number
        (measure,) = task.measures
        assert measure.text == m[2] and measure.actor == "responsible-bodies" and measure.line == task.line
        assert m[2].startswith(task.title) and "。" not in task.title
        assert task.responsibility == m[3]
        assert all(a.written in m[3] for a in task.assignments)
        assert measure.where.exact == m[2] and lines[task.line - 1].startswith(task.where.exact)


@pytest.mark.parametrize(
    ("number", "bodies"),
    [
        (1, [("市场监管总局", "responsible"), ("农业农村部", "responsible"), ("国家知识产权局", "responsible")]),
        (
            4,
            [
                ("国家知识产权局", "lead"),
                ("最高人民法院", "participant"),
                ("最高人民检察院", "participant"),
                ("公安部", "participant"),
            ],
        ),
    ],
)
def test_bodies_keep_their_roles_and_lose_their_role_words(plan, number, bodies):
    task = plan.tasks[number - 1]
    assert [(a.name, a.role) for a in task.assignments] == bodies


def test_only_the_last_parenthesis_names_bodies(plan):
    rcep = next(t for t in plan.tasks if "RCEP" in t.title)
    assert "（RCEP）" in rcep.measures[0].text and rcep.bodies == ("国家知识产权局", "商务部")


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


def test_plan_states_no_deadline_per_item(plan_graph):
    assert (ID["annual-plan-2022"], RDF.type, IPG.AnnualPlan) in plan_graph
    tasks = list(plan_graph.subjects(RDF.type, IPG.Task))
    assert len(tasks) == 12
    for task in tasks:
        assert plan_graph.value(task, IPG.completionTime) == ID["completion-time/within-plan-year"]
        assert plan_graph.value(task, IPG.deadline) is None


def test_lead_and_participants_are_apart(plan_graph):
    task = ID["annual-plan-2022/task/4"]
    assert set(plan_graph.objects(task, IPG.leadBody)) == {ID["org/cnipa"]}
    assert len(set(plan_graph.objects(task, IPG.participantBody))) == 3
    assert len(set(plan_graph.objects(task, IPG.responsibleBody))) == 4


def test_a_document_needs_a_title(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("一、完善制度\n1.推进修订某法。（知识产权局负责）\n", encoding="utf-8")
    with pytest.raises(SourceError, match="no title") as err:
        parse_file(path)
    assert err.value.line == 1 and "plan.txt:1" in str(err.value)


def test_an_item_without_bodies_is_still_a_task(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(
        "2023年知识产权工作推进计划\n一、完善制度\n1.推进修订某法。\n2.研究某事。（知识产权局负责）\n", "utf-8"
    )
    plan = parse_file(path)
    assert [(t.label, t.bodies, t.line) for t in plan.tasks] == [("1", (), 3), ("2", ("国家知识产权局",), 4)]
